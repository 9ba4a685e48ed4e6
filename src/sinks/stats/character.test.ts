// The character panel sums its texts in SQLite: held to the texts counted one by one (the way it
// read them before), over weeks in a zone with a :30 offset, sides, sessions, phrases, a project
// and a date range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../store/db.js';
import { character } from './character.js';
import { where, type Filter } from './filter.js';
import { localParts } from './time.js';

const WORDS = ['let me', 'now i', 'the fix', 'can you', 'please check', 'i will', 'great', 'why does'];

function history() {
  const db = new Database(':memory:');
  migrate(db);
  const put = db.prepare('INSERT INTO texts (hash, side, at, project, session, chars, em_dashes, emoji, correction, thanks, phrases) VALUES (?, ?, ?, ?, ?, 10, ?, ?, ?, ?, ?)');
  let seed = 7;
  const next = (n: number) => Math.floor(((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32) * n);
  const start = Date.parse('2026-03-01T00:00:00Z');
  for (let i = 0; i < 3000; i++) {
    const side = next(3) === 0 ? 'user' : 'claude';
    const phrases = Array.from({ length: next(4) }, () => WORDS[next(WORDS.length)] + (next(5) === 0 ? ` ${next(40)}` : '')).join('\n');
    put.run(`h${i}`, side, start + next(60 * 24 * 4) * 15 * 60_000 + next(900_000), next(4) === 0 ? '-other' : '-app', `s${next(40)}`, next(3), next(2), side === 'user' ? next(2) : 0, side === 'user' && next(4) === 0 ? 1 : 0, phrases);
  }
  return db;
}

/** The panel's figures from every text as a row of its own. */
function oneByOne(db: Database.Database, f: Filter) {
  const w = where(f);
  const rows = db.prepare(`SELECT side, at, session, em_dashes, emoji, correction, thanks, phrases FROM texts WHERE ${w.sql}`).all(...w.params) as { side: string; at: number; session: string; em_dashes: number; emoji: number; correction: number; thanks: number; phrases: string }[];
  const weeks = new Map<string, Record<string, number | string>>();
  const phrases: Record<string, Map<string, number>> = { claude: new Map(), user: new Map() };
  const [users, thanked] = [new Set<string>(), new Set<string>()];
  for (const r of rows) {
    const week = localParts(r.at, f.tz).week;
    const k = weeks.get(week) ?? { week, claude_texts: 0, em_dashes: 0, emoji: 0, user_prompts: 0, corrections: 0, thanks: 0 };
    weeks.set(week, k);
    const add = (key: string, n: number) => (k[key] = (k[key] as number) + n);
    if (r.side === 'claude') [add('claude_texts', 1), add('em_dashes', r.em_dashes), add('emoji', r.emoji)];
    else {
      [add('user_prompts', 1), add('corrections', r.correction), add('thanks', r.thanks)];
      users.add(r.session);
      if (r.thanks) thanked.add(r.session);
    }
    if (r.phrases) for (const p of r.phrases.split('\n')) phrases[r.side].set(p, (phrases[r.side].get(p) ?? 0) + 1);
  }
  const top = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 15).map(([phrase, count]) => ({ phrase, count }));
  return { weeks: [...weeks.values()].sort((a, b) => String(a.week).localeCompare(String(b.week))), sessions: users.size, thanked: thanked.size, top: { claude: top(phrases.claude), user: top(phrases.user) } };
}

test('the character panel summed by SQLite is the texts counted one by one', () => {
  const db = history();
  const filters: Filter[] = [
    { from: 0, to: Date.parse('2027-01-01'), project: null, tz: 'Asia/Kolkata' },
    { from: 0, to: Date.parse('2027-01-01'), project: '-other', tz: 'UTC' },
    { from: Date.parse('2026-03-09T10:00:00Z'), to: Date.parse('2026-03-23T00:00:00Z'), project: '-app', tz: 'America/Los_Angeles' },
  ];
  for (const f of filters) {
    const got = character(db, f);
    const want = oneByOne(db, f);
    assert.deepEqual(got.weeks, want.weeks, JSON.stringify(f));
    assert.deepEqual(got.top_phrases, want.top);
    assert.equal(got.sessions_with_thanks, want.sessions ? Math.round((want.thanked / want.sessions) * 10_000) / 10_000 : null);
    assert.ok(got.weeks.length >= 2 && got.top_phrases.claude.length > 0 && got.top_phrases.user.length > 0 && want.thanked > 0, `something to compare: ${JSON.stringify({ weeks: got.weeks.length, claude: got.top_phrases.claude.length, user: got.top_phrases.user.length, thanked: want.thanked })}`);
  }
});
