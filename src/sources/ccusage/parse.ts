// ccusage's `blocks --active --json` output -> the active block's total and times.
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
  const start = typeof startTime === 'string' ? Date.parse(startTime) : NaN;
  const end = typeof endTime === 'string' ? Date.parse(endTime) : NaN;
  if (typeof totalTokens !== 'number' || !Number.isFinite(totalTokens) || totalTokens < 0) return { error: 'the active block has no totalTokens' };
  if (!Number.isFinite(start) || !Number.isFinite(end)) return { error: 'the active block has no startTime/endTime' };
  return { tokens: totalTokens, start, end };
}
