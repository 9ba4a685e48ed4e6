// The background read of the older history start-up left: either summarized elsewhere (the
// daemon's history child, `olderHistory`) into the one number the gauges need, or scanned in
// worker threads and emitted (reports, tests). Either way the main thread keeps answering
// /usage meanwhile, and the files are followed from their ends afterwards.
import { settled } from '../../util/settle.js';
import { byPath, discover, type FoundFile } from './discover.js';
import { addStats } from './lines.js';
import type { TranscriptSourceOptions } from './options.js';
import { scanAll } from './parallel.js';
import { NOTHING_UNLISTED, type SourceState } from './state.js';
import type { LeftOver } from './startup.js';

export type BackfillOptions = Pick<TranscriptSourceOptions, 'configDirs' | 'emit' | 'onBatch' | 'horizon' | 'onProgress' | 'olderHistory' | 'log'>;

/**
 * Takes what start-up left as pending and reads it once start-up has settled. Resolves when
 * done; never rejects.
 */
export function startBackfill(shared: SourceState, { files, sessionDirs }: LeftOver, options: BackfillOptions): Promise<void> {
  shared.unlisted = { dirs: new Set(sessionDirs), before: options.horizon?.() ?? Infinity };
  shared.backfill = { done: files.length === 0 && sessionDirs.length === 0, files_done: 0, files_total: files.length };
  // The older files are left to a history child started once start-up has settled.
  shared.pending = new Set(files.map((f) => f.id));
  return settled()
    .then(() => readOlder(shared, files, options))
    .catch((err: Error) => {
      // The history child or a scan worker died (out of memory, killed): the gauges go on without
      // the older history's ceiling, and say so; the files are followed from their ends.
      shared.lasting.push(`reading the older history failed: ${err.message}`);
      options.log?.(`reading the older history failed: ${err.message}`);
      for (const f of files) if (!shared.files.has(f.id)) shared.track(f);
      shared.pending.clear();
      shared.backfill.done = true;
    });
}

/**
 * Older history only adds usage (the auto ceiling, the history behind reports): it is scanned
 * in worker threads, so the main thread keeps answering /usage at full speed meanwhile.
 */
async function readOlder(shared: SourceState, rest: FoundFile[], options: BackfillOptions): Promise<void> {
  if (shared.closed) return;
  const progress = (n: number) => {
    // The history child counts what it lists itself, which may have grown since.
    shared.backfill.files_done = Math.min(n, shared.backfill.files_total);
    options.onProgress?.(shared.backfill.files_done, shared.backfill.files_total);
  };
  const older = options.olderHistory;
  if (older && (rest.length > 0 || shared.unlisted.dirs.size > 0)) {
    const total = (n: number) => (shared.backfill.files_total = n);
    const h = await older.summarize({ configDirs: options.configDirs }, progress, total);
    if (shared.closed) return;
    addStats(shared.stats, h.stats);
    shared.tookProblems(h.problems);
    older.take(h.part);
  } else {
    // Here the history is fed to the engine itself, so the session folders start-up left
    // unlisted are listed now (the history child lists everything on its own).
    if (shared.unlisted.dirs.size > 0) rest = discover(options.configDirs).files.filter((f) => !shared.files.has(f.id));
    shared.backfill.files_total = rest.length;
    const ordered = [...rest].sort(byPath);
    const results = await scanAll(ordered, { minBytes: 0, onProgress: progress });
    if (shared.closed) return;
    let applied = 0;
    for (const r of results) {
      addStats(shared.stats, r.stats);
      shared.tookProblems(r.problems);
      for (const e of r.responses) {
        options.emit(e);
        if (++applied % 20_000 === 0) await new Promise((res) => setImmediate(res)); // let requests in
      }
    }
  }
  for (const f of rest) if (!shared.files.has(f.id)) shared.track(f);
  shared.pending.clear();
  if (!options.olderHistory) shared.unlisted = NOTHING_UNLISTED; // all of it is followed now
  progress(shared.backfill.files_total);
  shared.backfill.done = true;
  options.onBatch?.();
}
