// ccusage's `blocks --active --json` output -> the active block's total and times.
import { MAX_TOTAL_TOKENS, timeOf, tokenCount } from '../../core/validate.js';

export interface ActiveBlock {
  tokens: number;
  start: number | null;
  end: number | null;
}

export function parseActiveBlock(text: string): ActiveBlock | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const blocks = (data as { blocks?: unknown })?.blocks;
  if (!Array.isArray(blocks)) return { error: 'no "blocks" array' };
  const active = blocks.find((b) => b && typeof b === 'object' && (b as { isActive?: unknown }).isActive === true && !(b as { isGap?: unknown }).isGap);
  if (!active) return { tokens: 0, start: null, end: null };
  const { totalTokens, startTime, endTime } = active as { totalTokens?: unknown; startTime?: unknown; endTime?: unknown };
  const start = typeof startTime === 'string' ? timeOf(startTime) : null;
  const end = typeof endTime === 'string' ? timeOf(endTime) : null;
  const tokens = typeof totalTokens === 'number' ? tokenCount(totalTokens, MAX_TOTAL_TOKENS) : null;
  if (tokens === null) return { error: 'the active block has no usable totalTokens' };
  if (start === null || end === null) return { error: 'the active block has no usable startTime/endTime' };
  return { tokens, start, end };
}
