// What old history means to the live gauges: only the largest finished 5-hour block (the `auto`
// ceiling). Computed in a child process that scans on every core and exits, so the daemon never
// holds the history: its memory stays flat however many gigabytes lie on disk.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ResponseEvent } from '../../core/events.js';
import { computeBlocks } from '../../engine/blocks.js';
import { beats } from '../../engine/engine.js';
import { addStats, type LineStats } from './lines.js';
import type { ScanResult } from './scan.js';
import { entryUrl } from '../../util/package-files.js';

export interface HistorySummary {
  /** Total tokens of the largest finished block (0 when none). */
  maxFinishedBlock: number;
  stats: LineStats;
  /** Files the scan could not read, one line each. */
  problems: string[];
}

/** Folds scan results in order (as the engine would) and finds the largest finished block. */
export function summarize(results: readonly ScanResult[], now: number): HistorySummary {
  const byKey = new Map<string, ResponseEvent>();
  const order: string[] = [];
  const stats: LineStats = { records: 0, skipped: 0 };
  const problems: string[] = [];
  for (const r of results) {
    addStats(stats, r.stats);
    if (r.problems) problems.push(...r.problems);
    for (const e of r.responses) {
      const cur = byKey.get(e.key);
      if (!cur) order.push(e.key);
      if (!cur || beats(e, cur)) byKey.set(e.key, e);
    }
  }
  // Stable sort by time: ties keep first-appearance order, as everywhere else.
  const entries = order.map((k) => byKey.get(k)!).map((e) => ({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic }));
  entries.sort((a, b) => a.at - b.at);
  let maxFinishedBlock = 0;
  for (const b of computeBlocks(entries, now)) if (!b.isGap && !b.isActive && b.totalTokens > maxFinishedBlock) maxFinishedBlock = b.totalTokens;
  return { maxFinishedBlock, stats, problems };
}

/** What the history child is asked: list these folders and summarize every file but these. */
export interface HistoryRequest {
  configDirs: string[];
  /** Identities of files the daemon read itself (the newest ones). */
  exclude: string[];
}

/**
 * The child lists the folders itself: handing it thousands of paths would cost the daemon's
 * thread tens of milliseconds of serializing. It summarizes whatever is there but the files the
 * daemon read: a file that appeared since only adds to blocks still open, which the summary
 * leaves out.
 */
export function summarizeInWorker(request: HistoryRequest, onProgress?: (filesDone: number) => void, onTotal?: (files: number) => void): Promise<HistorySummary> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(entryUrl('sources/transcripts/history-worker')), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let done = false;
    child.on('message', (m: HistorySummary | { progress: number } | { total: number }) => {
      if ('total' in m) onTotal?.(m.total);
      else if ('progress' in m) onProgress?.(m.progress);
      else {
        done = true;
        resolve(m);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => !done && reject(new Error(`history scan exited with ${code}`)));
    child.send(request);
  });
}
