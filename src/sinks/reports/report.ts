// Usage reports by day, week (Monday first), month or session, with ccusage 20's JSON field names.
// Rows come from a history database: the daemon's own, or one built in memory from the transcripts'
// usage lines by the same reader and writer (the command decides which), so both answer identically. One counting rule for
// every report and for `blocks`: a response counts once, from its own transcript lines; a
// subagent's `progress` mirror in the parent transcript never adds usage (docs/stats-api.md).
import type { Db } from '../../store/db.js';
import { GROUPED_RESPONSES, reportSlotsKept } from '../../store/report-slots.js';
import { isUtc, localParts, SLOT_MS } from '../stats/time.js';
import { localDaySql } from './local-days.js';

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'session'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportOptions {
  /** IANA zone for days, weeks and months, and for --since/--until. */
  tz: string;
  /** Local dates, YYYY-MM-DD, both inclusive. */
  since?: string | null;
  until?: string | null;
  /** Project folder (as under projects/), its working directory, or that directory's last name. */
  project?: string | null;
}

export interface ModelBreakdown {
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cost: number;
  inputTokens: number;
  modelName: string;
  outputTokens: number;
}

export interface ReportRow {
  agent: string;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  inputTokens: number;
  metadata: Record<string, unknown>;
  modelBreakdowns: ModelBreakdown[];
  modelsUsed: string[];
  outputTokens: number;
  period: string;
  totalCost: number;
  totalTokens: number;
}

export interface Totals {
  cacheCreationTokens: number;
  cacheReadTokens: number;
  inputTokens: number;
  outputTokens: number;
  totalCost: number;
  totalTokens: number;
}

export type Report = { [k in ReportKind]?: ReportRow[] } & { totals: Totals; unpricedResponses?: number };

/** A 15-minute slot's sums for one model (and session, for the session report): what a report folds. */
export interface SlotRow {
  slot: number;
  model: string;
  session: string;
  project: string;
  input: number;
  output: number;
  cache_create: number;
  cache_read: number;
  cost_nanos: number;
  n: number;
  priced: number;
  last: number;
}

const DAY = 86_400_000;
const SLOTS_PER_DAY = DAY / SLOT_MS;
/** Any zone's local date lies within this of the UTC one (UTC-12 … UTC+14). */
const ZONE_SLACK = 15 * 3_600_000;

/** YYYYMMDD or YYYY-MM-DD (as ccusage takes them) to YYYY-MM-DD, or null when it is neither. */
export function reportDate(v: string): string | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(iso) ? iso : null;
}

/** The projects a --project value names: a folder, a working directory, or its last name. */
export function projectFolders(db: Db, name: string): string[] {
  const rows = db.prepare('SELECT DISTINCT r.project folder, p.cwd cwd FROM responses r LEFT JOIN projects p ON p.folder = r.project').all() as { folder: string; cwd: string | null }[];
  return rows.filter((r) => namesProject(name, r.folder, r.cwd)).map((r) => r.folder);
}

/** Whether a --project value names the project in `folder` (its working directory `cwd`, null when none is known). */
export function namesProject(name: string, folder: string, cwd: string | null): boolean {
  const last = (dir: string) => dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  return folder === name || cwd === name || (cwd !== null && last(cwd) === name);
}

