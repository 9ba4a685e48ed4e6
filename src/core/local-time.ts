// Local calendar parts of an instant in a given zone, cached per 15-minute slot (the stats queries
// bucket by slot; the engine finds local midnight for "today").

export interface LocalParts {
  date: string; // YYYY-MM-DD
  hour: number; // 0-23
  dow: number; // 0 = Monday … 6 = Sunday
  week: string; // date of that week's Monday
}

const HOUR = 3_600_000;
// Cache slot: 15 minutes, so zones offset by :30 or :45 still land in the right local hour.
const SLOT = 900_000;
const DOW: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const fmts = new Map<string, Intl.DateTimeFormat>();
const cache = new Map<string, LocalParts>();

export function localParts(ms: number, tz: string): LocalParts {
  const hourStart = Math.floor(ms / SLOT) * SLOT;
  const key = `${tz}|${hourStart}`;
  let p = cache.get(key);
  if (p) return p;
  if (isUtc(tz) && ms >= ARITHMETIC_RANGE[0] && ms < ARITHMETIC_RANGE[1]) {
    p = utcParts(hourStart);
    keep(key, p);
    return p;
  }
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    fmts.set(tz, f);
  }
  const parts = partsOf(f, ms);
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const dow = DOW[parts.weekday] ?? 0;
  const monday = new Date(Date.parse(`${date}T00:00:00Z`) - dow * 86_400_000).toISOString().slice(0, 10);
  p = { date, hour: Number(parts.hour) % 24, dow, week: monday };
  keep(key, p);
  return p;
}

function keep(key: string, p: LocalParts): void {
  if (cache.size > 200_000) cache.clear();
  cache.set(key, p);
}

/**
 * Names every Intl resolves to UTC itself (any case). Their parts are arithmetic: the first
 * formatter of a process loads ICU's zone and locale data, 20-30 ms of a report that answers in 200.
 */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'uct', 'etc/uct', 'gmt', 'etc/gmt', 'gmt0', 'etc/gmt0', 'gmt+0', 'etc/gmt+0', 'gmt-0', 'etc/gmt-0', 'greenwich', 'etc/greenwich', 'universal', 'etc/universal', 'zulu', 'etc/zulu']);

/** Whether `tz` names UTC: its local days are the UTC ones. */
export function isUtc(tz: string): boolean {
  return UTC_NAMES.has(tz.toLowerCase());
}

/**
 * 1970-9999, where the ISO date and the formatter's agree (past 9999 en-US writes five digits;
 * before 1582 ICU's calendar is Julian); any other instant asks the formatter.
 */
const ARITHMETIC_RANGE = [0, Date.UTC(10_000, 0, 1)] as const;

function utcParts(slotStart: number): LocalParts {
  const d = new Date(slotStart);
  const dow = (d.getUTCDay() + 6) % 7;
  const date = d.toISOString().slice(0, 10);
  return { date, hour: d.getUTCHours(), dow, week: new Date(Date.parse(`${date}T00:00:00Z`) - dow * 86_400_000).toISOString().slice(0, 10) };
}

/** en-US's "Sun, 03/08/2026, 16" for the options above. */
const FORMATTED = /^(\w{3}), (\d{2})\/(\d{2})\/(\d{4}), (\d{2})$/;

/**
 * The formatter's parts: read from its string, about 4x faster than formatToParts (a report at
 * 2 GB maps some 3,000 slots), and from formatToParts whenever the string is not of that shape.
 */
function partsOf(f: Intl.DateTimeFormat, ms: number): Record<string, string> {
  const m = FORMATTED.exec(f.format(ms));
  if (m) return { weekday: m[1], month: m[2], day: m[3], year: m[4], hour: m[5] };
  return Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
}

/** Queries group rows into slots of this size before mapping them to local time. */
export const SLOT_MS = SLOT;
export const HOUR_MS = HOUR;

/** The zone asked for, else this machine's (UTC when it has none), and whether it is an IANA zone this Node knows. */
export function zoneOrDefault(asked: string | null | undefined): { tz: string; known: boolean } {
  const tz = asked || (defaultZone ??= ownZone());
  if (isUtc(tz)) return { tz, known: true };
  let known = zonesChecked.get(tz);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      known = true;
    } catch {
      known = false;
    }
    // Each /api request asks (sinks/stats/filter.ts); a check makes two formatters, 0.3-0.7 ms on
    // the daemon's thread. A bound, since anyone on the network may name zones.
    if (zonesChecked.size >= 100) zonesChecked.clear();
    zonesChecked.set(tz, known);
  }
  return { tz, known };
}

let defaultZone: string | undefined;
const zonesChecked = new Map<string, boolean>();

/** This machine's zone; a TZ naming UTC is UTC without asking ICU (above), which reads the same variable. */
function ownZone(): string {
  const env = process.env.TZ;
  if (env && isUtc(env)) return 'UTC';
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The instant the local day holding `now` began in `tz` (to the 15-minute slot: every zone's offset is a multiple of it). */
export function localDayStart(now: number, tz: string): number {
  const today = localParts(now, tz).date;
  let at = Math.floor(now / SLOT) * SLOT;
  // At most a day and a quarter of slots back (a zone that skipped a day has one of 25 h at most).
  for (let i = 0; i < 100 && localParts(at - SLOT, tz).date === today; i++) at -= SLOT;
  return at;
}
