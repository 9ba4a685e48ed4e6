// The durable history: one SQLite file in the state folder, WAL mode so the API reads while the
// ingest writes, migrations by PRAGMA user_version.
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { HISTORY_FILE } from './history-file.js';
import { restoreIndexes } from './deferred-indexes.js';
import { MIGRATIONS } from './migrations.js';
import { newDatabase } from './native-sqlite.js';
import { errorCode } from '../util/errno.js';

export type Db = Database.Database;

export { HISTORY_FILE };
/** More than a history of years takes. */
const REPORT_MMAP_BYTES = 1 << 30;

export interface History {
  db: Db;
  file: string;
  close(): void;
}

export interface OpenOptions {
  readonly?: boolean;
  /**
   * Read-only: map the file into memory (a report, which reads much of it once and exits). Off for
   * a reader that lives in the daemon (the stats query threads): mapped pages count as the
   * daemon's own memory, once per connection.
   */
  mapped?: boolean;
  onMovedAside?: (to: string, why: string) => void;
  /**
   * The file was checked (and migrated) by this daemon's start already (check-worker.ts): its
   * ingest worker and build child open it after, and reading every page again cost them 0.25-0.8 s
   * each at 2 GB of history. Damage found by a query later is an error of that query, as before.
   */
  checked?: boolean;
}

/**
 * Opens (creating and migrating) the history in `dir`, or at `file` when it ends in .sqlite.
 * A damaged file is never fatal: it is moved aside, kept under a timestamped name for the curious,
 * and a fresh history starts, which the ingest rebuilds from the transcripts (they are the truth).
 */
export function openHistory(dirOrFile: string, o: OpenOptions = {}): History {
  const file = dirOrFile.endsWith('.sqlite') ? dirOrFile : path.join(dirOrFile, HISTORY_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  if (o.readonly) {
    const db = newDatabase(file, { readonly: true });
    db.pragma('busy_timeout = 5000'); // a reader beside the daemon's writer waits rather than fails
    // A report reads much of the file once: mapped, its pages are not copied in one read call each
    // (daily at 1 GB: the query's first run 294 -> 111 ms). Only for these short-lived readers: the
    // daemon's pages would count as its own memory.
    if (o.mapped ?? true) db.pragma(`mmap_size = ${REPORT_MMAP_BYTES}`);
    return wrap(db, file);
  }
  const check = !o.checked;
  try {
    return openWritable(file, check);
  } catch (err) {
    const why = damage(err);
    if (!why) throw err;
    const to = moveAside(file);
    o.onMovedAside?.(to, why);
    return openWritable(file, check);
  }
}

function openWritable(file: string, check: boolean): History {
  const db = newDatabase(file);
  try {
    db.pragma('busy_timeout = 5000'); // the worker and the API share the file
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a power cut may lose the last commits, never corrupt
    // Reads every page once (a quarter of a second at 2 GB of history): damage found now costs a
    // rebuild, damage found by a query later would cost a broken /stats.
    const verdict = check ? (db.pragma('quick_check', { simple: true }) as string) : 'ok';
    if (verdict !== 'ok') throw new DamagedHistory(`quick_check: ${verdict.replace(/\s+/g, ' ')}`);
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  try {
    restoreIndexes(db); // a first build killed half way left them to make (deferred-indexes.ts)
  } catch {
    // busy or a full disk: queries read the same rows without them, and the next open tries again
  }
  return wrap(db, file);
}

function wrap(db: Db, file: string): History {
  return { db, file, close: () => db.close() };
}

class DamagedHistory extends Error {}

/** Why `err` means the file is damaged (rather than, say, unreadable or newer), or null. */
function damage(err: unknown): string | null {
  if (err instanceof DamagedHistory) return err.message;
  const code = errorCode(err) ?? '';
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT_') ? `${code}: ${(err as Error).message}` : null;
}

/** Renames the file and its WAL companions to `<file>.corrupt-<timestamp>[-wal|-shm]`; returns the new name. */
function moveAside(file: string): string {
  const to = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
  return to;
}

export function migrate(db: Db): void {
  const have = db.pragma('user_version', { simple: true }) as number;
  if (have > MIGRATIONS.length) throw new Error(`history database is newer (schema ${have}) than this claude-gauge (${MIGRATIONS.length}); upgrade claude-gauge`);
  for (let v = have; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Whether the history has this table: one opened read-only at an older schema may lack a later migration's. */
export function hasTable(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export { getMeta, setMeta } from './meta.js';
