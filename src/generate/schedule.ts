// When the simulated user works: bursts of activity separated by quiet spells, plus "chains"
// (2-3 days where activity never pauses for more than ~4 h, so 5-hour blocks roll over inside
// them). Shared by every lane (parallel terminal), so quiet spells are quiet everywhere.
import type { Prng } from './prng.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface Period {
  start: number;
  end: number;
  /** Continuous activity: consecutive turns stay well under 4 h apart. */
  chain: boolean;
}

/** Active periods inside [start, end], in time order. */
export function calendar(r: Prng, start: number, end: number): Period[] {
  const out: Period[] = [];
  const span = end - start;
  const last = end - 15 * MINUTE;
  // One chain is placed for sure when the span allows it; more appear at random.
  const forcedAt = span >= 12 * HOUR ? start + r.next() * Math.max(0, span - 60 * HOUR) * 0.7 : Infinity;
  let chains = 0;
  let t = start + r.next() * Math.min(2 * HOUR, span * 0.05);
  while (t < last - 10 * MINUTE) {
    const chain = (chains === 0 && t >= forcedAt) || (chains > 0 && r.chance(0.06));
    let len = chain ? r.range(40 * HOUR, 72 * HOUR) : Math.min(10 * HOUR, Math.max(30 * MINUTE, r.logNormal(3 * HOUR, 0.5)));
    len = Math.min(len, last - t);
    const isChain = chain && len >= 8 * HOUR;
    out.push({ start: t, end: t + len, chain: isChain });
    if (isChain) chains++;
    t += len;
    const gap = r.weighted([['break', 35], ['night', 50], ['off', 15]] as const);
    t += gap === 'break' ? r.range(20 * MINUTE, 4 * HOUR) : gap === 'night' ? r.range(6 * HOUR, 16 * HOUR) : r.range(24 * HOUR, 60 * HOUR);
  }
  return out;
}

/** Active milliseconds left after `t`. */
export function activeAfter(periods: readonly Period[], t: number): number {
  let ms = 0;
  for (const p of periods) if (p.end > t) ms += p.end - Math.max(p.start, t);
  return ms;
}
