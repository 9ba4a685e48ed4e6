// Renders 5-hour blocks with ccusage's `blocks --json` field names, where they mean the same.
import type { Block } from '../core/blocks.js';

export function blocksJson(blocks: Block[], now: number) {
  return {
    blocks: blocks.map((b) => ({
      id: `${b.isGap ? 'gap-' : ''}${new Date(b.start).toISOString()}`,
      startTime: new Date(b.start).toISOString(),
      endTime: new Date(b.end).toISOString(),
      actualEndTime: b.actualEnd === null ? null : new Date(b.actualEnd).toISOString(),
      isActive: b.isActive,
      isGap: b.isGap,
      entries: b.entries,
      tokenCounts: {
        inputTokens: b.tokens.input,
        outputTokens: b.tokens.output,
        cacheCreationInputTokens: b.tokens.cacheCreation,
        cacheReadInputTokens: b.tokens.cacheRead,
      },
      totalTokens: b.totalTokens,
      ...(b.cost === undefined ? {} : { costUSD: b.cost }),
      models: b.models,
      ...activeFigures(b, now),
    })),
  };
}

/** ccusage's burn rate and projection for the active block: the block's average pace carried to its end. */
function activeFigures(b: Block, now: number) {
  if (!b.isActive || b.firstAt === null || b.actualEnd === null) return { burnRate: null, projection: null };
  const minutes = (b.actualEnd - b.firstAt) / 60_000;
  const remainingMinutes = Math.round((b.end - now) / 60_000);
  const cost = b.cost;
  if (minutes <= 0) return { burnRate: null, projection: { remainingMinutes, totalTokens: b.totalTokens, ...(cost === undefined ? {} : { totalCost: cents(cost) }) } };
  const tokensPerMinute = b.totalTokens / minutes;
  const costPerHour = cost === undefined ? undefined : (cost / minutes) * 60;
  return {
    burnRate: { tokensPerMinute, tokensPerMinuteForIndicator: (b.tokens.input + b.tokens.output) / minutes, ...(costPerHour === undefined ? {} : { costPerHour }) },
    projection: {
      remainingMinutes,
      totalTokens: Math.round(b.totalTokens + tokensPerMinute * remainingMinutes),
      ...(cost === undefined || costPerHour === undefined ? {} : { totalCost: cents(cost + (costPerHour / 60) * remainingMinutes) }),
    },
  };
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

export function blocksTable(blocks: Block[], ceiling: number | null): string {
  const rows = blocks.filter((b) => !b.isGap);
  const priced = rows.some((b) => b.cost !== undefined);
  const head = ['start (local)', 'status', 'entries', 'models', 'total tokens', ceiling ? '% of ceiling' : '', priced ? 'cost' : ''];
  const body = rows.map((b) => [
    new Date(b.start).toLocaleString(),
    b.isActive ? 'ACTIVE' : 'done',
    String(b.entries),
    b.models.join(', '),
    b.totalTokens.toLocaleString('en-US'),
    ceiling ? `${((b.totalTokens / ceiling) * 100).toFixed(1)} %` : '',
    priced ? `$${(b.cost ?? 0).toFixed(2)}` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
