// Friction: turns the user interrupted, and tool calls a permission refused.
import type { Db } from '../../store/db.js';
import { where, type Filter } from './filter.js';
import { localParts, SLOT_MS } from './time.js';
import { label } from './usage.js';

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function byDay(rows: { slot: number; n: number }[], tz: string): { date: string; n: number }[] {
  const days = new Map<string, number>();
  for (const r of rows) {
    const date = localParts(r.slot * SLOT_MS, tz).date;
    days.set(date, (days.get(date) ?? 0) + r.n);
  }
  return [...days].map(([date, n]) => ({ date, n })).sort((a, b) => a.date.localeCompare(b.date));
}

function cwds(db: Db): Map<string, string> {
  return new Map((db.prepare('SELECT folder, cwd FROM projects').all() as { folder: string; cwd: string }[]).map((p) => [p.folder, p.cwd]));
}

export function interrupts(db: Db, f: Filter) {
  const w = where(f);
  const kinds = db.prepare(`SELECT kind, count(*) n FROM interrupts WHERE ${w.sql} GROUP BY kind`).all(...w.params) as { kind: string; n: number }[];
  const count = (k: string) => kinds.find((x) => x.kind === k)?.n ?? 0;
  const total = count('turn') + count('tool');
  const prompts = (db.prepare(`SELECT count(*) n FROM texts WHERE side = 'user' AND ${w.sql}`).get(...w.params) as { n: number }).n;
  const days = db.prepare(`SELECT at / ${SLOT_MS} AS slot, count(*) n FROM interrupts WHERE ${w.sql} GROUP BY slot`).all(...w.params) as { slot: number; n: number }[];
  const promptDays = new Map(byDay(db.prepare(`SELECT at / ${SLOT_MS} AS slot, count(*) n FROM texts WHERE side = 'user' AND ${w.sql} GROUP BY slot`).all(...w.params) as { slot: number; n: number }[], f.tz).map((d) => [d.date, d.n]));
  const wi = where(f, 'i');
  const projects = db.prepare(`SELECT i.project AS project, count(*) interrupts FROM interrupts i WHERE ${wi.sql} GROUP BY i.project ORDER BY interrupts DESC, project`).all(...wi.params) as { project: string; interrupts: number }[];
  const cwd = cwds(db);
  return {
    interrupts: total,
    during_reply: count('turn'),
    during_tool: count('tool'),
    prompts,
    per_prompt: prompts ? round(total / prompts) : null,
    days: byDay(days, f.tz).map((d) => ({ date: d.date, interrupts: d.n, prompts: promptDays.get(d.date) ?? 0 })),
    projects: projects.map((p) => ({ ...p, label: label(cwd.get(p.project) ?? p.project) })),
    note: 'an interrupt is a main-thread user line Claude Code writes on Esc: "[Request interrupted by user]" (during a reply) or "[Request interrupted by user for tool use]" (while a tool ran or waited for permission); per_prompt = interrupts / prompts typed',
  };
}

export function denials(db: Db, f: Filter) {
  const w = where(f, 't');
  // From the few denials to their calls (CROSS JOIN keeps that order): SQLite chose every call in
  // the range and a look-up of its result each, 0.3-0.5 s at 2 GB against 20-30 ms.
  const rows = db
    .prepare(`SELECT t.at / ${SLOT_MS} AS slot, t.name AS name, r.denial AS kind, count(*) n FROM tool_results r CROSS JOIN tool_uses t ON t.id = r.id WHERE r.denial IS NOT NULL AND ${w.sql} GROUP BY slot, name, kind`)
    .all(...w.params) as { slot: number; name: string; kind: string; n: number }[];
  const calls = (db.prepare(`SELECT count(*) n FROM tool_uses t WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
  const total = rows.reduce((s, r) => s + r.n, 0);
  const sum = (key: (r: (typeof rows)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.n);
    return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const kinds = new Map(sum((r) => r.kind));
  return {
    denials: total,
    rejected: kinds.get('rejected') ?? 0,
    rule: kinds.get('rule') ?? 0,
    not_granted: kinds.get('not_granted') ?? 0,
    tool_calls: calls,
    rate: calls ? round(total / calls) : null,
    tools: sum((r) => r.name).map(([name, n]) => ({ name, denials: n })),
    days: byDay(rows, f.tz).map((d) => ({ date: d.date, denials: d.n })),
    note: "a denial is a tool result Claude Code marks is_error with its refusal: \"The user doesn't want to proceed with this tool use.\" or toolUseResult \"User rejected tool use\" (rejected at the prompt), \"Permission to use … has been denied\" (a deny rule), \"Claude requested permissions to … but you haven't granted it yet\" (not granted, nobody asked); dated by the tool call",
  };
}
