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
  /** The file's size and modification time when it was opened for that offset (null in older rows). */
  seen_size?: number | null;
  seen_mtime_ms?: number | null;
}

/** A file's size and modification time at the fstat it was read under. */
export interface FileSeen {
  size: number;
  mtimeMs: number;
}

/**
 * True when the file stored as `row` now has the size it had when read but another modification
 * time: appending always grows a file, so these are other bytes (written again in place, or a
 * different file under a reused inode). Its head checksum alone misses a change past the head.
 */
export function rewrittenInPlace(row: Pick<StoredFile, 'seen_size' | 'seen_mtime_ms'> | undefined, now: FileSeen): boolean {
  return row?.seen_mtime_ms != null && row.seen_size === now.size && row.seen_mtime_ms !== now.mtimeMs;
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
  /** Size and modification time at the open (null when not opened): stored with the offset. */
  seen: FileSeen | null;
  retry: boolean;
  problem: string | null;
}

export interface ReadHooks {
  stored(id: string): StoredFile | undefined;
  /** How far past the stored offset an unfinished last line was searched already, if known. */
  unfinished?(id: string, offset: number): LinePosition | undefined;
  /** Once opened and reconciled, before the first chunk. */
  onStart?(cp: Checkpoint, row: StoredFile | undefined, restarted: boolean, seen: FileSeen): void;
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
  const res: LinesRead = { id: '', row: undefined, cp: null, lines: 0, overlong: 0, restarted: false, seen: null, retry: false, problem: null };
  const opened = openRegularSync(file);
  if (isUnread(opened)) {
    res.retry = opened.why === 'retry';
    res.problem = opened.problem; // gone: what was read stays in the history
    return res;
  }
  const { fd, id, size, mtimeMs } = opened;
  try {
    const row = h.stored(id);
    const seen = { size, mtimeMs };
    // Read from the stored offset, unless the file was written again at the same size.
    const from = rewrittenInPlace(row, seen) ? undefined : row;
    const cp = newCheckpoint(id, file, from ? { offset: from.offset, scanned: from.offset, overlong: false } : START);
    if (from) Object.assign(cp, { head: from.head, headLen: from.head_len });
    const known = from ? h.unfinished?.(id, from.offset) : undefined;
    if (known) Object.assign(cp, known);
    // Truncated, or a different file under a reused inode: rows are idempotent, read it all again.
    res.restarted = reconcile(cp, id, size, headSync(fd, size)) || from !== row;
    Object.assign(res, { id, row, cp, seen });
    h.onStart?.(cp, row, res.restarted, seen);
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
