// The slot sums of a report (report.ts SlotRow) made from a scan's responses instead of a history:
// what `daily`, `weekly` and `monthly` fold when they read the transcripts. The scan is the one
// `blocks` makes (the same fold of a response's copies, the same prices), so the sums are the ones
// the history's GROUPED_RESPONSES makes of the same responses; test/reports.test.ts holds the two
// reports equal, to the JSON byte.
import type { BlockEntry, PriceFn } from '../../core/blocks.js';
import { SLOT_MS } from '../stats/time.js';
import type { SlotRow } from './report.js';

/** A scanned response as a report sums it: a block entry, with its session and project folder for the session report. */
export type SlotEntry = BlockEntry & { session?: string; project?: string };

/**
 * By 15-minute slot and model (and, `bySession`, session and project folder), placeholders left
 * out, as store/report-slots.ts GROUPED_RESPONSES groups the history's rows.
 */
export function entrySlots(entries: Iterable<SlotEntry>, price: PriceFn, bySession = false): SlotRow[] {
  const groups = new Map<string, SlotRow>();
  for (const e of entries) {
    if (e.synthetic) continue;
    const slot = Math.floor(e.at / SLOT_MS);
    const session = bySession ? e.session ?? '' : '';
    const project = bySession ? e.project ?? '' : '';
    const k = bySession ? `${slot}\u0000${e.model}\u0000${session}\u0000${project}` : `${slot}\u0000${e.model}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { slot, model: e.model, session, project, input: 0, output: 0, cache_create: 0, cache_read: 0, cost_nanos: 0, n: 0, priced: 0, last: e.at }));
    g.input += e.tokens.input;
    g.output += e.tokens.output;
    g.cache_create += e.tokens.cacheCreation;
    g.cache_read += e.tokens.cacheRead;
    const cost = e.cost !== undefined ? e.cost : price(e);
    g.cost_nanos += nanos(cost ?? 0);
    g.n++;
    if (cost !== null) g.priced++;
    g.last = Math.max(g.last, e.at);
  }
  return [...groups.values()];
}

/** A cost in whole nano-dollars as SQLite's CAST(round(x * 1e9) AS INTEGER) makes it: half away from zero, in doubles. */
export function nanos(cost: number): number {
  const r = cost * 1e9;
  return r >= 0 ? Math.trunc(r + 0.5) : -Math.trunc(-r + 0.5);
}
