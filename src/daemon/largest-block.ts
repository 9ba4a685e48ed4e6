// What old history means to the live gauges: only the largest finished 5-hour block (the `auto`
// ceiling). Computed in a child process that scans on every core and exits, so the daemon never
// holds the history: its memory stays flat however many gigabytes lie on disk. The engine's own
// fold and block rules do the summing, here in the daemon layer that composes sources and engine.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ResponseFold } from '../core/response-fold.js';
import { computeBlocks, largestFinishedBlock } from '../engine/blocks.js';
import { addStats, type LineStats } from '../sources/transcripts/lines.js';
import type { OlderHistoryRequest, OlderHistorySummary } from '../sources/transcripts/older.js';
import type { ScanResult } from '../sources/transcripts/scan.js';
import { entryUrl } from '../util/package-files.js';

/** Folds scan results in order (as the engine would) and finds the largest finished block. */
export function summarize(results: readonly ScanResult[], now: number): OlderHistorySummary {
  const fold = new ResponseFold();
  const stats: LineStats = { records: 0, skipped: 0 };
  const problems: string[] = [];
  for (const r of results) {
    addStats(stats, r.stats);
    if (r.problems) problems.push(...r.problems);
    for (const e of r.responses) fold.add(e);
  }
  const entries = fold.byTime().map((e) => ({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic }));
  return { maxFinishedBlock: largestFinishedBlock(computeBlocks(entries, now)), stats, problems };
}

/**
 * The child lists the folders itself: handing it thousands of paths would cost the daemon's
 * thread tens of milliseconds of serializing. It summarizes whatever is there but the files the
 * daemon read: a file that appeared since only adds to blocks still open, which the summary
 * leaves out.
 */
export function summarizeInChild(request: OlderHistoryRequest, onProgress?: (filesDone: number) => void, onTotal?: (files: number) => void): Promise<OlderHistorySummary> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(entryUrl('daemon/largest-block-worker')), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let done = false;
    child.on('message', (m: OlderHistorySummary | { progress: number } | { total: number }) => {
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
