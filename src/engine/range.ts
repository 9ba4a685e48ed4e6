// Where the 5-hour window is going: the burn over the last minutes and the time it reaches 100 %.
import type { BlockEntry, PriceFn } from '../core/blocks.js';
import { totalTokens } from '../core/events.js';
import { entryCost } from './history.js';
import { lowerBound } from './timeline.js';

const MINUTE = 60_000;
/** The last instant a Date can hold (ECMAScript: 8.64e15 ms after 1970). */
const MAX_TIME = 8.64e15;
/** The burn looks back this far: long enough to span a pause, short enough to follow a change of pace. */
export const BURN_MINUTES = 15;

export interface Burn {
  tokensPerMinute: number;
  /** Null when no price function is known or nothing in the span had a price. */
  usdPerHour: number | null;
}

/**
 * Tokens (and dollars) per minute over the last 15 minutes, or since the first of them that had
 * activity in the current chain when that is later. One burst (a resumed session writing its
 * whole cache at once) must not set the pace: the busiest minute counts no more than the next.
 */
export function burn(entries: readonly BlockEntry[], chainStart: number | null, now: number, price?: PriceFn): Burn {
  const from = Math.max(now - BURN_MINUTES * MINUTE, chainStart ?? now);
  const span = Math.max(1, Math.min(BURN_MINUTES, Math.ceil((now - from) / MINUTE)));
  const tokens = new Array<number>(span).fill(0);
  const dollars = new Array<number>(span).fill(0);
  let priced = false;
  for (let i = lowerBound(entries, from); i < entries.length && entries[i].at <= now; i++) {
    const e = entries[i];
    const m = Math.min(span - 1, Math.floor((now - e.at) / MINUTE));
    tokens[m] += totalTokens(e.tokens);
    const c = entryCost(e, price);
    if (c !== null) {
      dollars[m] += c;
      priced = true;
    }
  }
  return {
    tokensPerMinute: cappedSum(tokens) / span,
    usdPerHour: priced ? (cappedSum(dollars) / span) * 60 : price ? 0 : null,
  };
}

/** The sum with its largest value lowered to the second largest (two busy minutes are a pace, one is a burst). */
function cappedSum(values: number[]): number {
  let max = 0;
  let second = 0;
  let sum = 0;
  for (const v of values) {
    sum += v;
    if (v > max) [max, second] = [v, max];
    else if (v > second) second = v;
  }
  return second > 0 ? sum - (max - second) : sum;
}

export interface Range {
  emptyAt: number | null;
  runsOut: boolean;
}

/**
 * When the window reaches 100 % at this burn. `pctPerToken` turns tokens into the gauge's share:
 * 1/ceiling for the local estimate; for Claude Code's own figure, the share its percentage gives
 * each local token of the block (its limit weighs models differently).
 */
export function range(pct: number, pctPerToken: number, tokensPerMinute: number, resetsAt: number | null, now: number): Range {
  if (resetsAt === null || resetsAt <= now) return { emptyAt: null, runsOut: false };
  if (pct >= 1) return { emptyAt: now, runsOut: true };
  const perMinute = tokensPerMinute * pctPerToken;
  if (!(perMinute > 0)) return { emptyAt: null, runsOut: false };
  const emptyAt = Math.round(now + ((1 - pct) / perMinute) * MINUTE);
  // A pace too slow to reach 100 % before time itself ends (a share of 1e-321 % per token, found by
  // fuzzing): no date to give, and it never runs out.
  if (!(emptyAt <= MAX_TIME)) return { emptyAt: null, runsOut: false };
  return { emptyAt, runsOut: emptyAt < resetsAt };
}
