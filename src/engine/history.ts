// What the live engine keeps of usage it no longer holds response by response: the finished
// 5-hour blocks (for the `auto` ceiling) and the tokens and dollars of the last eight days in
// 15-minute slots (for the seven-day figure and today's cost). Two parts feed it and never
// overlap: the history summarized elsewhere covers everything before `before`; what the engine
// itself forgets (compact) is folded in here from `before` on.
import type { BlockEntry, FinishedBlock, HistoryPart, PriceFn, Slot } from '../core/blocks.js';
import { totalTokens } from '../core/events.js';
import { SLOT_MS } from '../core/local-time.js';
import { computeBlocks, finishedBlocks } from './blocks.js';
import { recentBlocks } from './ceiling.js';

/** Slots are kept this long: seven days and a day of margin for the weekly reset's anchor. */
const KEEP_MS = 8 * 24 * 3_600_000;

export class History {
  private blocks: FinishedBlock[] = [];
  private slots = new Map<number, Slot>();
  /** Records before this instant are the summary's; -Infinity until one arrives (the engine holds all). */
  private before = -Infinity;
  version = 0;

  /** The older history's summary: replaces whatever the engine had folded before its boundary. */
  take(part: HistoryPart, now: number): void {
    this.before = part.before;
    this.blocks = this.blocks.filter((b) => b.start >= part.before).concat(part.finishedBlocks);
    for (const at of this.slots.keys()) if (at < part.before) this.slots.delete(at);
    for (const s of part.slots) this.addSlot(s.at, s.tokens, s.cost);
    this.trim(now);
    this.version++;
  }

  /** Entries the engine is about to forget (sorted, all finished); those the summary covers are skipped. */
  fold(entries: readonly BlockEntry[], now: number, price: PriceFn | undefined): void {
    const mine = entries.filter((e) => e.at >= this.before);
    this.blocks.push(...finishedBlocks(computeBlocks(mine, now)));
    for (const e of mine) if (e.at >= now - KEEP_MS) this.addSlot(slotOf(e.at), totalTokens(e.tokens), entryCost(e, price));
    this.trim(now);
    this.version++;
  }

  /** Records before this instant are the summary's to count, not the engine's. */
  get boundary(): number {
    return this.before;
  }

  finished(): readonly FinishedBlock[] {
    return this.blocks;
  }

  /** All it holds, as a summary of older history hands it over (everything before `before`). */
  part(before: number): HistoryPart {
    return { before, finishedBlocks: this.blocks, slots: [...this.slots.values()] };
  }

  /** Tokens in slots starting in [from, to). */
  tokensBetween(from: number, to: number): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.at >= from && s.at < to) n += s.tokens;
    return n;
  }

  /** Dollars in slots starting at or after `from`; null when none of them had a price. */
  costSince(from: number): number | null {
    let c: number | null = null;
    for (const s of this.slots.values()) if (s.at >= from && s.cost !== null) c = (c ?? 0) + s.cost;
    return c;
  }

  private addSlot(at: number, tokens: number, cost: number | null): void {
    const s = this.slots.get(at);
    if (!s) this.slots.set(at, { at, tokens, cost });
    else {
      s.tokens += tokens;
      if (cost !== null) s.cost = (s.cost ?? 0) + cost;
    }
  }

  private trim(now: number): void {
    for (const at of this.slots.keys()) if (at < now - KEEP_MS) this.slots.delete(at);
    this.blocks = recentBlocks(this.blocks, now);
  }
}

function slotOf(at: number): number {
  return Math.floor(at / SLOT_MS) * SLOT_MS;
}

/** An entry's price, asked once and kept on it (the winning copy changing clears it). */
export function entryCost(e: BlockEntry, price: PriceFn | undefined): number | null {
  if (!price) return null;
  if (e.cost === undefined) e.cost = price(e);
  return e.cost;
}
