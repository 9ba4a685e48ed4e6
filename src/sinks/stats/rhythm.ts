// Rhythm: streaks of active days, and how often the work moves from one project to another.
import type { Db } from '../../store/db.js';
import { where, type Filter } from './filter.js';
import { localParts, SLOT_MS } from './time.js';

const DAY = 86_400_000;
const round = (x: number) => Math.round(x * 100) / 100;
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

/**
 * Active days (a local day with at least one response) and their runs. The current streak is the
 * run that ends on the range's last day (today, unless `to` is earlier), or on the day before it
 * while that day has no activity yet; otherwise 0.
 */
export function streaks(db: Db, f: Filter, now = Date.now()) {
  const w = where(f);
  const slots = db.prepare(`SELECT at / ${SLOT_MS} AS slot, count(*) n FROM responses WHERE ${w.sql} AND synthetic = 0 GROUP BY slot ORDER BY slot`).all(...w.params) as { slot: number; n: number }[];
  const days = new Map<string, number>();
  for (const s of slots) {
    const date = localParts(s.slot * SLOT_MS, f.tz).date;
    days.set(date, (days.get(date) ?? 0) + s.n);
  }
  const dates = [...days.keys()].sort();
  const runs: { start: string; end: string; days: number }[] = [];
  for (const d of dates) {
    const last = runs[runs.length - 1];
    if (last && nextDate(last.end) === d) [last.end, last.days] = [d, last.days + 1];
    else runs.push({ start: d, end: d, days: 1 });
  }
  const today = localParts(Math.min(now, f.to - 1), f.tz).date;
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const tail = runs[runs.length - 1];
  const current = tail && (tail.end === today || tail.end === yesterday) ? tail : null;
  const longest = runs.reduce<(typeof runs)[number] | null>((best, r) => (!best || r.days > best.days ? r : best), null);
  return {
    active_days: dates.length,
    today,
    current: current ? { ...current, active_today: current.end === today } : { days: 0, start: null, end: null, active_today: false },
    longest: longest ?? { days: 0, start: null, end: null },
    runs,
    days: dates.map((date) => ({ date, responses: days.get(date)! })),
    note: 'an active day is a local day with at least one response; a streak is a run of consecutive active days; the current one ends today, or yesterday while today is still empty',
  };
}

interface Step {
  at: number;
  project: string;
}

/** Switches along a time-ordered list: a step in another project than the one before. With a project filter, only switches into or out of it. */
function switchesOf(steps: Step[], project: string | null, same: (a: Step, b: Step) => boolean = () => true): number {
  let n = 0;
  for (let i = 1; i < steps.length; i++) {
    const [a, b] = [steps[i - 1], steps[i]];
    if (!same(a, b) || a.project === b.project) continue;
    if (!project || a.project === project || b.project === project) n++;
  }
  return n;
}

/**
 * Project switching, two ways. Within a day: the prompts you typed, in time order; a switch is a
 * prompt in another project than your previous prompt that local day. Between sessions: sessions
 * in order of their first response; a switch is a session in another project than the one before.
 */
export function projectSwitching(db: Db, f: Filter) {
  // Every project, so a switch into or out of the filtered one is seen; the filter picks them after.
  const all = { ...f, project: null };
  const w = where(all);
  const prompts = (db.prepare(`SELECT at, project FROM texts WHERE side = 'user' AND ${w.sql} ORDER BY at, hash`).all(...w.params) as Step[]).map((p) => ({ ...p, date: localParts(p.at, f.tz).date }));
  const perDay = new Map<string, (typeof prompts)[number][]>();
  for (const p of prompts) {
    const list = perDay.get(p.date);
    if (list) list.push(p);
    else perDay.set(p.date, [p]);
  }
  const days = [...perDay]
    .map(([date, ps]) => ({ date, prompts: ps.length, projects: new Set(ps.map((p) => p.project)).size, switches: switchesOf(ps, f.project) }))
    .filter((d) => !f.project || perDay.get(d.date)!.some((p) => p.project === f.project))
    .sort((a, b) => a.date.localeCompare(b.date));
  const sessions = db.prepare(`SELECT min(at) at, min(project) project FROM responses WHERE ${w.sql} AND synthetic = 0 AND session <> '' GROUP BY session ORDER BY 1, session`).all(...w.params) as Step[];
  const sessionSwitches = switchesOf(sessions, f.project);
  const pairs = f.project ? sessions.filter((s, i) => i > 0 && (s.project === f.project || sessions[i - 1].project === f.project)).length : Math.max(0, sessions.length - 1);
  const switches = days.reduce((s, d) => s + d.switches, 0);
  return {
    switches,
    active_days: days.length,
    switches_per_day: days.length ? round(switches / days.length) : null,
    days_with_switches: days.filter((d) => d.switches > 0).length,
    most_projects_in_a_day: days.reduce((m, d) => Math.max(m, d.projects), 0),
    session_switches: sessionSwitches,
    session_pairs: pairs,
    session_switch_rate: pairs ? round(sessionSwitches / pairs) : null,
    days,
    note: 'within a day: a prompt typed in another project than your previous prompt that local day; between sessions: a session (in order of its first response) in another project than the one before it. With a project filter, only switches into or out of that project count.',
  };
}
