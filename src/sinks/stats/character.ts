// Character metrics, from the per-text counters stored at ingest (the text itself never is):
// em-dashes and emoji in Claude's replies, the user's correction reflex and thank-yous, the most
// used sentence openers on each side, all-nighters.
import type { Db } from '../../store/db.js';
import { sessions } from './activity.js';
import { where, type Filter } from './filter.js';
import { localParts, SLOT_MS } from './time.js';

/** A 15-minute slot's texts on one side, summed by SQLite. */
type SlotSums = [slot: number, side: string, texts: number, emDashes: number, emoji: number, corrections: number, thanks: number];

const TOP = 15;

/**
 * SQLite sums the texts per slot and side, counts the sessions and joins each side's phrases;
 * here the slots become weeks and the phrases are counted. The texts one by one, as objects,
 * cost 0.8 s at 2 GB (100k rows).
 */
export function character(db: Db, f: Filter) {
  const w = where(f);
  const slots = db
    .prepare(`SELECT at / ${SLOT_MS} slot, side, count(*), sum(em_dashes), sum(emoji), sum(correction), sum(thanks) FROM texts WHERE ${w.sql} GROUP BY slot, side`)
    .raw(true)
    .all(...w.params) as SlotSums[];
  const weeks = new Map<string, { week: string; claude_texts: number; em_dashes: number; emoji: number; user_prompts: number; corrections: number; thanks: number }>();
  for (const [slot, side, n, emDashes, emoji, corrections, thanks] of slots) {
    const week = localParts(slot * SLOT_MS, f.tz).week;
    let k = weeks.get(week);
    if (!k) weeks.set(week, (k = { week, claude_texts: 0, em_dashes: 0, emoji: 0, user_prompts: 0, corrections: 0, thanks: 0 }));
    if (side === 'claude') {
      k.claude_texts += n;
      k.em_dashes += emDashes;
      k.emoji += emoji;
    } else {
      k.user_prompts += n;
      k.corrections += corrections;
      k.thanks += thanks;
    }
  }
  const people = db
    .prepare(`SELECT count(DISTINCT session) sessions, count(DISTINCT CASE WHEN thanks <> 0 THEN session END) thanked FROM texts WHERE side <> 'claude' AND ${w.sql}`)
    .get(...w.params) as { sessions: number; thanked: number };
  // Each side's phrases as one string: a phrase is words and spaces (store/text.ts), never a newline.
  const phrases = { claude: new Map<string, number>(), user: new Map<string, number>() };
  const joined = db.prepare(`SELECT side, group_concat(phrases, char(10)) FROM texts WHERE ${w.sql} AND phrases <> '' GROUP BY side`).raw(true).all(...w.params) as [string, string][];
  for (const [side, all] of joined) {
    const counts = side === 'claude' ? phrases.claude : phrases.user;
    for (const p of all.split('\n')) counts.set(p, (counts.get(p) ?? 0) + 1);
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
    sessions_with_thanks: people.sessions ? round(people.thanked / people.sessions) : null,
    top_phrases: { claude: top(phrases.claude), user: top(phrases.user) },
    all_nighters: s.rows.filter((x) => x.all_nighter).map((x) => ({ session: x.session, project: x.project, start: x.start, end: x.end })),
    note: 'computed on this machine from counters kept at ingest; no text is stored or sent anywhere',
  };
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
