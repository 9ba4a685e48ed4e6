// The local day of a slot in SQL agrees with localParts for every slot of a year in zones with
// daylight saving, half- and quarter-hour offsets, a half-hour change, and a day skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { localParts, SLOT_MS } from '../stats/time.js';
import { localDaySql } from './local-days.js';

const ZONES = ['Europe/Rome', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Apia', 'Africa/Casablanca', 'Asia/Tokyo'];

test('a slot\'s local day in SQL is the date localParts gives its start, slot by slot over a year and more', () => {
  const db = new Database(':memory:');
  // Pacific/Apia skipped 30 December 2011: a year around it, and the last year and a half for the rest.
  const ranges: Record<string, [string, string]> = { 'Pacific/Apia': ['2011-06-01', '2012-06-01'] };
  for (const tz of ZONES) {
    const [from, to] = ranges[tz] ?? ['2025-10-01', '2027-04-01'];
    const first = Date.parse(`${from}T00:00:00Z`) / SLOT_MS;
    const last = Date.parse(`${to}T00:00:00Z`) / SLOT_MS;
    const sql = localDaySql(tz, first, last);
    assert.ok(sql, tz);
    if (tz !== 'Asia/Kolkata' && tz !== 'Asia/Kathmandu' && tz !== 'Asia/Tokyo') assert.match(sql, /CASE/, `${tz} changes its offset in the range`);
    const rows = db
      .prepare(`WITH RECURSIVE s(slot) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT slot + 1 FROM s WHERE slot < ?) SELECT slot, ${sql} AS day FROM s`)
      .raw(true)
      .all(first, last) as [number, number][];
    assert.equal(rows.length, last - first + 1);
    const dateOfDay = new Map<number, string>();
    const dayOfDate = new Map<string, number>();
    for (const [slot, day] of rows) {
      const date = localParts(slot * SLOT_MS, tz).date;
      // Same number, same date; and the other way round.
      assert.equal(dateOfDay.get(day) ?? date, date, `${tz} slot ${new Date(slot * SLOT_MS).toISOString()}`);
      assert.equal(dayOfDate.get(date) ?? day, day, `${tz} ${date}`);
      dateOfDay.set(day, date);
      dayOfDate.set(date, day);
    }
  }
  db.close();
});

test('no expression where the arithmetic would not hold: before 1970, an empty range, a zone Intl does not know', () => {
  assert.equal(localDaySql('Europe/Rome', -10, 5), null);
  assert.equal(localDaySql('Europe/Rome', 10, 5), null);
  assert.equal(localDaySql('Not/AZone', 0, 100), null);
  // A stray timestamp years from the rest: slot by slot rather than a formatter answer a day between.
  const now = Math.floor(Date.parse('2026-06-01T00:00:00Z') / SLOT_MS);
  assert.equal(localDaySql('Europe/Rome', now, Math.floor(Date.parse('9000-01-01T00:00:00Z') / SLOT_MS)), null);
  assert.ok(localDaySql('Europe/Rome', now - 9 * 365 * 96, now));
  assert.match(localDaySql('Asia/Tokyo', 1000, 2000)!, /^\(slot \* 900000 \+ 32400000\) \/ 86400000$/);
});
