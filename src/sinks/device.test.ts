import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../engine/engine.js';
import { DEVICE_MAX_BYTES, deviceLine } from './device.js';

const settings = { ceiling: 1000, defaultCeiling: 1, redline: 100, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true } as const;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

test('the device line carries the needles, model, lamps, sequence and age as integers', () => {
  const e = new Engine(settings);
  e.apply({ kind: 'response', key: 'k', at: T0, model: 'claude-sonnet-4-5', session: 's', tokens: { input: 100, output: 20, cacheCreation: 0, cacheRead: 300 }, thinkingReported: 5, visibleChars: 0, synthetic: false, sidechain: false, speed: false });
  const s = { ...e.snapshot(T0 + 1000), seq: 77 };
  const line = deviceLine(s, T0 + 1250);
  assert.match(line, /^CG1 \d+ \d+ \d+ \d+ \d+ \d+ [0-3] \d+\n$/);
  const [v, seq, age, fuel, tach, temp, boost, model, flags] = line.trim().split(' ');
  assert.equal(v, 'CG1');
  assert.equal(Number(seq), 77);
  assert.equal(Number(age), 250);
  assert.deepEqual([fuel, tach, temp, boost].map(Number), [s.gauges.fuel, s.gauges.tach, s.gauges.temp, s.gauges.boost]);
  assert.equal(Number(model), 2);
  assert.equal(Number(flags), (s.hot ? 1 : 0) | (s.warn ? 2 : 0) | (s.stall ? 4 : 0) | (s.idle ? 8 : 0) | (s.window_5h_runs_out ? 16 : 0));
  assert.equal(s.hot, true);
  assert.equal(s.window_5h_runs_out, true, '420 of 1,000 tokens in the last minute: the window empties within two');
});

test('RANGE (16) rides in the flags while the window runs out; the line keeps its nine fields', () => {
  const s = { ...new Engine(settings).snapshot(T0), seq: 5, updated_at: new Date(T0).toISOString() };
  const flagsOf = (snap: typeof s) => Number(deviceLine(snap, T0).trim().split(' ')[8]);
  assert.equal(flagsOf({ ...s, hot: false, warn: false, stall: false, idle: false, window_5h_runs_out: false }), 0);
  assert.equal(flagsOf({ ...s, hot: false, warn: false, stall: false, idle: false, window_5h_runs_out: true }), 16);
  assert.equal(flagsOf({ ...s, hot: false, warn: true, stall: false, idle: false, window_5h_runs_out: true }), 18);
  assert.equal(flagsOf({ ...s, hot: true, warn: true, stall: true, idle: true, window_5h_runs_out: true }), 31);
  assert.equal(deviceLine({ ...s, window_5h_runs_out: true }, T0).trim().split(' ').length, 9);
});

test('the device line stays within 128 bytes at the extremes', () => {
  const s = { ...new Engine(settings).snapshot(T0), seq: 2 ** 40, updated_at: '1970-01-01T00:00:00.000Z' };
  s.gauges = { fuel: 1000, tach: 1000, temp: 1000, boost: 1000 };
  Object.assign(s, { hot: true, warn: true, stall: true, idle: true, window_5h_runs_out: true });
  const line = deviceLine(s, Date.parse('2999-01-01T00:00:00Z'));
  assert.ok(Buffer.byteLength(line) <= DEVICE_MAX_BYTES, line);
  assert.match(line, /^CG1 \d{1,10} 4294967295 1000 1000 1000 1000 0 31\n$/);
});
