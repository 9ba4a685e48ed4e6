// The snapshot's forward-looking and money figures: range to empty, cost, the seven-day window,
// context. Computed from what the engine holds (its entries of the current activity and the
// history it folded) at snapshot time; the engine decides nothing here, it only renders.
import type { BlockEntry, PriceFn } from '../core/blocks.js';
import { totalTokens, type LimitWindow } from '../core/events.js';
import { localDayStart } from '../core/local-time.js';
import type { Snapshot } from '../core/snapshot.js';
import type { ContextFigure } from './context.js';
import { entryCost, type History } from './history.js';
import { burn, range } from './range.js';
import { lowerBound } from './timeline.js';

export const WEEK_MS = 7 * 24 * 3_600_000;
/** A seven-day figure below this share says too little about the ceiling to learn from it. */
const LEARN_FROM_PCT = 0.05;

/** A weekly ceiling learned from Claude Code's seven-day figure, and the reset it was seen with (the window's anchor). */
export interface WeeklyCeiling {
  tokens: number;
  resetsAt: number;
}

export interface OutlookInput {
  now: number;
  /** Entries the engine holds, sorted; those before history.boundary are the summary's to count. */
  entries: readonly BlockEntry[];
  chainStart: number | null;
  history: History;
  price: PriceFn | undefined;
  timeZone: string;
  fuel: number;
  fromStatusline: boolean;
  block: { start: number; totalTokens: number } | null;
  ceiling: number;
  resetsAt: number | null;
  weekly: WeeklyCeiling | null;
  context: ContextFigure | null;
}

export type Outlook = Pick<Snapshot, 'burn_rate_tpm' | 'window_5h_empty_at' | 'window_5h_runs_out' | 'cost_block_usd' | 'cost_today_usd' | 'cost_burn_usd_per_h' | 'seven_day_tokens' | 'seven_day_ceiling' | 'seven_day_estimate_pct' | 'context_tokens' | 'context_window' | 'context_pct' | 'context_warn' | 'context_model'>;

export function outlook(o: OutlookInput): Outlook {
  const { now, entries, history } = o;
  const own = entries.slice(lowerBound(entries, history.boundary));
  const b = burn(own, o.chainStart, now, o.price);
  // Claude Code's percentage weighs models its own way: each local token moves it by the share it did so far.
  const perToken = o.fromStatusline && o.block && o.block.totalTokens > 0 && o.fuel > 0 ? o.fuel / o.block.totalTokens : o.ceiling > 0 ? 1 / o.ceiling : 0;
  const r = o.block || o.fromStatusline ? range(o.fuel, perToken, b.tokensPerMinute, o.resetsAt, now) : { emptyAt: null, runsOut: false };
  const weekStart = sevenDayStart(now, o.weekly?.resetsAt ?? null);
  const sevenTokens = tokensBetween(own, history, weekStart, now + 1);
  const ctx = o.context;
  const today = localDayStart(now, o.timeZone);
  return {
    burn_rate_tpm: Math.round(b.tokensPerMinute),
    window_5h_empty_at: r.emptyAt === null ? null : new Date(r.emptyAt).toISOString(),
    window_5h_runs_out: r.runsOut,
    cost_block_usd: o.price && o.block ? usd(costSince(own, o.block.start, o.price)) : null,
    cost_today_usd: o.price ? usd(costSince(own, today, o.price) + (history.costSince(today) ?? 0)) : null,
    cost_burn_usd_per_h: b.usdPerHour === null ? null : usd(b.usdPerHour),
    seven_day_tokens: sevenTokens,
    seven_day_ceiling: o.weekly ? o.weekly.tokens : null,
    seven_day_estimate_pct: o.weekly && o.weekly.tokens > 0 ? Math.min(1, sevenTokens / o.weekly.tokens) : null,
    context_tokens: ctx ? ctx.tokens : null,
    context_window: ctx ? ctx.window : null,
    context_pct: ctx ? ctx.pct : null,
    context_warn: ctx ? ctx.warn : false,
    context_model: ctx ? ctx.model : null,
  };
}

/**
 * The weekly ceiling a sighting of Claude Code's seven-day figure implies: the tokens counted here
 * between that window's start and the sighting, over its share. Null when the share is too small
 * to say anything or nothing was counted.
 */
export function learnWeekly(seen: LimitWindow, seenAt: number, entries: readonly BlockEntry[], history: History): WeeklyCeiling | null {
  const pct = seen.usedPercentage / 100;
  if (!(pct >= LEARN_FROM_PCT)) return null;
  const own = entries.slice(lowerBound(entries, history.boundary));
  const tokens = tokensBetween(own, history, seen.resetsAt - WEEK_MS, seenAt + 1);
  return tokens > 0 ? { tokens: Math.round(tokens / pct), resetsAt: seen.resetsAt } : null;
}

/** Claude Code's weekly window rolls over at its reset: the start of the one holding `now`; without an anchor, the last 7 x 24 h. */
export function sevenDayStart(now: number, anchor: number | null): number {
  if (anchor === null) return now - WEEK_MS;
  const weeks = Math.ceil((now - anchor) / WEEK_MS);
  let end = anchor + weeks * WEEK_MS;
  if (end <= now) end += WEEK_MS;
  return end - WEEK_MS;
}

function tokensBetween(own: readonly BlockEntry[], history: History, from: number, to: number): number {
  let n = history.tokensBetween(from, to);
  for (let i = lowerBound(own, from); i < own.length && own[i].at < to; i++) n += totalTokens(own[i].tokens);
  return n;
}

function costSince(own: readonly BlockEntry[], from: number, price: PriceFn): number {
  let c = 0;
  for (let i = lowerBound(own, from); i < own.length; i++) c += entryCost(own[i], price) ?? 0;
  return c;
}

/** Cents are what a reader compares; a float's tail is noise that would change `seq` every second. */
function usd(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