function slots(db: Db, kind: ReportKind, o: ReportOptions): SlotRow[] {
  // The kept sums when the history has them (store/report-slots.ts), else the responses grouped the same way.
  const kept = reportSlotsKept(db);
  const cond: string[] = [];
  const params: (string | number)[] = [];
  // A rough cut by instant (a day of slack for any zone), widened to whole slots; the exact cut by local date is below.
  const from = o.since ? Math.floor((Date.parse(`${o.since}T00:00:00Z`) - ZONE_SLACK) / SLOT_MS) : -Infinity;
  const to = o.until ? Math.ceil((Date.parse(`${o.until}T00:00:00Z`) + DAY + ZONE_SLACK) / SLOT_MS) : Infinity;
  if (o.since) {
    cond.push('slot >= ?');
    params.push(from);
  }
  if (o.until) {
    cond.push('slot < ?');
    params.push(to);
  }
  if (o.project) {
    const folders = projectFolders(db, o.project);
    cond.push(`project IN (${folders.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...folders);
  }
  const groups = kept ? 'report_slots' : `(${GROUPED_RESPONSES})`;
  return db
    .prepare(
      `SELECT min(slot) slot, model, ${kind === 'session' ? 'session' : "''"} session, ${kind === 'session' ? 'max(project)' : "''"} project,
        sum(input) input, sum(output) output, sum(cache_create) cache_create, sum(cache_read) cache_read,
        sum(cost_nanos) cost_nanos, sum(n) n, sum(priced) priced, max(last) last
       FROM ${groups} ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} GROUP BY ${groupBy(kind, o, () => slotRange(db, kept, from, to))}`,
    )
    .all(...params) as SlotRow[];
}

/** How the slot rows are grouped for a report of `kind`; `range` gives the first and last slot there are (null: none). */
function groupBy(kind: ReportKind, o: ReportOptions, range: () => [number, number] | null): string {
  if (kind === 'session') {
    // Sessions with no date to cut by need no slots: a row per session, model and project (at 2 GB
    // 12,424 slot rows -> about 2,500, and no local time for any). Their slot is the first (unused).
    return wholeSessions(kind, o) ? 'session, model, project' : 'slot, model, session';
  }
  // SQLite sums a day's slots itself (at 2 GB 2,853 groups -> 78, and no local time asked for
  // each): days, weeks and months are whole local days. In UTC a slot's local date is its UTC day
  // (20 ms -> 11); in another zone, its day by the zone's offset at its start (local-days.ts).
  if (isUtc(o.tz)) return `slot / ${SLOTS_PER_DAY}, model`;
  const r = range();
  const day = r && localDaySql(o.tz, r[0], r[1]);
  if (day) return `${day}, model`;
  // Otherwise by the kept table's key order (slot, model, ...): a constant among the terms made
  // SQLite sort every row in a temporary tree (2,854 groups of 12,424 rows: 23-34 ms -> 15-19).
  return 'slot, model';
}

/** The first and last slot of the report's rows (from an index either way), within the cut [from, to); null when there are none. */
function slotRange(db: Db, kept: boolean, from: number, to: number): [number, number] | null {
  const r = kept
    ? (db.prepare('SELECT min(slot) lo, max(slot) hi FROM report_slots').get() as { lo: number | null; hi: number | null })
    : (db.prepare(`SELECT min(at) / ${SLOT_MS} lo, max(at) / ${SLOT_MS} hi FROM responses`).get() as { lo: number | null; hi: number | null });
  if (r.lo === null || r.hi === null) return null;
  const lo = Math.max(r.lo, from);
  const hi = Math.min(r.hi, to - 1);
  return lo <= hi ? [lo, hi] : null;
}

interface Acc {
  period: string;
  models: Map<string, ModelBreakdown>;
  last: number;
  projects: Set<string>;
}

/** A session report with no dates to cut by: its rows need no slot, nor its slot a local date. */
function wholeSessions(kind: ReportKind, o: ReportOptions): boolean {
  return kind === 'session' && !o.since && !o.until;
}

/** The report of `kind`: one row per period (or session) with per-model breakdowns, and the totals. */
export function report(db: Db, kind: ReportKind, o: ReportOptions): Report {
  return reportOfSlots(slots(db, kind, o), kind, o);
}

/**
 * The report of `kind` from slot sums in any order (the history's, or a scan's: entry-slots.ts);
 * --since and --until cut here, by local date; `o.project` is not applied here (the slots come cut to it).
 */
export function reportOfSlots(slotRows: Iterable<SlotRow>, kind: ReportKind, o: ReportOptions): Report {
  const groups = new Map<string, Acc>();
  let unpriced = 0;
  let nanos = 0;
  for (const r of slotRows) {
    const local = wholeSessions(kind, o) ? null : localParts(r.slot * SLOT_MS, o.tz);
    if (local && ((o.since && local.date < o.since) || (o.until && local.date > o.until))) continue;
    const period = kind === 'session' ? r.session : kind === 'daily' ? local!.date : kind === 'weekly' ? local!.week : local!.date.slice(0, 7);
    let g = groups.get(period);
    if (!g) groups.set(period, (g = { period, models: new Map(), last: 0, projects: new Set() }));
    let m = g.models.get(r.model);
    if (!m) g.models.set(r.model, (m = { cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0, inputTokens: 0, modelName: r.model, outputTokens: 0 }));
    m.inputTokens += r.input;
    m.outputTokens += r.output;
    m.cacheCreationTokens += r.cache_create;
    m.cacheReadTokens += r.cache_read;
    m.cost += r.cost_nanos; // whole nano-dollars until row(): exact, in any order
    nanos += r.cost_nanos;
    g.last = Math.max(g.last, r.last);
    if (r.project) g.projects.add(r.project);
    unpriced += r.n - r.priced;
  }
  const rows = [...groups.values()].map((g) => row(kind, g));
  if (kind === 'session') rows.sort((a, b) => String(a.metadata.lastActivity).localeCompare(String(b.metadata.lastActivity)) || a.period.localeCompare(b.period));
  else rows.sort((a, b) => a.period.localeCompare(b.period));
  const totals: Totals = { cacheCreationTokens: 0, cacheReadTokens: 0, inputTokens: 0, outputTokens: 0, totalCost: 0, totalTokens: 0 };
  for (const r of rows) for (const k of Object.keys(totals) as (keyof Totals)[]) if (k !== 'totalCost') totals[k] += r[k];
  totals.totalCost = nanos / 1e9;
  // ccusage puts the rows first for daily, the totals first for the others; JSON readers do not care, people comparing might.
  return { [kind]: rows, totals, ...(unpriced ? { unpricedResponses: unpriced } : {}) };
}

/** A period's row; its models' costs arrive in nano-dollars and leave in dollars. */
function row(kind: ReportKind, g: Acc): ReportRow {
  const models = [...g.models.values()].sort((a, b) => b.cost - a.cost || a.modelName.localeCompare(b.modelName));
  const totalNanos = models.reduce((s, m) => s + m.cost, 0);
  for (const m of models) m.cost /= 1e9;
  const sum = (k: 'inputTokens' | 'outputTokens' | 'cacheCreationTokens' | 'cacheReadTokens') => models.reduce((s, m) => s + m[k], 0);
  const r = {
    agent: kind === 'session' ? 'claude' : 'all',
    cacheCreationTokens: sum('cacheCreationTokens'),
    cacheReadTokens: sum('cacheReadTokens'),
    inputTokens: sum('inputTokens'),
    metadata: kind === 'session' ? { lastActivity: new Date(g.last).toISOString(), projects: [...g.projects].sort() } : { agents: ['claude'] },
    modelBreakdowns: models,
    modelsUsed: models.map((m) => m.modelName),
    outputTokens: sum('outputTokens'),
    period: g.period,
    totalCost: totalNanos / 1e9,
    totalTokens: 0,
  };
  r.totalTokens = r.inputTokens + r.outputTokens + r.cacheCreationTokens + r.cacheReadTokens;
  return r;
}
