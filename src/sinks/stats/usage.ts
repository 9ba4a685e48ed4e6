// Tokens and money: per day by model, per project, cache, thinking, stop reasons, subagents,
// the time-of-day heatmap and the projected monthly spend.
import type { Db } from '../../store/db.js';
import { where, type Filter } from './filter.js';
import { rangeKey, remembered } from './memo.js';
import { localParts, SLOT_MS } from './time.js';

interface SlotRow {
  slot: number;
  model: string;
  n: number;
  input: number;
  output: number;
  cache_create: number;
  cache_read: number;
  thinking: number;
  reported: number;
  cost: number | null;
  priced: number;
  saved: number | null;
  sub_tokens: number;
  sub_cost: number | null;
  sub_n: number;
}

/** The one scan most charts fold: per 15-minute slot and model (in UTC: the same for every zone). */
function slots(db: Db, f: Filter): SlotRow[] {
  return remembered(db, `slots|${rangeKey(db, f)}`, () => slotsNow(db, f));
}

function slotsNow(db: Db, f: Filter): SlotRow[] {
  const w = where(f);
  return db
    .prepare(
      `SELECT (at / ${SLOT_MS}) AS slot, model, count(*) n, sum(input) input, sum(output) output, sum(cache_create) cache_create,
        sum(cache_read) cache_read, sum(thinking) thinking, sum(thinking_reported) reported, sum(cost) cost, count(cost) priced,
        sum(cache_saved) saved,
        sum(CASE WHEN agent IS NOT NULL OR sidechain = 1 THEN input + output + cache_create + cache_read ELSE 0 END) sub_tokens,
        sum(CASE WHEN agent IS NOT NULL OR sidechain = 1 THEN cost ELSE 0 END) sub_cost,
        sum(CASE WHEN agent IS NOT NULL OR sidechain = 1 THEN 1 ELSE 0 END) sub_n
       FROM responses WHERE ${w.sql} AND synthetic = 0 GROUP BY slot, model ORDER BY slot`,
    )
    .all(...w.params) as SlotRow[];
}

const tokensOf = (r: { input: number; output: number; cache_create: number; cache_read: number }) => r.input + r.output + r.cache_create + r.cache_read;
const round = (x: number, d = 6) => Math.round(x * 10 ** d) / 10 ** d;

export function daily(db: Db, f: Filter) {
  const byKey = new Map<string, { date: string; model: string; responses: number; input: number; output: number; cache_create: number; cache_read: number; total: number; cost: number; unpriced_responses: number }>();
  for (const r of slots(db, f)) {
    const date = localParts(r.slot * SLOT_MS, f.tz).date;
    const k = `${date}|${r.model}`;
    let d = byKey.get(k);
    if (!d) byKey.set(k, (d = { date, model: r.model, responses: 0, input: 0, output: 0, cache_create: 0, cache_read: 0, total: 0, cost: 0, unpriced_responses: 0 }));
    d.responses += r.n;
    d.input += r.input;
    d.output += r.output;
    d.cache_create += r.cache_create;
    d.cache_read += r.cache_read;
    d.total += tokensOf(r);
    d.cost += r.cost ?? 0;
    d.unpriced_responses += r.n - r.priced;
  }
  const rows = [...byKey.values()].map((d) => ({ ...d, cost: d.unpriced_responses === d.responses ? null : round(d.cost) }));
  rows.sort((a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model));
  return { rows, models: [...new Set(rows.map((r) => r.model))].sort() };
}

export function heatmap(db: Db, f: Filter) {
  const cells = Array.from({ length: 7 }, (_, dow) => Array.from({ length: 24 }, (_, hour) => ({ dow, hour, responses: 0, tokens: 0, cost: 0 })));
  for (const r of slots(db, f)) {
    const p = localParts(r.slot * SLOT_MS, f.tz);
    const c = cells[p.dow][p.hour];
    c.responses += r.n;
    c.tokens += tokensOf(r);
    c.cost += r.cost ?? 0;
  }
  return { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], rows: cells.flat().map((c) => ({ ...c, cost: round(c.cost) })) };
}

