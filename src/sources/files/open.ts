// Opening a transcript for reading, and what any error on an entry means. Every reader opens
// through here, so none of them can be stopped by what it finds under a *.jsonl name:
// - O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, holding one of libuv's
//   four threads (or a worker's only one) for good; a few of them stop every file operation of
//   the process. On a regular file the flag changes nothing.
// - fstat of the open file: FIFOs, sockets and devices are skipped, never read (a device can
//   read forever).
// - EMFILE/ENFILE (out of file descriptors) and their kin mean "try again soon", not "gone".
import { closeSync, fstatSync, openSync, promises as fs } from 'node:fs';
import { irregular, READ_FLAGS } from '../../util/state-file.js';
import { fileId, inexactId } from './fingerprint.js';
import { errorText } from '../../util/errno.js';

export { irregular };

/**
 * - gone: it no longer exists (ENOENT): nothing to say.
 * - retry: a passing shortage (file descriptors, memory, an interrupted call): read it again soon, keep its place.
 * - failed: it exists and cannot be read (EACCES, ELOOP, ENOTDIR, EIO, ...): reported, tried again later.
 * - skipped: not a regular file (a FIFO, socket, device or directory under a transcript's name).
 */
export type Unread = { why: 'gone'; problem: null } | { why: 'retry' | 'failed' | 'skipped'; problem: string; code: string };

/** Codes that say "not now" rather than "not this file". */
const PASSING = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM', 'EINTR', 'EBUSY']);

/** What an error on `path` means, with the line `source.problems` shows for it. */
export function classify(path: string, err: unknown): Unread {
  const code = errorText(err);
  if (code === 'ENOENT') return { why: 'gone', problem: null };
  if (PASSING.has(code)) return { why: 'retry', code, problem: `cannot open ${path}: ${code}; retrying` };
  return { why: 'failed', code, problem: `cannot read ${path}: ${code}` };
}

/**
 * Whether a problem line means records may be missing (a file or folder that cannot be read), as
 * opposed to junk in the tree that holds no records (a link loop, a link to nothing or through a
 * file, a FIFO or device under a transcript's name) or a passing shortage being retried. Only the
 * first makes the source unhealthy: a stray link must not light STALL for good.
 */
export function losesRecords(problem: string): boolean {
  return !(problem.startsWith('skipped ') || /: (ELOOP|ENOTDIR)$/.test(problem) || problem.endsWith('a link to nothing') || problem.endsWith('; retrying'));
}

export function skipped(path: string, kind: string): Unread & { problem: string } {
  return { why: 'skipped', code: 'ENOTREG', problem: `skipped ${path}: ${kind}, not a regular file` };
}

export interface OpenFile {
  id: string;
  size: number;
  mtimeMs: number;
}

/** A regular file opened for reading, or why not. Never throws; closes what it opened on a refusal. */
export function openRegularSync(path: string): (OpenFile & { fd: number }) | Unread {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    return classify(path, err);
  }
  try {
    const st = fstatSync(fd);
    const kind = irregular(st);
    if (kind) {
      closeSync(fd);
      return skipped(path, kind);
    }
    const id = inexactId(st) ? fileId(fstatSync(fd, { bigint: true })) : fileId(st);
    return { fd, id, size: Number(st.size), mtimeMs: Number(st.mtimeMs) };
  } catch (err) {
    closeSync(fd);
    return classify(path, err);
  }
}

/**
 * For a file just listed as a regular file of `size` bytes, to be read no further than that: open
 * alone, without the fstat (a bulk scan opens thousands). What could have taken its place since is
 * harmless read that way: a FIFO opens without waiting (O_NONBLOCK) and reads as empty, a socket
 * does not open, a directory fails its first read, and a device is read no further than `size`.
 */
export function openListedSync(path: string): { fd: number } | Unread {
  try {
    return { fd: openSync(path, READ_FLAGS) };
  } catch (err) {
    return classify(path, err);
  }
}

/** openRegularSync through the thread pool, for the daemon's thread. */
export async function openRegular(path: string): Promise<(OpenFile & { fh: fs.FileHandle }) | Unread> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(path, READ_FLAGS);
  } catch (err) {
    return classify(path, err);
  }
  try {
    const st = await fh.stat({ bigint: true });
    const kind = irregular(st);
    if (kind) {
      await fh.close();
      return skipped(path, kind);
    }
    return { fh, id: fileId(st), size: Number(st.size), mtimeMs: Number(st.mtimeMs) };
  } catch (err) {
    await fh.close().catch(() => {});
    return classify(path, err);
  }
}

export function isUnread(r: object): r is Unread {
  return 'why' in r;
}
