// 5-hour blocks from the durable history: one row per response (its winning copy, writer.ts),
// folded by the engine's own computeBlocks, so `blocks --from history` prints what the scan of
// the transcripts prints, byte for byte (test/blocks-history.test.ts holds them equal).
import type { BlockEntry } from '../core/blocks.js';
import { getMeta, type Db } from './db.js';
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
export function historyBlockEntries(db: Db, o: { storedCosts?: boolean } = {}): BlockEntry[] {
  const rows = db
    .prepare(
      `SELECT at, model, input, output, cache_create, cache_1h, cache_read, synthetic, sidechain, speed, cost
       FROM responses NOT INDEXED ORDER BY at, project, session, agent IS NOT NULL, agent`,
    )
    .raw(true)
    .all() as Row[];
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

/** Whether the history's stored costs were made under the prices in force now (same table, rules and prices.json). */
export function pricedAsNow(db: Db): boolean {
  try {
    return getMeta(db, 'pricing') === pricingFingerprint(pricesInForce(loadOverrides()));
  } catch {
    return false; // a prices.json that does not read: the table decides, as the scan's pricer says
  }
}
