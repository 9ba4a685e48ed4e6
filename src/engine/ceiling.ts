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
  return { tokens: percentile(totals, 0.9), blocks: totals.length, method: 'p90' };
}

/** Nearest-rank percentile of ascending values: the smallest value at or above that share of them. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
