// A first build writes every row of the history at once, keyed by hashes and ids that land all
// over their tables; each secondary index took one more random insert per row, and at 2 GB the
// commits rewrote most of their pages every time. The build drops the indexes nothing in it reads
// and makes each once at its end, from sorted rows. Their definitions wait in `meta` meanwhile, so
// a build killed half way leaves a history that the next open puts right (restoreIndexes): the
// indexes serve only speed, and queries read the same rows without them.
import type Database from 'better-sqlite3';
import { deleteMeta, getMeta, setMeta } from './meta.js';

/** db.ts's Db, named from the driver: db.ts calls restoreIndexes at every open, and imports this file. */
type Db = Database.Database;

/** Read by the stats queries, reports and the report sums, never by the build's own statements. */
const DEFERRABLE = ['responses_at', 'responses_session_at', 'tool_uses_at', 'tool_uses_name', 'texts_at', 'interrupts_at'];
const KEY = 'deferred_indexes';

/** Drops the deferrable indexes (committed, with their definitions kept in meta); returns how many. */
export function deferIndexes(db: Db): number {
  let n = 0;
  db.transaction(() => {
    const sql = DEFERRABLE.map((name) => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string | undefined).filter((s): s is string => s !== undefined && PLAIN.test(s));
    if (sql.length === 0) return;
    // A leftover list (a build killed before) keeps its entries: none of them exists now.
    setMeta(db, KEY, JSON.stringify([...plainOf(getMeta(db, KEY)), ...sql]));
    for (const s of sql) db.exec(`DROP INDEX ${nameOf(s)}`);
    n = sql.length;
  })();
  return n;
}

/** Makes every index a build deferred and has not made yet; returns how many. Safe on any history. */
export function restoreIndexes(db: Db): number {
  const list = getMeta(db, KEY);
  if (list === null) return 0;
  const sql = plainOf(list);
  db.transaction(() => {
    for (const s of sql) db.exec(s.replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
    deleteMeta(db, KEY);
  })();
  return sql.length;
}

/** The definitions in a waiting list, each in the plain form (anything else in it is left out). */
function plainOf(v: string | null): string[] {
  let list: unknown;
  try {
    list = JSON.parse(v ?? '[]');
  } catch {
    list = [];
  }
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string' && PLAIN.test(s)) : [];
}

/** The form the migrations write an index in (and so the only one dropped or made here). */
const PLAIN = /^CREATE INDEX (\w+) ON /;

function nameOf(sql: string): string {
  return PLAIN.exec(sql)![1];
}
