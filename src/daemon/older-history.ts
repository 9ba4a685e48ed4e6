// What old history means to the live gauges: the finished 5-hour blocks (the `auto` ceiling) and
// the last eight days in 15-minute slots (the seven-day figure, today's cost). Computed in a
// child process that scans on every core and exits, so the daemon never holds the history: its
// memory stays flat however many gigabytes lie on disk. The engine's own fold and block rules do
// the summing, here in the daemon layer that composes sources and engine.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BlockEntry, PriceFn } from '../core/blocks.js';
import { ResponseFold } from '../core/response-fold.js';
import { History } from '../engine/history.js';
import { addStats, type LineStats } from '../sources/transcripts/lines.js';
import type { OlderHistoryRequest, OlderHistorySummary } from '../sources/transcripts/older.js';
import type { ScanResult } from '../sources/transcripts/scan.js';
import type { Pricer } from '../store/pricing.js';
import { entryUrl } from '../util/package-files.js';

/** The child's question: the folders, and the instant up to which it speaks for the history (the engine counts from there). */
export interface SummaryRequest extends OlderHistoryRequest {
  before: number;
}

/** Folds scan results in order (as the engine would) and summarizes what lies before `before`. */
export function summarize(results: readonly ScanResult[], before: number, now: number, price?: PriceFn): OlderHistorySummary {
  const fold = new ResponseFold();
  const stats: LineStats = { records: 0, skipped: 0 };
  const problems: string[] = [];
  for (const r of results) {
    addStats(stats, r.stats);
    if (r.problems) problems.push(...r.problems);
    for (const e of r.responses) fold.add(e);
  }
  const entries: BlockEntry[] = [];
  for (const e of fold.byTime()) {
    if (e.at >= before) break;
    entries.push({ at: e.at, model: e.model, tokens: e.tokens, synthetic: e.synthetic, cache1h: e.cacheCreation1h });
  }
  // The engine's own keeping of what it forgets: the same blocks, the same slots, the same window.
  const kept = new History();
  kept.fold(entries, now, price);
  const part = kept.part(before);
  return { part, stats, problems };
}

export interface Pricing {
  price: PriceFn;
  /** Keeps the table's rates learned this run in the state folder, for the next run to skip the table; never rejects (a failure goes to loadPriceFn's onProblem). */
  saveRates(): Promise<void>;
}

/**
 * The price function (an import of its own, that start-up and a scan need not wait for), with the
 * rates kept in `stateDir` from earlier runs: the price table itself loads only for what they
 * lack. A prices.json that does not read goes to `onProblem`, and the table alone applies.
 */
export async function loadPriceFn(onProblem: (message: string) => void, stateDir?: string): Promise<Pricing> {
  const [{ loadPricer }, { rateBookFile }] = await Promise.all([import('../store/pricing.js'), import('../store/rate-book.js')]);
  const pricer = loadPricer(undefined, onProblem, { rateBook: stateDir ? rateBookFile(stateDir) : undefined });
  return { price: priceWith(pricer), saveRates: () => pricer.saveRates(onProblem) };
}

/** The engine's price function over a Pricer: list price of one entry. */
export function priceWith(pricer: Pricer): PriceFn {
  return (e) => {
    const cache1h = e.cache1h ?? 0;
    const t = e.tokens;
    return pricer.cost({ model: e.model, at: e.at, input: t.input, output: t.output, cache5m: t.cacheCreation - cache1h, cache1h, cacheRead: t.cacheRead, synthetic: e.synthetic });
  };
}

/**
 * The child lists the folders itself: handing it thousands of paths would cost the daemon's
 * thread tens of milliseconds of serializing. It reads every file, the daemon's too, and speaks
 * only for what lies before `before`: a response copied into a newer file (a resumed session)
 * is then counted once, on one side of the line.
 */
export function summarizeInChild(request: SummaryRequest, onProgress?: (filesDone: number) => void, onTotal?: (files: number) => void): Promise<OlderHistorySummary> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(entryUrl('daemon/older-history-worker')), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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
