// The one boundary every input crosses before the engine sees it. Sources parse their own
// formats; the ranges and types an event may hold are decided here, once, for all of them.
// Pure: no I/O, no clock (the caller passes `now` where the future matters).
import type { GaugeEvent, LimitWindow, Tokens } from './events.js';

/** Timestamps outside these are corrupt, not history: Date can hold them, the gauges cannot. */
export const MIN_AT = Date.UTC(2000, 0, 1);
export const MAX_AT = Date.UTC(2100, 0, 1);
/**
 * One token count of one record. The largest context window is 1M tokens; a billion leaves room
 * for any real figure (and for telemetry deltas) while every sum of them stays exact in a double.
 */
export const MAX_TOKENS = 1_000_000_000;
/** Totals another tool reports for a whole block (ccusage, Prometheus). */
export const MAX_TOTAL_TOKENS = 1e15;
/** Records dated later than this past the daemon's clock are held out of the live gauges. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Model names, sessions and keys: longer ones are junk (and would bloat every snapshot). */
export const MAX_STRING = 1024;

export type Rejection = 'time' | 'tokens' | 'shape';

/** An epoch-ms instant the gauges can hold. */
export function validTime(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= MIN_AT && ms < MAX_AT;
}

/** An ISO 8601 string (or epoch ms) as epoch ms, or null when it is no instant the gauges can hold. */
export function timeOf(v: unknown): number | null {
  const ms = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v : NaN;
  return validTime(ms) ? ms : null;
}

/** A token count as a source reports it: missing is 0; anything but a whole number in range is invalid (null). */
export function tokenCount(v: unknown, max = MAX_TOKENS): number | null {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : null;
}

function validCount(v: unknown, max = MAX_TOKENS): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function validString(v: unknown, allowEmpty = true): boolean {
  return typeof v === 'string' && v.length <= MAX_STRING && (allowEmpty || v.length > 0);
}

export function validTokens(t: unknown): t is Tokens {
  if (!t || typeof t !== 'object') return false;
  const x = t as Tokens;
  return validCount(x.input) && validCount(x.output) && validCount(x.cacheCreation) && validCount(x.cacheRead);
}

function validWindow(w: LimitWindow | null): boolean {
  if (w === null) return true;
  return typeof w === 'object' && typeof w.usedPercentage === 'number' && Number.isFinite(w.usedPercentage) &&
    w.usedPercentage >= 0 && w.usedPercentage <= 1000 && validTime(w.resetsAt);
}

/** Why an event cannot enter the engine, or null when it can. Checks shape and ranges, not the clock. */
export function rejection(e: GaugeEvent): Rejection | null {
  if (!e || typeof e !== 'object') return 'shape';
  if (!validTime(e.at)) return 'time';
  switch (e.kind) {
    case 'response':
      if (!validTokens(e.tokens)) return 'tokens';
      if (e.thinkingReported !== null && !validCount(e.thinkingReported)) return 'tokens';
      if (e.cacheCreation1h !== undefined && (!validCount(e.cacheCreation1h) || e.cacheCreation1h > e.tokens.cacheCreation)) return 'tokens';
      if (!validCount(e.visibleChars, Number.MAX_SAFE_INTEGER)) return 'shape';
      if (typeof e.synthetic !== 'boolean' || typeof e.sidechain !== 'boolean' || typeof e.speed !== 'boolean') return 'shape';
      return validString(e.key, false) && validString(e.model) && validString(e.session) ? null : 'shape';
    case 'turn':
      return validString(e.session) && typeof e.awaiting === 'boolean' ? null : 'shape';
    case 'limits':
      return validWindow(e.fiveHour) && validWindow(e.sevenDay) ? null : 'shape';
    case 'window': {
      if (e.origin !== 'ccusage' && e.origin !== 'prometheus') return 'shape';
      if (!validCount(e.tokens, MAX_TOTAL_TOKENS)) return 'tokens';
      const span = (e.blockStart === null && e.blockEnd === null) || (validTime(e.blockStart) && validTime(e.blockEnd));
      return span && typeof e.freshMs === 'number' && e.freshMs >= 0 && Number.isFinite(e.freshMs) ? null : 'time';
    }
    default:
      return 'shape';
  }
}

/** Dated later than the clock allows: real once its time comes, not before. */
export function isFuture(e: GaugeEvent, now: number): boolean {
  // The statusline's figures and another tool's window carry the time they were seen, which is ours.
  return (e.kind === 'response' || e.kind === 'turn') && e.at > now + CLOCK_SKEW_MS;
}
