// Whether the durable history is current: it has read every complete line of every transcript
// there is now, so a report may answer from it instead of the transcripts, and a daemon's start
// need read only the files it is behind on.
import { closeSync, readSync } from 'node:fs';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { isUnread, openRegularSync } from '../sources/files/open.js';
import { discover, discoverShallow, type FoundFile } from '../sources/transcripts/discover.js';
import type { Db } from './db.js';
import { getMeta, setMeta } from './meta.js';
import { MIGRATIONS } from './migrations.js';
import { rewrittenInPlace } from './read-lines.js';

/** A tail this large after a file's stored offset is not a half-written line: the history is behind. */
const TAIL_LIMIT = 1 << 20;

/** True when the history has taken every complete line of every transcript there is now. */
export function historyComplete(db: Db, configDirs: string[]): boolean {
  return filesBehind(db, configDirs)?.length === 0;
}

/** The transcripts there are now that the history is behind on (staleFiles); null when its schema is not this code's. */
export function filesBehind(db: Db, configDirs: string[]): FoundFile[] | null {
  if ((db.pragma('user_version', { simple: true }) as number) !== MIGRATIONS.length) return null;
  return staleFiles(db, filesToCheck(db, configDirs));
}

/**
 * Every transcript, or, when the history was complete at a known time (markComplete), every one
 * but those in session folders whose session was last written well before it. A subagent runs
 * inside its session and no file in its folder is written after the session's own transcript
 * (discover.ts, SUBAGENT_GRACE_MS; the daemon's start relies on the same): such a folder was final
 * when the history had read it all. At 2 GB (6,325 files) this lists and stats about 1,200
 * instead of every file: the whole listing took 80-140 ms here, most of a report from the history.
 */
function filesToCheck(db: Db, configDirs: string[]): FoundFile[] {
  const since = completeSince(db, configDirs);
  if (since === null) return discover(configDirs).files;
  const listing = discoverShallow(configDirs);
  for (const d of listing.deferred) if (d.writtenBy >= since) listing.expand(d);
  return listing.files;
}

const COMPLETE_KEY = 'complete_as_of';

interface CompleteMark {
  /** When the listing that found every file read began (epoch ms). */
  at: number;
  /** The config dirs it listed, resolved: a report over others cannot use it. */
  dirs: string[];
  /** The schema it was made under: a migration may read files again (offsets back to 0). */
  schema: number;
}

const resolved = (dirs: string[]) => dirs.map((d) => path.resolve(d));

function completeSince(db: Db, configDirs: string[]): number | null {
  try {
    const m = JSON.parse(getMeta(db, COMPLETE_KEY) ?? 'null') as CompleteMark | null;
    if (!m || typeof m.at !== 'number' || m.schema !== MIGRATIONS.length || !Array.isArray(m.dirs)) return null;
    return m.dirs.join('\0') === resolved(configDirs).join('\0') ? m.at : null;
  } catch {
    return null; // a mark that does not parse: list everything
  }
}

/**
 * Records that the history had read every file of `listing`, a full listing of `configDirs`
 * begun at `listedAt`, to (at least) the size listed; false, and nothing recorded, when it had not.
 * Without a listing the caller has just found none of it stale. Never waits for a writer (the
 * daemon's thread calls it): when the file is busy there is no mark, and reports list every file.
 */
