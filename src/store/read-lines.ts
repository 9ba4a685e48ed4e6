// The reading half of a transcript's ingest, without the database: where to start (from the
// file's stored row, by device:inode and head checksum, through the shared file-reading layer),
// and its new complete lines chunk by chunk. The follow worker commits each chunk as it comes
// (ingest-file.ts); in the first build a reader thread (and the writer, while it would wait)
// extracts them, and the one writer applies the facts (build.ts).
import { closeSync } from 'node:fs';
import { newCheckpoint, reconcile, type Checkpoint } from '../sources/files/checkpoint.js';
import { linesOf, START, type LineChunk, type LinePosition } from '../sources/files/lines.js';
import { classify, isUnread, openRegularSync } from '../sources/files/open.js';
import { headSync, readLinesSync } from '../sources/files/read.js';

const CHUNK = 1024 * 1024;

/** What the files table keeps of a transcript. */
export interface StoredFile {
  offset: number;
  head: string | null;
  head_len: number;
}

export interface LinesRead {
  /** device:inode; '' when the file was not opened. */
  id: string;
  /** The stored row it started from (undefined: a file not seen before). */
  row: StoredFile | undefined;
  /** Where reading stopped: just after the last complete line handed on. */
  cp: Checkpoint | null;
  lines: number;
  /** Lines over the cap, skipped. */
  overlong: number;
  restarted: boolean;
  retry: boolean;
  problem: string | null;
}

export interface ReadHooks {
  stored(id: string): StoredFile | undefined;
  /** How far past the stored offset an unfinished last line was searched already, if known. */
  unfinished?(id: string, offset: number): LinePosition | undefined;
  /** Once opened and reconciled, before the first chunk. */
  onStart?(cp: Checkpoint, row: StoredFile | undefined, restarted: boolean): void;
  /** A chunk of complete lines; `cp.offset` is just past them. What it throws stops reading and goes up. */
  onChunk?(lines: string[], cp: Checkpoint): void;
  /** Instead of onChunk: the chunk's bytes, its lines ending at buf[0, lastNl]; returns how many lines it held. */
  onBytes?(c: LineChunk, cp: Checkpoint): number;
  /** The buffer to read into (a usage-line finder's area, which onBytes may rewrite before lastNl). */
  area?: (bytes: number) => Buffer;
  /** Asked after each chunk: true stops reading there (the caller has what it wanted). */
  enough?(): boolean;
}

class ChunkFailed {
  constructor(readonly err: unknown) {}
}

export function readNewLines(file: string, h: ReadHooks): LinesRead {
  const res: LinesRead = { id: '', row: undefined, cp: null, lines: 0, overlong: 0, restarted: false, retry: false, problem: null };
  const opened = openRegularSync(file);
  if (isUnread(opened)) {
    res.retry = opened.why === 'retry';
    res.problem = opened.problem; // gone: what was read stays in the history
    return res;
  }
  const { fd, id, size } = opened;
  try {
    const row = h.stored(id);
    const cp = newCheckpoint(id, file, row ? { offset: row.offset, scanned: row.offset, overlong: false } : START);
    if (row) Object.assign(cp, { head: row.head, headLen: row.head_len });
    const known = row ? h.unfinished?.(id, row.offset) : undefined;
    if (known) Object.assign(cp, known);
    // Truncated, or a different file under a reused inode: rows are idempotent, read it all again.
    res.restarted = reconcile(cp, id, size, headSync(fd, size));
    Object.assign(res, { id, row, cp });
    h.onStart?.(cp, row, res.restarted);
    try {
      const r = readLinesSync(
        fd,
        size,
        cp,
        (c) => {
          try {
            if (h.onBytes) res.lines += h.onBytes(c, cp);
            else {
              const lines = linesOf(c);
              h.onChunk?.(lines, cp);
              res.lines += lines.length;
            }
          } catch (err) {
            throw new ChunkFailed(err);
          }
          return h.enough?.() !== true;
        },
        { readBytes: CHUNK, minRead: CHUNK, area: h.area },
      );
      res.overlong = r.overlong;
    } catch (err) {
      if (err instanceof ChunkFailed) throw err.err;
      const why = classify(file, err); // a read error (EIO): what was handed on stays, the rest is read next time
      res.retry = why.why === 'retry';
      res.problem = why.problem;
    }
    return res;
  } finally {
    closeSync(fd);
  }
}
