// 5-hour blocks from the durable history: one row per response (its winning copy, writer.ts),
// folded by the engine's own computeBlocks, so `blocks --from history` prints what the scan of
// the transcripts prints, byte for byte (test/blocks-history.test.ts holds them equal).
import type { BlockEntry } from '../core/blocks.js';
import type { Db } from './db.js';

interface Row {
  at: number;
  model: string;
  input: number;
  output: number;
  cache_create: number;
  cache_1h: number;
  cache_read: number;
  synthetic: number;
  sidechain: number;
  speed: number;
}

/**
 * Every response as a block entry, in the scan's order: by time, and equal times in the order the
 * scan first met them, files in path order (Timeline's stable sort). The history keeps no line
 * numbers, so among equal times the winning copy's file stands in for the first: the project's
 * folder, then the session's file before its subagents'. Two distinct responses in one
 * millisecond are rare; when their first copies lie elsewhere, only the order of a block's models
 * and the last bits of its summed cost could differ.
 */
export function historyBlockEntries(db: Db): BlockEntry[] {
  const rows = db
    .prepare(
      `SELECT at, model, input, output, cache_create, cache_1h, cache_read, synthetic, sidechain, speed
       FROM responses ORDER BY at, project, session, agent IS NOT NULL, agent`,
    )
    .raw(false)
    .all() as Row[];
  const out: BlockEntry[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    out[i] = {
      at: r.at,
      model: r.model,
      tokens: { input: r.input, output: r.output, cacheCreation: r.cache_create, cacheRead: r.cache_read },
      synthetic: r.synthetic === 1,
      sidechain: r.sidechain === 1,
      speed: r.speed === 1,
      cache1h: r.cache_1h,
    };
  }
  return out;
}
