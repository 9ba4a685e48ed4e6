// Seed phase E: propose the 5-hour ceiling and the tach redline from the user's own history,
// with the figures behind each proposal. Pure: entries, blocks and observations in, a report out.
import { totalTokens } from '../core/events.js';
import type { Block, BlockEntry } from '../core/blocks.js';
import { activeBlock, BLOCK_MS, finishedBlocks } from '../engine/blocks.js';
import { autoCeiling, CEILING_DAYS, CEILING_MIN_BLOCKS, P90_MIN_BLOCKS, percentile, recentBlocks, type AutoCeiling } from '../engine/ceiling.js';

const MINUTE = 60_000;
/** Statusline figures below this share carry too much rounding (1 point of 5 % is 20 %) to imply a ceiling. */
export const MIN_OBSERVED_PCT = 10;
/** Fewer usable observations than this: the largest block decides the ceiling. */
export const MIN_OBSERVATIONS = 3;
/** Fewer active minutes than this: too little to put a redline on. */
export const MIN_ACTIVE_MINUTES = 30;
export const TOP_BLOCKS = 5;

/** One sighting of Claude Code's own 5-hour figure (from the statusline). */
export interface Observation {
  at: number;
  usedPercentage: number;
  resetsAt: number;
}

export interface CalibrationInput {
  /** Deduplicated responses, sorted by time (the entries of the 5-hour blocks). */
  entries: readonly BlockEntry[];
  blocks: readonly Block[];
  observations: readonly Observation[];
  /** The ceiling the gauges use now, and where it comes from (configured, auto, default). */
  ceiling: { value: number; source: string };
  redline: number;
  /** Which blocks count as recent for the `auto` ceiling (default: the clock). */
  now?: number;
}

export interface RateFigures {
  activeMinutes: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ObservationFigures extends Observation {
  /** Tokens from the official window's start (resets_at - 5 h) to the sighting. */
  windowTokens: number;
  /** windowTokens / (usedPercentage / 100); null below MIN_OBSERVED_PCT. */
  impliedCeiling: number | null;
  /** Tokens of the local 5-hour block at the sighting, what the estimate divides. */
  blockTokens: number;
  /** The local estimate with the current ceiling, in percent. */
  estimatePct: number;
}

export interface Proposal {
  value: number;
  rule: string;
}

export interface Calibration {
  responses: number;
  topBlocks: { start: number; end: number; totalTokens: number; entries: number }[];
  rates: RateFigures | null;
  observations: ObservationFigures[];
  implied: { used: number; median: number; p10: number; p90: number; min: number; max: number } | null;
  /** Mean absolute error of the local estimate against the official percent over every sighting, in points (both capped at 100). */
  tracking: { current: number; proposed: number | null } | null;
  current: { ceiling: number; ceilingSource: string; redline: number };
  /** The `auto` ceiling and what it comes from; null without a finished block. */
  auto: (AutoCeiling & { largest: number; days: number; minBlocks: number }) | null;
  ceiling: Proposal | null;
  redline: Proposal | null;
}

export { percentile };

const STEPS = [1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10];

/** The next round figure at or above x (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, ... 9 times a power of ten): at most 25 % above. */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 0;
  const mag = 10 ** Math.floor(Math.log10(x));
  const step = STEPS.find((s) => s * mag >= x * (1 - 1e-12))!;
  return Math.round(step * mag * 1e6) / 1e6;
}

/** x rounded up to three significant figures. */
export function ceil3(x: number): number {
  if (!(x > 0)) return 0;
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 2);
  return Math.ceil(x / unit) * unit;
}

/** x rounded to three significant figures. */
export function round3(x: number): number {
  if (!(x > 0)) return 0;
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 2);
  return Math.round(x / unit) * unit;
}

/** Tokens per calendar minute, for each minute in which a response was written. */
export function minuteRates(entries: readonly BlockEntry[]): number[] {
  const perMinute = new Map<number, number>();
  for (const e of entries) {
    const m = Math.floor(e.at / MINUTE);
    perMinute.set(m, (perMinute.get(m) ?? 0) + totalTokens(e.tokens));
  }
  return [...perMinute.values()].filter((v) => v > 0);
}

export function rateFigures(entries: readonly BlockEntry[]): RateFigures | null {
  const rates = minuteRates(entries).sort((a, b) => a - b);
  if (rates.length === 0) return null;
  return { activeMinutes: rates.length, p50: percentile(rates, 50), p90: percentile(rates, 90), p99: percentile(rates, 99), max: rates[rates.length - 1] };
}

