// Grouping by local day, Monday week and month at a zone's edges; dates as ccusage takes them; --project.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../store/db.js';
import { report, reportDate, reportOfSlots, type SlotRow } from './report.js';
import { GROUPED_RESPONSES } from '../../store/report-slots.js';

function db(rows: { at: string; model: string; input: number; project?: string; session?: string }[]) {
  const d = new Database(':memory:');
  migrate(d);
  const put = d.prepare(`INSERT INTO responses (key, at, model, input, output, cache_create, cache_5m, cache_1h, cache_read, thinking, thinking_reported, visible_chars, cost, cache_saved, project, session, agent, sidechain, synthetic, speed, stop_reason)
    VALUES (?, ?, ?, ?, 1, 0, 0, 0, 0, 0, 0, 0, ?, NULL, ?, ?, NULL, 0, 0, 0, NULL)`);
  rows.forEach((r, i) => put.run(`k${i}`, Date.parse(r.at), r.model, r.input, r.input / 1000, r.project ?? '-p', r.session ?? 's1'));
  d.prepare("INSERT INTO projects (folder, cwd) VALUES ('-home-me-app', '/home/me/app')").run();
  return d;
}

test('reportDate takes YYYYMMDD and YYYY-MM-DD, and nothing that is not a date', () => {
  assert.equal(reportDate('20260301'), '2026-03-01');
  assert.equal(reportDate('2026-03-01'), '2026-03-01');
  for (const bad of ['2026-02-30', '20261301', '2026-3-1', 'yesterday']) assert.equal(reportDate(bad), null, bad);
});

test('a Sunday evening in UTC is Monday in Kolkata: a new day, a new week, and on the 31st a new month', () => {
  // 2026-05-31 is a Sunday; 19:00 UTC is 00:30 on Monday 1 June in Kolkata (UTC+5:30).
  const d = db([
    { at: '2026-05-31T18:00:00Z', model: 'a', input: 1000 },
    { at: '2026-05-31T19:00:00Z', model: 'b', input: 2000 },
  ]);
  const utc = (k: 'daily' | 'weekly' | 'monthly') => report(d, k, { tz: 'UTC' })[k]!.map((r) => [r.period, r.totalTokens]);
  const ind = (k: 'daily' | 'weekly' | 'monthly') => report(d, k, { tz: 'Asia/Kolkata' })[k]!.map((r) => [r.period, r.totalTokens]);
  assert.deepEqual(utc('daily'), [['2026-05-31', 3002]]);
  assert.deepEqual(utc('weekly'), [['2026-05-25', 3002]]);
  assert.deepEqual(ind('daily'), [['2026-05-31', 1001], ['2026-06-01', 2001]]);
  assert.deepEqual(ind('weekly'), [['2026-05-25', 1001], ['2026-06-01', 2001]]);
  assert.deepEqual(ind('monthly'), [['2026-05', 1001], ['2026-06', 2001]]);
  assert.deepEqual(report(d, 'daily', { tz: 'Asia/Kolkata', since: '2026-06-01' }).totals.totalTokens, 2001);
  assert.deepEqual(report(d, 'daily', { tz: 'Asia/Kolkata', until: '2026-05-31' }).totals.totalTokens, 1001);
});

test('--project by folder, directory or its name; sessions carry their last activity and projects', () => {
  const d = db([
    { at: '2026-05-01T10:00:00Z', model: 'a', input: 1000, project: '-home-me-app', session: 's1' },
    { at: '2026-05-01T11:00:00Z', model: 'a', input: 3000, project: '-other', session: 's2' },
  ]);
  for (const p of ['-home-me-app', '/home/me/app', 'app']) assert.equal(report(d, 'daily', { tz: 'UTC', project: p }).totals.totalTokens, 1001, p);
  assert.equal(report(d, 'daily', { tz: 'UTC', project: 'nothing' }).totals.totalTokens, 0);
  const s = report(d, 'session', { tz: 'UTC' }).session!;
  assert.deepEqual(s.map((r) => [r.period, r.metadata.lastActivity, r.metadata.projects]), [
    ['s1', '2026-05-01T10:00:00.000Z', ['-home-me-app']],
    ['s2', '2026-05-01T11:00:00.000Z', ['-other']],
  ]);
  assert.equal(s[0].totalCost, 1);
});

