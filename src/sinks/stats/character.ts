// Character metrics, from the per-text counters stored at ingest (the text itself never is):
// em-dashes and emoji in Claude's replies, the user's correction reflex and thank-yous, the most
// used sentence openers on each side, all-nighters.
import type { Db } from '../../store/db.js';
import { sessions } from './activity.js';
import { where, type Filter } from './filter.js';
import { localParts } from './time.js';

interface TextRow {
  side: 'claude' | 'user';
  at: number;
  session: string;
  em_dashes: number;
  emoji: number;
  correction: number;
  thanks: number;
  phrases: string;
}

const TOP = 15;

export function character(db: Db, f: Filter) {
  const w = where(f);
  const rows = db.prepare(`SELECT side, at, session, em_dashes, emoji, correction, thanks, phrases FROM texts WHERE ${w.sql}`).all(...w.params) as TextRow[];
  const weeks = new Map<string, { week: string; claude_texts: number; em_dashes: number; emoji: number; user_prompts: number; corrections: number; thanks: number }>();
  const phrases = { claude: new Map<string, number>(), user: new Map<string, number>() };
  const thankedSessions = new Set<string>();
  const userSessions = new Set<string>();
  for (const r of rows) {
    const week = localParts(r.at, f.tz).week;
    let k = weeks.get(week);
    if (!k) weeks.set(week, (k = { week, claude_texts: 0, em_dashes: 0, emoji: 0, user_prompts: 0, corrections: 0, thanks: 0 }));
    if (r.side === 'claude') {
      k.claude_texts++;
      k.em_dashes += r.em_dashes;
      k.emoji += r.emoji;
    } else {
      k.user_prompts++;
      k.corrections += r.correction;
      k.thanks += r.thanks;
      userSessions.add(r.session);
      if (r.thanks) thankedSessions.add(r.session);
    }
    if (r.phrases) for (const p of r.phrases.split('\n')) phrases[r.side].set(p, (phrases[r.side].get(p) ?? 0) + 1);
  }
  const top = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP).map(([phrase, count]) => ({ phrase, count }));
  const byWeek = [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week));
  const sum = (k: 'em_dashes' | 'emoji' | 'user_prompts' | 'corrections' | 'thanks' | 'claude_texts') => byWeek.reduce((s, x) => s + x[k], 0);
  const s = sessions(db, f);
  return {
    weeks: byWeek,
    em_dashes: sum('em_dashes'),
    emoji: sum('emoji'),
    corrections: sum('corrections'),
    correction_rate: sum('user_prompts') ? round(sum('corrections') / sum('user_prompts')) : null,
    thanks: sum('thanks'),
    thank_you_rate: sum('user_prompts') ? round(sum('thanks') / sum('user_prompts')) : null,
    sessions_with_thanks: userSessions.size ? round(thankedSessions.size / userSessions.size) : null,
    top_phrases: { claude: top(phrases.claude), user: top(phrases.user) },
    all_nighters: s.rows.filter((x) => x.all_nighter).map((x) => ({ session: x.session, project: x.project, start: x.start, end: x.end })),
    note: 'computed on this machine from counters kept at ingest; no text is stored or sent anywhere',
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