export function markComplete(db: Db, configDirs: string[], listedAt: number, listing?: readonly FoundFile[]): boolean {
  if (listing && !readThrough(db, listing)) return false;
  const mark: CompleteMark = { at: listedAt, dirs: resolved(configDirs), schema: MIGRATIONS.length };
  const wait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    setMeta(db, COMPLETE_KEY, JSON.stringify(mark));
    return true;
  } catch {
    return false; // busy: another writer holds the file now
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

/**
 * The listed files the history is behind on: not taken at all, taken under another path, grown
 * by a complete line, shorter than what was taken, or of the size it was read at but written
 * since (both rewritten: read again from its start). A file is known by its identity
 * (device:inode) and path, as the reports' currency check knows it.
 */
export function staleFiles<F extends FoundFile>(db: Db, files: readonly F[]): F[] {
  const offsets = fewerThanHalf(db, files.length) ? offsetsOf(db, files) : storedOffsets(db);
  return files.filter((f) => !isCurrent(offsets, f));
}

/**
 * staleFiles for a thread that answers requests meanwhile (the daemon's start): the whole table is
 * read a few thousand rows at a time. A row rewritten between two reads is at worst read in its
 * older state, and its file read again (every write is idempotent).
 */
export async function staleFilesInSteps<F extends FoundFile>(db: Db, files: readonly F[], rowsPerStep = 1500): Promise<F[]> {
  const offsets = fewerThanHalf(db, files.length) ? offsetsOf(db, files) : await storedOffsetsInSteps(db, rowsPerStep);
  return files.filter((f) => !isCurrent(offsets, f));
}

function readThrough(db: Db, listing: readonly FoundFile[]): boolean {
  const offsets = storedOffsets(db);
  return listing.every((f) => {
    const row = offsets.get(f.id);
    return row !== undefined && row[1] === f.path && (row[2] >= f.size || isCurrent(offsets, f));
  });
}

type Row = [id: string, path: string, offset: number, seenSize: number | null, seenMtimeMs: number | null];
type Offsets = Pick<Map<string, Row>, 'get'>;

/** Every file's offset in one query: a look-up per file costs about 10 µs, 60 ms at 6,000 files. Keyed by identity, the table's key. */
function storedOffsets(db: Db): Offsets {
  const byId = new Map<string, Row>();
  for (const row of db.prepare('SELECT id, path, offset, seen_size, seen_mtime_ms FROM files').raw(true).all() as Row[]) byId.set(row[0], row);
  return byId;
}

/** storedOffsets by rowid, `rowsPerStep` at a time with a turn of the event loop between (at 2 GB every row at once held the daemon's thread 14-21 ms). */
async function storedOffsetsInSteps(db: Db, rowsPerStep: number): Promise<Offsets> {
  const byId = new Map<string, Row>();
  const page = db.prepare('SELECT rowid, id, path, offset, seen_size, seen_mtime_ms FROM files WHERE rowid > ? ORDER BY rowid LIMIT ?').raw(true);
  for (let after = 0; ; ) {
    const rows = page.all(after, rowsPerStep) as [number, ...Row][];
    for (const r of rows) byId.set(r[1], r.slice(1) as Row);
    if (rows.length < rowsPerStep) return byId;
    after = rows[rows.length - 1][0];
    await setImmediate();
  }
}

/**
 * The offsets of `files` alone, looked up by SQLite in one statement: cheaper than every row when
 * they are a small part of the table (1,156 of 6,325 at 2 GB: 13 ms, against 24 ms a statement
 * each and 30-37 ms for every row). From the list to the table (CROSS JOIN keeps that order): as
 * `id IN (list)` it took 11-15 ms in a fresh report, 10-11 so.
 */
function offsetsOf(db: Db, files: readonly FoundFile[]): Offsets {
  const rows = db
    .prepare('SELECT f.id, f.path, f.offset, f.seen_size, f.seen_mtime_ms FROM json_each(?) j CROSS JOIN files f ON f.id = j.value')
    .raw(true)
    .all(JSON.stringify(files.map((f) => f.id))) as Row[];
  return new Map(rows.map((r) => [r[0], r]));
}

/** Whether `n` files are under half the table, by its largest rowid: a count would read the whole table (6-7 ms at 6,325 rows). */
function fewerThanHalf(db: Db, n: number): boolean {
  return n * 2 < ((db.prepare('SELECT max(rowid) FROM files').pluck().get() as number | null) ?? 0);
}

function isCurrent(offsets: Offsets, f: FoundFile): boolean {
  const row = offsets.get(f.id);
  if (row === undefined || row[1] !== f.path) return false;
  if (rewrittenInPlace({ seen_size: row[3], seen_mtime_ms: row[4] }, f)) return false;
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