test('sessions summed whole (no dates to cut by) are the sessions summed slot by slot', () => {
  // Several slots, models, and a session whose files sit in two project folders.
  const rows = [];
  for (let i = 0; i < 60; i++) {
    rows.push({
      at: new Date(Date.parse('2026-05-01T10:00:00Z') + i * 7 * 60_000 + (i % 3) * 1000).toISOString(),
      model: i % 4 === 0 ? 'b' : 'a',
      input: 1000 + i * 37,
      project: i % 5 === 0 ? '-other' : '-home-me-app',
      session: `s${i % 6}`,
    });
  }
  const d = db(rows);
  const whole = report(d, 'session', { tz: 'UTC' });
  // A cut that holds every day goes slot by slot, as --since and --until do.
  const bySlot = report(d, 'session', { tz: 'UTC', since: '2026-04-01', until: '2026-06-01' });
  assert.deepEqual(whole, bySlot);
  assert.equal(whole.session!.length, 6);
  assert.ok(whole.session!.some((s) => (s.metadata.projects as string[]).length === 2), 'a session in two folders keeps both');
  assert.ok(whole.session!.some((s) => s.modelBreakdowns.length === 2), 'and its models apart');
});

test('in UTC the days summed by SQLite are the slots summed one by one: UTC against a zone that is UTC all year without the name', () => {
  // Africa/Abidjan has kept UTC's time since 1912 but is read through its offsets (local-days.ts).
  const rows = [];
  for (let i = 0; i < 400; i++) {
    rows.push({ at: new Date(Date.parse('2026-02-20T00:00:00Z') + i * 97 * 60_000 + (i % 7) * 1000).toISOString(), model: i % 3 === 0 ? 'b' : 'a', input: 500 + i * 13, session: `s${i % 4}` });
  }
  const d = db(rows);
  for (const kind of ['daily', 'weekly', 'monthly'] as const) {
    for (const cut of [{}, { since: '2026-02-24', until: '2026-03-01' }, { since: '2026-03-02' }]) {
      const utc = report(d, kind, { tz: 'UTC', ...cut });
      assert.deepEqual(utc, report(d, kind, { tz: 'Africa/Abidjan', ...cut }), `${kind} ${JSON.stringify(cut)}`);
      assert.deepEqual(utc, report(d, kind, { tz: 'Etc/UTC', ...cut }));
      assert.ok(utc.totals.totalTokens > 0 && utc[kind]!.length >= 1, `${kind}: rows to compare`);
    }
  }
  assert.equal(report(d, 'daily', { tz: 'UTC' }).daily!.length, 27);
  assert.equal(report(d, 'monthly', { tz: 'UTC' }).monthly!.length, 2);
});

test('in a zone with daylight saving the days summed by SQLite are the slots summed one by one, across the change', () => {
  // Every 37 minutes from 20 March to 10 April 2026 (Europe/Rome moves to +2 on 29 March,
  // America/St_Johns on 8 March, Australia/Lord_Howe back by half an hour on 5 April).
  const rows = [];
  for (let i = 0; i < 800; i++) {
    rows.push({ at: new Date(Date.parse('2026-03-20T00:00:00Z') + i * 37 * 60_000).toISOString(), model: i % 5 === 0 ? 'b' : 'a', input: 300 + i * 7, session: `s${i % 3}` });
  }
  const d = db(rows);
  // The slot rows as the grouping by slot made them, mapped to dates one by one in reportOfSlots.
  const slots = d.prepare(`SELECT slot, model, '' session, '' project, input, output, cache_create, cache_read, cost_nanos, n, priced, last FROM (${GROUPED_RESPONSES})`).all() as SlotRow[];
  for (const tz of ['Europe/Rome', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
    for (const kind of ['daily', 'weekly', 'monthly'] as const) {
      for (const cut of [{}, { since: '2026-03-28', until: '2026-03-30' }, { since: '2026-04-05' }]) {
        const want = reportOfSlots(slots, kind, { tz, ...cut });
        assert.deepEqual(report(d, kind, { tz, ...cut }), want, `${tz} ${kind} ${JSON.stringify(cut)}`);
        assert.ok(want.totals.totalTokens > 0, 'rows to compare');
      }
    }
  }
});
