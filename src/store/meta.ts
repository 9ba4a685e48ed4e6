// The history's meta table (migration 1): small facts kept by key, such as the prices its costs
// were made under. Apart from db.ts so that what db.ts calls at an open (deferred-indexes.ts) can
// read and write them without importing db.ts back.
import type Database from 'better-sqlite3';

type Db = Database.Database;

export function getMeta(db: Db, k: string): string | null {
  const row = db.prepare('SELECT v FROM meta WHERE k = ?').get(k) as { v: string } | undefined;
  return row?.v ?? null;
}

export function setMeta(db: Db, k: string, v: string): void {
  db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v').run(k, v);
}

export function deleteMeta(db: Db, k: string): void {
  db.prepare('DELETE FROM meta WHERE k = ?').run(k);
}
