// A slot's local date in SQL, so a report in any zone sums a day's slots in SQLite (as it does in
// UTC, report.ts) instead of mapping every slot to its local date here: at 2 GB about 2,850 slot
// rows -> 80 day rows, and as many fewer local times asked of ICU. A zone's offset is constant
// between its transitions (a few a year), so within each stretch the local day of a slot's start
// is plain arithmetic: SQLite picks the stretch with a CASE.
import { SLOT_MS } from '../stats/time.js';

const DAY_MS = 86_400_000;
/**
 * A sample a day: ten years of history cost about 3,700 of the formatter's answers, some 10 ms. A
 * wider range (a stray timestamp years away from the rest) groups slot by slot, as before.
 */
const MAX_DAYS = 3_660;

/**
 * An SQL expression of `slot` that is the same number for two slots exactly when their starts
 * fall on the same local date in `tz` (the date localParts gives), for every slot from `first` to
 * `last`; null when it cannot be had so (an instant before 1970, a zone the formatter refuses).
 */
export function localDaySql(tz: string, first: number, last: number): string | null {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(last) && first >= 0 && last >= first)) return null;
  if (((last - first) * SLOT_MS) / DAY_MS > MAX_DAYS) return null;
  let offset: (ms: number) => number;
  try {
    offset = offsetsIn(tz);
  } catch {
    return null;
  }
  const stretches = stretchesOf(offset, first, last);
  if (stretches.some((s) => (s.from * SLOT_MS + s.offset) < 0)) return null;
  // Whole milliseconds throughout, and integer division, which truncates: exact for these non-negative numbers.
  const day = (off: number) => `(slot * ${SLOT_MS} + ${off}) / ${DAY_MS}`;
  if (stretches.length === 1) return day(stretches[0].offset);
  const arms = stretches.slice(1).map((s, i) => `WHEN slot < ${s.from} THEN ${day(stretches[i].offset)}`);
  return `CASE ${arms.join(' ')} ELSE ${day(stretches.at(-1)!.offset)} END`;
}

interface Stretch {
  /** The first slot whose start is at this offset. */
  from: number;
  /** Local time minus UTC, ms. */
  offset: number;
}

/**
 * The slots from `first` to `last` cut where the offset at a slot's start changes: sampled at every
 * day's start (no zone has changed its offset twice within a day), each change then found to the
 * slot by halving.
 */
function stretchesOf(offset: (ms: number) => number, first: number, last: number): Stretch[] {
  const perDay = DAY_MS / SLOT_MS;
  const out: Stretch[] = [{ from: first, offset: offset(first * SLOT_MS) }];
  for (let at = first; at < last; ) {
    const next = Math.min(last, at + perDay);
    const now = offset(next * SLOT_MS);
    if (now !== out.at(-1)!.offset) {
      // The first slot after `at` whose start has the new offset.
      let lo = at;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(mid * SLOT_MS) === now) hi = mid;
        else lo = mid;
      }
      out.push({ from: hi, offset: now });
    }
    at = next;
  }
  return out;
}

/** en-US "12/31/2026, 23:59:59" with the options below. */
const WALL = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/** The offset of `tz` (local wall time minus UTC, ms) at an instant; throws for a zone Intl does not know. */
function offsetsIn(tz: string): (ms: number) => number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (ms) => {
    const whole = Math.floor(ms / 1000) * 1000;
    const m = WALL.exec(f.format(whole));
    const p = m ? { year: m[3], month: m[1], day: m[2], hour: m[4], minute: m[5], second: m[6] } : Object.fromEntries(f.formatToParts(whole).map((x) => [x.type, x.value]));
    const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    if (!Number.isFinite(wall)) throw new Error(`no wall time for ${tz}`);
    return wall - whole;
  };
}