/** Index of the first entry after `at` (entries sorted by time). */
function after(entries: readonly BlockEntry[], at: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function observationFigures(entries: readonly BlockEntry[], o: Observation, ceiling: number): ObservationFigures {
  const upTo = entries.slice(0, after(entries, o.at));
  const from = o.resetsAt - BLOCK_MS;
  let windowTokens = 0;
  for (let i = upTo.length - 1; i >= 0 && upTo[i].at >= from; i--) windowTokens += totalTokens(upTo[i].tokens);
  const block = activeBlock(upTo, o.at);
  const blockTokens = block ? block.totalTokens : 0;
  return {
    ...o,
    windowTokens,
    impliedCeiling: o.usedPercentage >= MIN_OBSERVED_PCT && windowTokens > 0 ? Math.round(windowTokens / (o.usedPercentage / 100)) : null,
    blockTokens,
    estimatePct: ceiling > 0 ? (100 * blockTokens) / ceiling : 0,
  };
}

function meanAbsError(obs: readonly ObservationFigures[], ceiling: number): number {
  const errs = obs.map((o) => Math.abs(Math.min(100, (100 * o.blockTokens) / ceiling) - Math.min(100, o.usedPercentage)));
  return errs.reduce((a, b) => a + b, 0) / errs.length;
}

export function calibrate(input: CalibrationInput): Calibration {
  const finished = input.blocks.filter((b) => !b.isGap && !b.isActive && b.totalTokens > 0);
  const topBlocks = [...finished]
    .sort((a, b) => b.totalTokens - a.totalTokens)
    .slice(0, TOP_BLOCKS)
    .map((b) => ({ start: b.start, end: b.end, totalTokens: b.totalTokens, entries: b.entries }));
  const rates = rateFigures(input.entries);
  const observations = [...input.observations].sort((a, b) => a.at - b.at).map((o) => observationFigures(input.entries, o, input.ceiling.value));
  const implieds = observations.map((o) => o.impliedCeiling).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const implied = implieds.length
    ? { used: implieds.length, median: median(implieds), p10: percentile(implieds, 10), p90: percentile(implieds, 90), min: implieds[0], max: implieds[implieds.length - 1] }
    : null;

  // What `auto` uses: the P90 of the recent finished blocks (engine/ceiling.ts), explained beside the largest.
  const recent = recentBlocks(finishedBlocks(finished), input.now ?? Date.now());
  const picked = autoCeiling(recent);
  const auto = picked && { ...picked, largest: Math.max(...recent.map((b) => b.tokens)), days: CEILING_DAYS, minBlocks: CEILING_MIN_BLOCKS };
  let ceiling: Proposal | null = null;
  if (implied && implied.used >= MIN_OBSERVATIONS) {
    ceiling = {
      value: round3(implied.median),
      rule: `median of ${implied.used} ceilings implied by Claude Code's own 5-hour percent (tokens since the window opened / percent used, sightings at ${MIN_OBSERVED_PCT} % or more), to 3 significant figures`,
    };
  } else if (auto) {
    const why = implied ? `only ${implied.used} usable statusline sighting${implied.used === 1 ? '' : 's'} (${MIN_OBSERVATIONS} needed)` : 'no statusline sightings';
    ceiling = {
      value: ceil3(auto.tokens),
      rule: auto.method === 'p90'
        ? `the P90 of ${auto.blocks} recent finished 5-hour blocks, rounded up to 3 significant figures (${why}): what \`auto\` uses, pinned; a heavy block of yours reads 100 %, and one outlier block does not move it`
        : `the largest of ${auto.blocks} finished 5-hour block${auto.blocks === 1 ? '' : 's'} (a P90 needs ${P90_MIN_BLOCKS}), rounded up to 3 significant figures (${why}): what \`auto\` uses, pinned`,
    };
  }
  let redline: Proposal | null = null;
  if (rates && rates.activeMinutes >= MIN_ACTIVE_MINUTES) {
    redline = {
      value: niceCeil(rates.p99),
      rule: `p99 of tokens per minute over ${rates.activeMinutes} active minutes, rounded up to a round figure: the tach enters the red zone (HOT) in about 1 active minute in 100`,
    };
  }
  const tracking = observations.length
    ? { current: meanAbsError(observations, input.ceiling.value), proposed: ceiling ? meanAbsError(observations, ceiling.value) : null }
    : null;
  return {
    responses: input.entries.length,
    topBlocks,
    rates,
    observations,
    implied,
    tracking,
    auto,
    current: { ceiling: input.ceiling.value, ceilingSource: input.ceiling.source, redline: input.redline },
    ceiling,
    redline,
  };
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
