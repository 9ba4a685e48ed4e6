// The statusline command and the daemon meet in a small file in the state folder:
// the command writes what Claude Code piped to it, the daemon reads it. No port to
// configure, and a figure written while the daemon was down is there when it starts.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { LimitsEvent, LimitWindow } from '../../core/events.js';
import { writeFileAtomic } from '../../util/atomic.js';

export const HANDOFF_VERSION = 1;

export function handoffFile(stateDir: string): string {
  return path.join(stateDir, 'statusline.json');
}

// Claude Code's numbers sometimes arrive as strings; accept both, reject anything else.
const num = z.union([z.number(), z.string().trim().min(1).transform(Number)]).pipe(z.number().finite());
const window = z
  .object({ used_percentage: num.pipe(z.number().min(0).max(1000)), resets_at: num.pipe(z.number().positive()) })
  .passthrough();

export const rateLimitsSchema = z
  .object({ five_hour: window.nullish(), seven_day: window.nullish() })
  .passthrough();

const handoffSchema = z.object({
  version: z.literal(HANDOFF_VERSION),
  seen_at: z.number(),
  rate_limits: rateLimitsSchema,
});

export type RateLimits = z.infer<typeof rateLimitsSchema>;

export async function writeHandoff(stateDir: string, rateLimits: RateLimits, seenAt: number): Promise<void> {
  const body = { version: HANDOFF_VERSION, seen_at: seenAt, rate_limits: rateLimits };
  await writeFileAtomic(handoffFile(stateDir), JSON.stringify(body) + '\n');
}

/** The last handed-over figures, or null when there are none (or they are unreadable). */
export async function readHandoff(stateDir: string): Promise<LimitsEvent | null> {
  let text: string;
  try {
    text = await fs.readFile(handoffFile(stateDir), 'utf8');
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const r = handoffSchema.safeParse(parsed);
  if (!r.success) return null;
  return limitsEvent(r.data.rate_limits, r.data.seen_at);
}

export function limitsEvent(rl: RateLimits, at: number): LimitsEvent {
  return { kind: 'limits', at, fiveHour: toWindow(rl.five_hour), sevenDay: toWindow(rl.seven_day) };
}

function toWindow(w: { used_percentage: number; resets_at: number } | null | undefined): LimitWindow | null {
  if (!w) return null;
  // resets_at is epoch seconds; tolerate milliseconds too.
  const resetsAt = w.resets_at > 1e12 ? w.resets_at : w.resets_at * 1000;
  return { usedPercentage: w.used_percentage, resetsAt };
}
