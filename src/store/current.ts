// Whether the durable history is current: it has read every complete line of every transcript
// there is now, so a report may answer from it instead of the transcripts, and a daemon's start
// need read only the files it is behind on.
import { closeSync, readSync } from 'node:fs';
import { isUnread, openRegularSync } from '../sources/files/open.js';
import { discover, type FoundFile } from '../sources/transcripts/discover.js';
import type { Db } from './db.js';
import { MIGRATIONS } from './migrations.js';

/** A tail this large after a file's stored offset is not a half-written line: the history is behind. */
const TAIL_LIMIT = 1 << 20;

/** True when the history has taken every complete line of every transcript there is now. */
export function historyComplete(db: Db, configDirs: string[]): boolean {
  return filesBehind(db, configDirs)?.length === 0;
}

/** The transcripts there are now that the history is behind on (staleFiles); null when its schema is not this code's. */
export function filesBehind(db: Db, configDirs: string[]): FoundFile[] | null {
  if ((db.pragma('user_version', { simple: true }) as number) !== MIGRATIONS.length) return null;
  return staleFiles(db, discover(configDirs).files);
}

/**
 * The listed files the history is behind on: not taken at all, taken under another path, grown
 * by a complete line, or shorter than what was taken (rewritten: read again from its start). A
 * file is known by its identity (device:inode) and path, as the reports' currency check knows it.
 */
export function staleFiles<F extends FoundFile>(db: Db, files: readonly F[]): F[] {
  const offsets = storedOffsets(db);
  return files.filter((f) => !isCurrent(offsets, f));
}

type Offsets = Map<string, [id: string, path: string, offset: number]>;

/** Every file's offset in one query: a look-up per file costs about 10 µs, 60 ms at 6,000 files. Keyed by identity, the table's key. */
function storedOffsets(db: Db): Offsets {
  const byId: Offsets = new Map();
  for (const row of db.prepare('SELECT id, path, offset FROM files').raw(true).all() as [string, string, number][]) byId.set(row[0], row);
  return byId;
}

function isCurrent(offsets: Offsets, f: FoundFile): boolean {
  const row = offsets.get(f.id);
  if (row === undefined || row[1] !== f.path) return false;
  const offset = row[2];
  if (offset === f.size) return true;
  if (offset > f.size) return false;
  return f.size - offset <= TAIL_LIMIT && !tailHasNewline(f.path, offset, f.size);
}

function tailHasNewline(file: string, from: number, to: number): boolean {
  const buf = Buffer.alloc(to - from);
  // The file layer's open: non-blocking, regular files only (a FIFO put in its place never hangs us).
  const opened = openRegularSync(file);
  if (isUnread(opened)) return true; // cannot tell: not complete
  const { fd } = opened;
  try {
    const n = readSync(fd, buf, 0, buf.length, from);
    return buf.subarray(0, n).includes(10);
  } finally {
    closeSync(fd);
  }
}
