// Synchronous ingest of a list of files into an open history: the core shared by the worker,
// the tests and one-shot commands.
import { discover } from '../sources/transcripts/discover.js';
import { getMeta, setMeta, type Db } from './db.js';
import { ingestFile, type FileResult } from './ingest-file.js';
import { Pricer } from './pricing.js';
import { dropReportSlots } from './report-slots.js';
import { Writer, type ResponseRow } from './writer.js';

export function transcriptFiles(configDirs: string[]): string[] {
  // Oldest first, so a long backfill fills the history in time order.
  return discover(configDirs).files.sort((a, b) => a.mtimeMs - b.mtimeMs).map((f) => f.path);
}

export interface PathsResult extends Omit<FileResult, 'retry' | 'problem'> {
  /** Files to read again soon (out of file descriptors meanwhile). */
  retry: string[];
  problems: string[];
}

export function ingestPaths(db: Db, paths: readonly string[], pricer = new Pricer(), o: { afterChunk?: () => void } = {}): PathsResult {
  const w = new Writer(db, pricer);
  reprice(w);
  const total: PathsResult = { lines: 0, skipped: 0, restarted: false, bytes: 0, retry: [], problems: [] };
  for (const p of paths) {
    const r = ingestFile(w, p, o);
    total.lines += r.lines;
    total.skipped += r.skipped;
    total.bytes += r.bytes;
    total.restarted ||= r.restarted;
    if (r.retry) total.retry.push(p);
    if (r.problem) total.problems.push(r.problem);
  }
  return total;
}

/** Recomputes every stored cost when the price table or the user's overrides changed. */
export function reprice(w: Writer): boolean {
  if (getMeta(w.db, 'pricing') === w.pricer.fingerprint) return false;
  const rows = w.db.prepare('SELECT * FROM responses').iterate() as IterableIterator<ResponseRow>;
  const all = [...rows];
  w.db.transaction(() => {
    dropReportSlots(w.db); // every row changes: summed again once afterwards (keepReportSlots)
    for (const r of all) w.save(r);
    setMeta(w.db, 'pricing', w.pricer.fingerprint);
  })();
  return true;
}
