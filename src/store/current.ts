// Whether the durable history is current: it has read every complete line of every transcript
// there is now, so a report may answer from it instead of the transcripts.
import { closeSync, readSync } from 'node:fs';
import { isUnread, openRegularSync } from '../sources/files/open.js';
import { discover } from '../sources/transcripts/discover.js';
import type { Db } from './db.js';
import { MIGRATIONS } from './migrations.js';

/** A tail this large after a file's stored offset is not a half-written line: the history is behind. */
const TAIL_LIMIT = 1 << 20;

/** True when the history has taken every complete line of every transcript there is now. */
export function historyComplete(db: Db, configDirs: string[]): boolean {
  if ((db.pragma('user_version', { simple: true }) as number) !== MIGRATIONS.length) return false;
  // Every file's offset in one query: a look-up per file costs about 10 µs, 30 ms at 3000 files.
  // Keyed by identity, the table's key (no key strings built for 6,000 files twice over); the path is compared after.
  const byId = new Map<string, [string, string, number]>();
  for (const row of db.prepare('SELECT id, path, offset FROM files').raw(true).all() as [string, string, number][]) byId.set(row[0], row);
  for (const f of discover(configDirs).files) {
    const row = byId.get(f.id);
    if (row === undefined || row[1] !== f.path) return false;
    const offset = row[2];
    if (offset >= f.size) continue;
    if (f.size - offset > TAIL_LIMIT || tailHasNewline(f.path, offset, f.size)) return false;
  }
  return true;
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
