// localParts reads the formatter's string instead of its parts: the same local date, hour, weekday
// and week as formatToParts gives, in zones with :30 and :45 offsets, across daylight-saving changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDayStart, localParts, zoneOrDefault } from './local-time.js';

const ZONES = ['UTC', 'Europe/Rome', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'America/St_Johns'];

function reference(ms: number, tz: string) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const dow = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday);
  return { date, hour: Number(p.hour) % 24, dow, week: new Date(Date.parse(`${date}T00:00:00Z`) - dow * 86_400_000).toISOString().slice(0, 10) };
}

test('local parts equal formatToParts in every kind of zone, a slot at a time across a year', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  let checked = 0;
  for (const tz of ZONES) {
    // One slot in 7: every time of day and weekday is met, and every day-light saving change's day.
    for (let at = start; at < start + 366 * 86_400_000; at += 900_000 * 7) {
      assert.deepEqual(localParts(at, tz), reference(at, tz), `${tz} ${new Date(at).toISOString()}`);
      checked++;
    }
  }
  assert.ok(checked > 40_000, `${checked} instants`);
});

test('a local day starts at local midnight, also on a day of 23 or 25 hours', () => {
  const rome = localDayStart(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Rome'); // 23 hours
  assert.equal(new Date(rome).toISOString(), '2026-03-28T23:00:00.000Z');
  const fall = localDayStart(Date.parse('2026-10-25T20:00:00Z'), 'Europe/Rome'); // 25 hours
  assert.equal(new Date(fall).toISOString(), '2026-10-24T22:00:00.000Z');
  assert.equal(localParts(Date.parse('2026-06-01T00:00:00Z'), 'Asia/Kathmandu').hour, 5);
});

test('a zone is known or not the same the first time it is asked and every time after, however many are asked', () => {
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(zoneOrDefault('Asia/Kathmandu'), { tz: 'Asia/Kathmandu', known: true });
    assert.deepEqual(zoneOrDefault('Mars/Olympus_Mons'), { tz: 'Mars/Olympus_Mons', known: false });
    const own = zoneOrDefault(null);
    assert.equal(own.known, true);
    assert.equal(own.tz, Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    assert.deepEqual(zoneOrDefault(''), own, 'none asked: this machine\'s');
  }
  // Past the bound on zones kept, still right.
  for (let i = 0; i < 250; i++) assert.equal(zoneOrDefault(`Nowhere/Zone_${i}`).known, false);
  assert.equal(zoneOrDefault('Europe/Rome').known, true);
});

test('UTC by any of its names gives the formatter\'s parts without one, from 1970 to 9999, and before 1970 by the formatter', () => {
  const names = ['UTC', 'utc', 'Etc/UTC', 'UCT', 'GMT', 'Etc/GMT', 'GMT0', 'Etc/GMT-0', 'Zulu', 'Universal', 'Greenwich'];
  for (const tz of names) assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone, 'UTC', `${tz} is UTC to Intl`);
  const instants = [0, Date.parse('2026-03-29T01:00:00Z'), Date.parse('2099-12-31T23:59:59Z'), Date.parse('9999-12-31T23:00:00Z'), Date.UTC(1500, 5, 1)];
  for (let at = Date.parse('2026-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += 900_000 * 11) instants.push(at);
  for (const tz of names) {
    for (const at of instants) assert.deepEqual(localParts(at, tz), reference(at, 'UTC'), `${tz} ${at}`);
    assert.deepEqual(zoneOrDefault(tz), { tz, known: true });
  }
  assert.equal(localDayStart(Date.parse('2026-03-29T12:00:00Z'), 'Etc/UTC'), Date.parse('2026-03-29T00:00:00Z'));
});
