// Reading the small files of the state folder (hand-off, hooks, daemon address, config) safely:
// whatever sits there under the expected name, a FIFO, a device, a folder or a huge file, a read
// returns at once. Opening a FIFO for reading would wait for a writer forever and park one of
// libuv's few threads (or the whole process, when synchronous).
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import { errorCode } from './errno.js';

/** Read without blocking: a FIFO opens at once instead of waiting for a writer (on a regular file the flag changes nothing). */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The kind of a file that is not a regular one, or null for a regular file. */
export function irregular(st: { isFile(): boolean; isFIFO(): boolean; isSocket(): boolean; isDirectory(): boolean }): string | null {
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'a device';
}

export class NotAFileError extends Error {
  readonly code = 'ENOTFILE';
  constructor(readonly file: string, what: string) {
    super(`${file} is ${what}, not a regular file`);
  }
}

/**
 * The file's text, or null when it does not exist.
 * @throws NotAFileError for a FIFO, socket, device or folder, or a file over `maxBytes`; other open/read errors as they come
 */
export async function readStateFile(file: string, maxBytes: number): Promise<string | null> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, READ_FLAGS);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await fh.stat();
    check(file, st, maxBytes);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** readStateFile for synchronous callers (start-up configuration, the statusline's fast path). */
export function readStateFileSync(file: string, maxBytes: number): string | null {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    check(file, st, maxBytes);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const read = readSync(fd, buf, n, buf.length - n, n);
      if (read === 0) break;
      n += read;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Opens a followed file (hooks.jsonl) without blocking; refused unless a regular file. */
export async function openStateFile(file: string): Promise<fs.FileHandle> {
  const fh = await fs.open(file, READ_FLAGS);
  try {
    check(file, await fh.stat(), Infinity);
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

function check(file: string, st: Parameters<typeof irregular>[0] & { size: number }, maxBytes: number): void {
  const kind = irregular(st);
  if (kind) throw new NotAFileError(file, kind);
  if (st.size > maxBytes) throw new NotAFileError(file, `${st.size} bytes (more than ${maxBytes} expected)`);
}
