// The reports' sums kept by 15-minute slot, model, session and project (migration 6): `daily`,
// `weekly`, `monthly` and `session` group these instead of every response. Empty means not made
// yet, and then a reader groups the responses the same way; while it holds rows, the migration's
// triggers keep it equal to that grouping through every insert, replace, update and delete.
import { hasTable, type Db } from './db.js';

/**
 * The responses grouped as the table keeps them. The slot is SLOT_MS's (core/local-time.ts). Each
 * response's cost is rounded once to whole nano-dollars so sums are integers: exact in any order,
 * which a sum of floating-point dollars is not.
 */
export const GROUPED_RESPONSES = `SELECT at / 900000 slot, model, session, project, sum(input) input, sum(output) output, sum(cache_create) cache_create,
      sum(cache_read) cache_read, sum(CAST(round(coalesce(cost, 0) * 1e9) AS INTEGER)) cost_nanos, count(*) n, count(cost) priced, max(at) last
    FROM responses WHERE synthetic = 0 GROUP BY 1, 2, 3, 4`;

const holdsRows = (db: Db) => db.prepare('SELECT EXISTS (SELECT 1 FROM report_slots) AS any').pluck().get() === 1;

/** Whether this history keeps the sums (an older schema has no table; an empty one is not made yet). */
export function reportSlotsKept(db: Db): boolean {
  return hasTable(db, 'report_slots') && holdsRows(db);
}

/**
 * Fills the table when it is empty and there are responses to sum (the daemon calls it after it
 * writes, as keepBlocks): one grouping of every response, about 0.15 s at 2 GB, then the triggers.
 */
export function fillReportSlots(db: Db): boolean {
  if (!hasTable(db, 'report_slots')) return false;
  return db.transaction(() => !holdsRows(db) && db.prepare(`INSERT INTO report_slots ${GROUPED_RESPONSES}`).run().changes > 0)();
}

/** fillReportSlots where a failure must not count: the sums only save time, and the next call tries again. */
export function keepReportSlots(db: Db): void {
  try {
    fillReportSlots(db);
  } catch {
    // a busy lock or a full disk: readers group the responses meanwhile
  }
}

/**
 * Empties the table before a write that changes many responses (a reprice, a long catch-up): the
 * triggers then do nothing, and keepReportSlots groups everything once afterwards, instead of
 * recomputing a group per response written.
 */
export function dropReportSlots(db: Db): void {
  if (hasTable(db, 'report_slots')) db.exec('DELETE FROM report_slots');
}
