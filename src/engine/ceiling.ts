// The `auto` ceiling: what a full 5-hour tank means when nobody configured one. A high percentile
// of the recent finished blocks (P90, as Claude-Code-Usage-Monitor does) rather than the single
// largest, so one outlier block does not move 100 % and 100 % means "a heavy block of yours".
import type { FinishedBlock } from '../core/blocks.js';

/** From this many blocks on the ceiling is their P90; below it, the largest of them. */
export const P90_MIN_BLOCKS = 5;

export interface AutoCeiling {
  tokens: number;
  /** How many finished blocks it comes from. */
  blocks: number;
  method: 'p90' | 'largest';
}

/** Null when no finished block with tokens exists (the default ceiling applies then). */
export function autoCeiling(blocks: readonly FinishedBlock[]): AutoCeiling | null {
  const totals = blocks.map((b) => b.tokens).filter((t) => t > 0).sort((a, b) => a - b);
  if (totals.length === 0) return null;
  if (totals.length < P90_MIN_BLOCKS) return { tokens: totals[totals.length - 1], blocks: totals.length, method: 'largest' };
  return { tokens: percentile(totals, 90), blocks: totals.length, method: 'p90' };
}

/** Nearest rank: the p-th percentile (0-100) of ascending values is a value that occurred; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** How far back the `auto` ceiling looks, and how many blocks it takes at least when that is too few. */
export const CEILING_DAYS = 30;
export const CEILING_MIN_BLOCKS = 20;

/** The blocks the ceiling may use: the last 30 days', or the 20 newest when those are fewer. Sorted by start. */
export function recentBlocks(blocks: readonly FinishedBlock[], now: number): FinishedBlock[] {
  const sorted = [...blocks].sort((a, b) => a.start - b.start);
  const since = now - CEILING_DAYS * 24 * 3_600_000;
  const first = sorted.findIndex((b) => b.start >= since);
  const inWindow = first < 0 ? 0 : sorted.length - first;
  return sorted.slice(Math.max(0, sorted.length - Math.max(inWindow, CEILING_MIN_BLOCKS)));
}
