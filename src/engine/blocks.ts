// 5-hour blocks exactly as ccusage defines them (FACTS.md): pure functions over
// deduplicated entries sorted by time.
import type { Block, BlockEntry, FinishedBlock, PriceFn } from '../core/blocks.js';

export const BLOCK_MS = 5 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export function floorToHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** Does `at` start a new block, given the open block's start and the previous entry? */
export function startsNewBlock(at: number, blockStart: number, prevAt: number): boolean {
  return at - blockStart > BLOCK_MS || at - prevAt > BLOCK_MS;
}

/**
 * Every block and gap over `entries` (sorted ascending by `at`); with prices, each block's cost.
 * `before`: the blocks (no gaps) this same fold made of every entry older than these, as it left
 * them (store/history-blocks.ts keeps them): the fold goes on from their state, the last one still
 * open, so the answer is the one over all the entries.
 */
export function computeBlocks(entries: readonly BlockEntry[], now: number, price?: PriceFn, before: readonly Block[] = []): Block[] {
  const out: Block[] = [];
  let open: Block | null = null;
  let prevAt = 0;
  for (const b of before) {
    if (open) {
      out.push(close(open, prevAt, now));
      if (b.firstAt! - prevAt > BLOCK_MS) out.push(gap(prevAt + BLOCK_MS, b.firstAt!));
    }
    open = { ...b, tokens: { ...b.tokens }, models: [...b.models] };
    prevAt = b.actualEnd!;
  }
  for (const e of entries) {
    if (open && startsNewBlock(e.at, open.start, prevAt)) {
      out.push(close(open, prevAt, now));
      if (e.at - prevAt > BLOCK_MS) out.push(gap(prevAt + BLOCK_MS, e.at));
      open = null;
    }
    if (!open) open = emptyBlock(floorToHour(e.at), price !== undefined);
    add(open, e, price);
    prevAt = e.at;
  }
  if (open) out.push(close(open, prevAt, now));
  // ccusage lists blocks by start time, so a gap that starts after the next block's floored start follows it.
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Index of the first entry of the activity chain that holds the newest entry: the
 * chain runs back until a silence longer than 5 h. Blocks inside it depend on nothing older.
 */
export function chainStartIndex(entries: readonly BlockEntry[]): number {
  let i = entries.length - 1;
  while (i > 0 && entries[i].at - entries[i - 1].at <= BLOCK_MS) i--;
  return Math.max(i, 0);
}

/** The block that is active at `now`, or null. Only walks the newest activity chain. */
export function activeBlock(entries: readonly BlockEntry[], now: number): Block | null {
  if (entries.length === 0) return null;
  const last = entries[entries.length - 1];
  if (now - last.at >= BLOCK_MS) return null;
  const blocks = computeBlocks(entries.slice(chainStartIndex(entries)), now);
  const newest = blocks[blocks.length - 1];
  return newest && newest.isActive ? newest : null;
}

function emptyBlock(start: number, priced = false): Block {
  return {
    ...(priced ? { cost: 0 } : {}),
    start,
    end: start + BLOCK_MS,
    firstAt: null,
    actualEnd: null,
    isActive: false,
    isGap: false,
    entries: 0,
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 },
    totalTokens: 0,
    models: [],
  };
}

function add(b: Block, e: BlockEntry, price?: PriceFn): void {
  if (b.firstAt === null) b.firstAt = e.at;
  // An entry without a known price adds nothing, as in ccusage.
  if (price) b.cost! += (e.cost === undefined ? (e.cost = price(e)) : e.cost) ?? 0;
  b.entries++;
  b.tokens.input += e.tokens.input;
  b.tokens.output += e.tokens.output;
  b.tokens.cacheCreation += e.tokens.cacheCreation;
  b.tokens.cacheRead += e.tokens.cacheRead;
  if (!e.synthetic && !b.models.includes(e.model)) b.models.push(e.model);
}

function close(b: Block, lastAt: number, now: number): Block {
  b.actualEnd = lastAt;
  b.totalTokens = b.tokens.input + b.tokens.output + b.tokens.cacheCreation + b.tokens.cacheRead;
  b.isActive = now - lastAt < BLOCK_MS && now < b.end;
  return b;
}

function gap(start: number, end: number): Block {
  return { ...emptyBlock(start), end, isGap: true };
}

/** The finished blocks (no gaps, not the active one) as the `auto` ceiling remembers them. */
export function finishedBlocks(blocks: Iterable<Block>): FinishedBlock[] {
  const out: FinishedBlock[] = [];
  for (const b of blocks) if (!b.isGap && !b.isActive) out.push({ start: b.start, tokens: b.totalTokens });
  return out;
}
