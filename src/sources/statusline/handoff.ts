// The statusline command and the daemon meet in a small file in the state folder:
// the command writes what Claude Code piped to it, the daemon reads it. No port to
// configure, and a figure written while the daemon was down is there when it starts.
import path from 'node:path';
import type { LimitsEvent, LimitWindow } from '../../core/events.js';
import { validTime } from '../../core/validate.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { readStateFile } from '../../util/state-file.js';

export const HANDOFF_VERSION = 1;

export function handoffFile(stateDir: string): string {
  return path.join(stateDir, 'statusline.json');
}

export interface RateWindow {
  used_percentage: number;
  resets_at: number;
}

export interface RateLimits {
  five_hour: RateWindow | null;
  seven_day: RateWindow | null;
}

// Hand-checked rather than through a schema library: the statusline runs every turn and
// must start fast. Claude Code's numbers sometimes arrive as strings; both are accepted.
function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

function rateWindow(v: unknown): RateWindow | null {
  if (!v || typeof v !== 'object') return null;
  const w = v as Record<string, unknown>;
  const used = num(w.used_percentage);
  const resets = num(w.resets_at);
  // A reset time the gauges cannot hold (1e300, a negative) makes the whole window junk.
  if (used === null || used < 0 || used > 1000 || resets === null || !validTime(resetsMs(resets))) return null;
  return { used_percentage: used, resets_at: resets };
}

/** resets_at is epoch seconds; milliseconds are tolerated too. */
function resetsMs(resets: number): number {
  return resets > 1e12 ? resets : resets * 1000;
}

/** Claude Code's `rate_limits` object, checked; null when it holds no usable window. */
export function parseRateLimits(v: unknown): RateLimits | null {
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  const out = { five_hour: rateWindow(r.five_hour), seven_day: rateWindow(r.seven_day) };
  return out.five_hour || out.seven_day ? out : null;
}

export async function writeHandoff(stateDir: string, rateLimits: RateLimits, seenAt: number): Promise<void> {
  const body = { version: HANDOFF_VERSION, seen_at: seenAt, rate_limits: rateLimits };
  await writeFileAtomic(handoffFile(stateDir), JSON.stringify(body) + '\n');
}

/** The last handed-over figures, or null when there are none (or they are unreadable). */
export async function readHandoff(stateDir: string): Promise<LimitsEvent | null> {
  let text: string;
  try {
    // A hand-off is a few hundred bytes; anything else under its name is not one.
    const read = await readStateFile(handoffFile(stateDir), 64 * 1024);
    if (read === null) return null;
    text = read;
  } catch {
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const h = parsed as { version?: unknown; seen_at?: unknown; rate_limits?: unknown } | null;
  if (!h || h.version !== HANDOFF_VERSION || !validTime(h.seen_at)) return null;
  const rl = parseRateLimits(h.rate_limits);
  return rl ? limitsEvent(rl, h.seen_at) : null;
}

export function limitsEvent(rl: RateLimits, at: number): LimitsEvent {
  return { kind: 'limits', at, fiveHour: toWindow(rl.five_hour), sevenDay: toWindow(rl.seven_day) };
}

function toWindow(w: RateWindow | null): LimitWindow | null {
  return w ? { usedPercentage: w.used_percentage, resetsAt: resetsMs(w.resets_at) } : null;
}
