// 5-hour blocks from the durable history: one row per response (its winning copy, writer.ts),
// folded by the engine's own computeBlocks, so `blocks --from history` prints what the scan of
// the transcripts prints, byte for byte (test/blocks-history.test.ts holds them equal).
import type { Block, BlockEntry } from '../core/blocks.js';
import { computeBlocks } from '../engine/blocks.js';
import { getMeta, hasTable, type Db } from './db.js';
import { loadOverrides, pricesInForce, pricingFingerprint } from './price-overrides.js';

/** at, model, input, output, cache_create, cache_1h, cache_read, synthetic, sidechain, speed, cost: arrays, not objects (a third faster to read). */
type Row = [number, string, number, number, number, number, number, number, number, number, number | null];

/**
 * Every response as a block entry, in the scan's order: by time, and equal times in the order the
 * scan first met them, files in path order (Timeline's stable sort). The history keeps no line
 * numbers, so among equal times the winning copy's file stands in for the first: the project's
 * folder, then the session's file before its subagents'. Two distinct responses in one
 * millisecond are rare; when their first copies lie elsewhere, only the order of a block's models
 * and the last bits of its summed cost could differ. NOT INDEXED: reading the table through the
 * time index costs a random look-up per row; one pass and a sort is about twice as fast.
 */
export function historyBlockEntries(db: Db, o: { storedCosts?: boolean; after?: number } = {}): BlockEntry[] {
  // The whole table in one pass; a tail (after a summary) through the time index.
  const where = o.after === undefined ? 'NOT INDEXED' : 'WHERE at > ?';
  const rows = db
    .prepare(
      `SELECT at, model, input, output, cache_create, cache_1h, cache_read, synthetic, sidechain, speed, cost
       FROM responses ${where} ORDER BY at, project, session, agent IS NOT NULL, agent`,
    )
    .raw(true)
    .all(...(o.after === undefined ? [] : [o.after])) as Row[];
  const out: BlockEntry[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [at, model, input, output, cacheCreation, cache1h, cacheRead, synthetic, sidechain, speed, cost] = rows[i];
    out[i] = {
      at,
      model,
      tokens: { input, output, cacheCreation, cacheRead },
      synthetic: synthetic === 1,
      sidechain: sidechain === 1,
      speed: speed === 1,
      cache1h,
      // Costs stored under the prices in force are the prices (pricedAsNow): no table to load.
      ...(o.storedCosts ? { cost } : {}),
    };
  }
  return out;
}

/** Every entry carries its stored cost already; this only says so to computeBlocks. */
export const storedCost = (e: BlockEntry): number | null => e.cost ?? null;

type SummaryRow = [number, number, number, number, number, number, number, number, number, string, number];

/** The blocks kept in block_summaries (migration 4), oldest first, or only the newest; none in an older history. */
function storedBlocks(db: Db, o: { newestOnly?: boolean } = {}): Block[] {
  if (!hasTable(db, 'block_summaries')) return [];
  const order = o.newestOnly ? 'ORDER BY start DESC LIMIT 1' : 'ORDER BY start';
  const rows = db
    .prepare(`SELECT start, end, first_at, last_at, entries, input, output, cache_create, cache_read, models, cost FROM block_summaries ${order}`)
    .raw(true)
    .all() as SummaryRow[];
  return rows.map(([start, end, firstAt, actualEnd, entries, input, output, cacheCreation, cacheRead, models, cost]) => ({
    // emptyBlock's shape (engine/blocks.ts), priced; isActive and totalTokens are set when the fold closes it.
    cost,
    start,
    end,
    firstAt,
    actualEnd,
    isActive: false,
    isGap: false,
    entries,
    tokens: { input, output, cacheCreation, cacheRead },
    totalTokens: 0,
    models: JSON.parse(models) as string[],
  }));
}

/**
 * Every block at `now`, priced by the stored costs (only right when pricedAsNow): the kept blocks,
 * and the fold goes on over the responses after the last one's last. One read transaction, so
 * the blocks kept and the rows read are of the same moment.
 */
export function historyBlocks(db: Db, now: number): Block[] {
  return db.transaction(() => {
    const before = storedBlocks(db);
    const after = before.length ? before[before.length - 1].actualEnd! : undefined;
    return computeBlocks(historyBlockEntries(db, { storedCosts: true, after }), now, storedCost, before);
  })();
}

/**
 * Brings block_summaries up to the newest response (the daemon's ingest calls it after it writes):
 * folds only what came after the last block kept, the last one reopened. The stored costs as they
 * are: a reader uses them only while they are the prices in force.
 */
export function summarizeBlocks(db: Db): void {
  db.transaction(() => {
    // After every batch the ingest writes: the newest kept block alone, not all of them.
    const [last] = storedBlocks(db, { newestOnly: true });
    const entries = historyBlockEntries(db, { storedCosts: true, after: last?.actualEnd ?? undefined });
    if (entries.length === 0) return;
    const put = db.prepare(
      'INSERT OR REPLACE INTO block_summaries (start, end, first_at, last_at, entries, input, output, cache_create, cache_read, models, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const b of computeBlocks(entries, Date.now(), storedCost, last ? [last] : [])) {
      if (b.isGap) continue;
      put.run(b.start, b.end, b.firstAt, b.actualEnd, b.entries, b.tokens.input, b.tokens.output, b.tokens.cacheCreation, b.tokens.cacheRead, JSON.stringify(b.models), b.cost ?? 0);
    }
  })();
}

/** Forgets the blocks kept: readers fold every row until summarizeBlocks makes them again. */
export function dropKeptBlocks(db: Db): void {
  db.exec('DELETE FROM block_summaries');
}

/** summarizeBlocks where a failure must not count: the blocks kept only save time, and the next call tries again. */
export function keepBlocks(db: Db): void {
  try {
    summarizeBlocks(db);
  } catch {
    // a busy lock or a full disk: the reader folds the rows after what is kept, as many as there are
  }
}

/** Whether the history's stored costs were made under the prices in force now (same table, rules and prices.json). */
export function pricedAsNow(db: Db): boolean {
  try {
    return getMeta(db, 'pricing') === pricingFingerprint(pricesInForce(loadOverrides()));
  } catch {
    return false; // a prices.json that does not read: the table decides, as the scan's pricer says
  }
}
