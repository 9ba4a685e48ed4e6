// Reads what is new in a transcript since last time: byte offsets per file, an unfinished
// last line held back until its newline arrives, truncation and replacement detected.
import { createHash } from 'node:crypto';
import { promises as fs, readSync } from 'node:fs';
import { fileId } from './discover.js';
import { textLines } from './lines.js';

const HEAD_BYTES = 256;
const CHUNK_BYTES = 1024 * 1024; // small enough that parsing one chunk never holds the event loop for long
const NEWLINE = 0x0a;

export interface TailState {
  id: string;
  path: string;
  /** Bytes consumed: always just after a newline. */
  offset: number;
  /** Checksum of the first HEAD_BYTES, once the file is that long: tells a replaced file from a grown one. */
  head: string | null;
}

export interface ReadResult {
  /** Complete lines since the last read, without their line endings. */
  lines: string[];
  /** The file was cut short or replaced under the same identity: reading restarted at 0. */
  restarted: boolean;
  gone: boolean;
}

/**
 * Reads complete lines appended since `state.offset`, calling `onLines` per chunk so a
 * huge file never sits in memory whole. Updates `state` in place.
 */
export async function readNew(
  state: TailState,
  onLines: (lines: string[]) => void,
  opts: { takeUnterminated?: boolean } = {},
): Promise<Omit<ReadResult, 'lines'>> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(state.path, 'r');
  } catch {
    return { restarted: false, gone: true };
  }
  try {
    const st = await fh.stat({ bigint: true });
    const size = Number(st.size);
    let restarted = false;
    const id = fileId(st);
    if (id !== state.id || size < state.offset || (state.head !== null && (await headOf(fh, size)) !== state.head)) {
      state.id = id;
      state.offset = 0;
      state.head = null;
      restarted = true;
    }
    if (state.head === null && size >= HEAD_BYTES) state.head = await headOf(fh, size);
    let pos = state.offset;
    let carry: Buffer | null = null;
    while (pos < size) {
      const want = Math.min(CHUNK_BYTES, size - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const chunk: Buffer = carry ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      // Decode everything up to the last newline at once and split the string: one UTF-8 decode
      // per chunk instead of one per line (a line that is not UTF-8 is dropped, see lines.ts).
      const lastNl = chunk.lastIndexOf(NEWLINE);
      const start = lastNl + 1;
      const lines = start === 0 ? [] : textLines(chunk, lastNl);
      state.offset += start;
      carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : null;
      if (lines.length) onLines(lines);
    }
    // A one-shot report reads the last line even without its newline (as ccusage does);
    // a live tail waits for the newline instead, and reads the line then.
    if (opts.takeUnterminated && carry && carry.length > 0) {
      onLines(textLines(carry, carry.length));
      state.offset += carry.length;
    }
    return { restarted, gone: false };
  } finally {
    await fh.close();
  }
}

async function headOf(fh: fs.FileHandle, size: number): Promise<string | null> {
  if (size < HEAD_BYTES) return null;
  const buf = Buffer.alloc(HEAD_BYTES);
  await fh.read(buf, 0, HEAD_BYTES, 0);
  return headChecksum(buf);
}

/** The `head` of a TailState, from an open file read elsewhere (null while it is shorter than the head). */
export function headOfSync(fd: number, size: number): string | null {
  if (size < HEAD_BYTES) return null;
  const buf = Buffer.alloc(HEAD_BYTES);
  readSync(fd, buf, 0, HEAD_BYTES, 0);
  return headChecksum(buf);
}

function headChecksum(head: Buffer): string {
  return createHash('sha1').update(head).digest('hex');
}
