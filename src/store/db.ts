// The durable history: one SQLite file in the state folder, WAL mode so the API reads while the
// ingest writes, migrations by PRAGMA user_version.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export const HISTORY_FILE = 'history.sqlite';

export interface History {
  db: Db;
  file: string;
  close(): void;
}

/** Opens (creating and migrating) the history in `dir`, or at `file` when it ends in .sqlite. */
export function openHistory(dirOrFile: string, o: { readonly?: boolean } = {}): History {
  const file = dirOrFile.endsWith('.sqlite') ? dirOrFile : path.join(dirOrFile, HISTORY_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { readonly: o.readonly ?? false });
  db.pragma('busy_timeout = 5000'); // the worker and the API share the file
  if (!o.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a power cut may lose the last commits, never corrupt
    migrate(db);
  }
  return { db, file, close: () => db.close() };
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

export function getMeta(db: Db, k: string): string | null {
  const row = db.prepare('SELECT v FROM meta WHERE k = ?').get(k) as { v: string } | undefined;
  return row?.v ?? null;
}

export function setMeta(db: Db, k: string, v: string): void {
  db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v').run(k, v);
}