/** Per local day: hit rate, money saved, thinking share, subagent share. */
export function perDay(db: Db, f: Filter) {
  const days = new Map<string, { date: string; input: number; cache_create: number; cache_read: number; output: number; thinking: number; reported: number; responses: number; saved: number; cost: number; sub_tokens: number; sub_cost: number; sub_n: number; tokens: number }>();
  for (const r of slots(db, f)) {
    const date = localParts(r.slot * SLOT_MS, f.tz).date;
    let d = days.get(date);
    if (!d) days.set(date, (d = { date, input: 0, cache_create: 0, cache_read: 0, output: 0, thinking: 0, reported: 0, responses: 0, saved: 0, cost: 0, sub_tokens: 0, sub_cost: 0, sub_n: 0, tokens: 0 }));
    d.input += r.input;
    d.cache_create += r.cache_create;
    d.cache_read += r.cache_read;
    d.output += r.output;
    d.thinking += r.thinking;
    d.reported += r.reported;
    d.responses += r.n;
    d.saved += r.saved ?? 0;
    d.cost += r.cost ?? 0;
    d.sub_tokens += r.sub_tokens;
    d.sub_cost += r.sub_cost ?? 0;
    d.sub_n += r.sub_n;
    d.tokens += tokensOf(r);
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function cache(db: Db, f: Filter) {
  const rows = perDay(db, f).map((d) => {
    const inTotal = d.input + d.cache_create + d.cache_read;
    return { date: d.date, hit_rate: inTotal ? round(d.cache_read / inTotal, 4) : null, cache_read: d.cache_read, cache_create: d.cache_create, input: d.input, saved_usd: round(d.saved) };
  });
  return { rows, saved_usd: round(rows.reduce((s, r) => s + r.saved_usd, 0)) };
}

export function thinking(db: Db, f: Filter) {
  const rows = perDay(db, f).map((d) => ({
    date: d.date,
    thinking: d.thinking,
    output: d.output,
    ratio: d.output ? round(d.thinking / d.output, 4) : null,
    reported_share: d.responses ? round(d.reported / d.responses, 4) : 0,
  }));
  return { rows, note: 'thinking is the API-reported figure where present, else output tokens minus visible characters / 4.38 (estimated)' };
}

export function subagents(db: Db, f: Filter) {
  const days = perDay(db, f);
  const rows = days.map((d) => ({ date: d.date, share_tokens: d.tokens ? round(d.sub_tokens / d.tokens, 4) : 0, subagent_tokens: d.sub_tokens, tokens: d.tokens, subagent_responses: d.sub_n, responses: d.responses, subagent_cost: round(d.sub_cost) }));
  const sub = days.reduce((s, d) => s + d.sub_tokens, 0);
  const all = days.reduce((s, d) => s + d.tokens, 0);
  return { rows, share_tokens: all ? round(sub / all, 4) : 0, share_responses: days.reduce((s, d) => s + d.responses, 0) ? round(days.reduce((s, d) => s + d.sub_n, 0) / days.reduce((s, d) => s + d.responses, 0), 4) : 0 };
}

/** Per project (the summary lists them all, the projects panel those of the range: often one question). */
export function projects(db: Db, f: Filter) {
  return remembered(db, `projects|${rangeKey(db, f)}`, () => projectsNow(db, f));
}

function projectsNow(db: Db, f: Filter) {
  const w = where(f, 'r');
  const rows = db
    .prepare(
      `SELECT r.project AS project, coalesce(p.cwd, r.project) AS cwd, count(*) responses, count(DISTINCT r.session) sessions,
        sum(input + output + cache_create + cache_read) tokens, sum(cost) cost, count(*) - count(cost) unpriced_responses, min(at) first_at, max(at) last_at
       FROM responses r LEFT JOIN projects p ON p.folder = r.project WHERE ${w.sql} AND synthetic = 0 GROUP BY r.project ORDER BY tokens DESC`,
    )
    .all(...w.params) as { project: string; cwd: string; cost: number | null; first_at: number; last_at: number }[];
  return {
    rows: rows.map((r) => ({ ...r, label: label(r.cwd), cost: r.cost === null ? null : round(r.cost), first_at: new Date(r.first_at).toISOString(), last_at: new Date(r.last_at).toISOString() })),
  };
}

export function label(cwd: string): string {
  const parts = cwd.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] || cwd;
}

export function stopReasons(db: Db, f: Filter) {
  const w = where(f);
  const rows = db.prepare(`SELECT coalesce(stop_reason, 'unrecorded') reason, count(*) responses FROM responses WHERE ${w.sql} AND synthetic = 0 GROUP BY 1 ORDER BY 2 DESC`).all(...w.params);
  return { rows, note: 'Claude Code writes stop_reason on few lines; responses without one are "unrecorded"' };
}

/** Monthly spend at the burn rate of the last `days` days before the range's end (or now). */
export function projection(db: Db, f: Filter, now = Date.now(), days = 7) {
  const end = Math.min(f.to, now);
  const start = end - days * 86_400_000;
  const p = f.project ? ' AND project = ?' : '';
  const args = f.project ? [start, end, f.project] : [start, end];
  const r = db.prepare(`SELECT sum(cost) cost, count(*) - count(cost) unpriced, sum(input + output + cache_create + cache_read) tokens FROM responses WHERE at >= ? AND at < ?${p}`).get(...args) as { cost: number | null; unpriced: number; tokens: number | null };
  const perDay = (r.cost ?? 0) / days;
  const here = localParts(end, f.tz);
  const monthStart = Date.parse(`${here.date.slice(0, 7)}-01T00:00:00Z`) - 14 * 3_600_000; // a little early: the SQL below filters by local date
  const mtdRows = db.prepare(`SELECT at, cost FROM responses WHERE at >= ? AND at < ? AND cost IS NOT NULL${p}`).all(...(f.project ? [monthStart, end, f.project] : [monthStart, end])) as { at: number; cost: number }[];
  const month = here.date.slice(0, 7);
  const mtd = mtdRows.filter((x) => localParts(x.at, f.tz).date.startsWith(month)).reduce((s, x) => s + x.cost, 0);
  return {
    window_days: days,
    window_cost_usd: round(r.cost ?? 0),
    burn_usd_per_day: round(perDay),
    projected_30d_usd: round(perDay * 30),
    month_to_date_usd: round(mtd),
    tokens_per_day: Math.round((r.tokens ?? 0) / days),
    unpriced_responses: r.unpriced,
  };
}

export function totals(db: Db, f: Filter) {
  const w = where(f);
  const r = db.prepare(`SELECT count(*) responses, coalesce(sum(input + output + cache_create + cache_read), 0) tokens, sum(cost) cost, count(*) - count(cost) unpriced_responses, coalesce(sum(cache_saved), 0) saved, min(at) first_at, max(at) last_at, count(DISTINCT session) sessions FROM responses WHERE ${w.sql} AND synthetic = 0`).get(...w.params) as Record<string, number | null>;
  const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());
  return { ...r, cost: r.cost === null ? null : round(r.cost), saved: round(r.saved ?? 0), first_at: iso(r.first_at), last_at: iso(r.last_at) };
}
