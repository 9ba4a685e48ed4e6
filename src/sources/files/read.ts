// The reading loop over LineSplitter, once synchronous (the bulk scan and the history ingest run in
// workers, where a blocking read costs nobody) and once through the thread pool (the live tailer,
// on the daemon's thread). Both move `at` along as chunks are handed on, so a caller that stops
// or fails half way knows exactly what it has.
import { readSync, type promises as fs } from 'node:fs';
import { headWanted } from './checkpoint.js';
import { LineSplitter, type LineChunk, type LinePosition, type SplitterOptions } from './lines.js';

const EMPTY = Buffer.alloc(0);

export interface LinesRead {
  /** Lines skipped for being longer than the cap. */
  overlong: number;
  /** With `rest`: the unfinished last line, consumed (empty when none). Valid until the next read. */
  rest: Buffer;
}

export interface ReadOptions extends Omit<SplitterOptions, 'end'> {
  /** Take an unfinished last line too (a one-shot read, as ccusage reads files). */
  rest?: boolean;
}

/**
 * Reads from `at` to `size` (Infinity: until a read returns 0), handing each chunk of whole lines
 * to `onChunk` with `at` already past it; `onChunk` returns false to stop there.
 */
export function readLinesSync(fd: number, size: number, at: LinePosition, onChunk: (c: LineChunk) => boolean | void, o: ReadOptions = {}): LinesRead {
  const s = new LineSplitter(at, o, size);
  try {
    for (let r = s.next(); r; r = s.next()) {
      const c = s.took(readSync(fd, r.buf, r.at, r.len, r.pos));
      if (c) {
        s.positionInto(at);
        if (onChunk(c) === false) return { overlong: s.overlong, rest: EMPTY };
      }
    }
    const rest = o.rest ? s.finish() : EMPTY;
    return { overlong: s.overlong, rest };
  } finally {
    s.positionInto(at);
  }
}

export async function readLines(fh: fs.FileHandle, size: number, at: LinePosition, onChunk: (c: LineChunk) => void, o: ReadOptions = {}): Promise<LinesRead> {
  const s = new LineSplitter(at, o, size);
  try {
    for (let r = s.next(); r; r = s.next()) {
      const { bytesRead } = await fh.read(r.buf, r.at, r.len, r.pos);
      const c = s.took(bytesRead);
      if (c) {
        s.positionInto(at);
        onChunk(c);
      }
    }
    const rest = o.rest ? s.finish() : EMPTY;
    return { overlong: s.overlong, rest };
  } finally {
    s.positionInto(at);
  }
}

/** The first bytes of a file this long that reconcile() compares. */
export function headSync(fd: number, size: number): Buffer {
  const b = Buffer.alloc(headWanted(size));
  const n = b.length ? readSync(fd, b, 0, b.length, 0) : 0;
  return b.subarray(0, n);
}

export async function head(fh: fs.FileHandle, size: number): Promise<Buffer> {
  const b = Buffer.alloc(headWanted(size));
  const n = b.length ? (await fh.read(b, 0, b.length, 0)).bytesRead : 0;
  return b.subarray(0, n);
}
