import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admission } from './admission.js';
import type { GaugeEvent, ResponseEvent } from './events.js';
import { CLOCK_SKEW_MS, MAX_AT, rejection } from './validate.js';

const T = Date.UTC(2026, 11, 5, 12);
const response = (at: number, o: Partial<ResponseEvent> = {}): ResponseEvent => ({
  kind: 'response', key: `k${at}`, at, model: 'claude-opus-4-6', tokens: { input: 1, output: 2, cacheCreation: 0, cacheRead: 0 },
  thinkingReported: null, visibleChars: 0, session: 's', synthetic: false, sidechain: false, speed: false, ...o,
});

test('events out of range are counted out with the reason, never passed on', () => {
  const seen: GaugeEvent[] = [];
  const gate = new Admission((e) => seen.push(e), () => T);
  gate.admit(response(8.64e15)); // the last instant Date can hold
  gate.admit(response(NaN));
  gate.admit(response(MAX_AT));
  gate.admit(response(T, { tokens: { input: 1e308, output: 0, cacheCreation: 0, cacheRead: 0 } }));
  gate.admit(response(T, { tokens: { input: 2.5, output: 0, cacheCreation: 0, cacheRead: 0 } }));
  gate.admit(response(T, { model: 'm'.repeat(5000) }));
  gate.admit({ kind: 'limits', at: T, fiveHour: { usedPercentage: 12, resetsAt: 1e300 * 1000 }, sevenDay: null });
  gate.admit({ kind: 'window', at: T, origin: 'ccusage', tokens: Infinity, blockStart: null, blockEnd: null, freshMs: 1 });
  gate.admit(response(T));
  assert.equal(seen.length, 1);
  assert.deepEqual(gate.counts().rejected, { time: 3, tokens: 3, shape: 2 });
  assert.equal(gate.problems().length, 3);
});

test('a record dated past the clock skew is held until its time, then counted once', () => {
  let now = T;
  const seen: number[] = [];
  const gate = new Admission((e) => seen.push(e.at), () => now);
  gate.admit(response(T + CLOCK_SKEW_MS)); // within the allowance: counts at once
  gate.admit(response(T + 3_600_000));
  gate.admit(response(T + 86_400_000));
  assert.deepEqual(seen, [T + CLOCK_SKEW_MS]);
  assert.match(gate.problems()[0], /2 record\(s\) dated in the future/);
  now = T + 3_600_000 - CLOCK_SKEW_MS;
  gate.release();
  assert.deepEqual(seen, [T + CLOCK_SKEW_MS, T + 3_600_000]);
  gate.release();
  assert.equal(seen.length, 2, 'released once');
  assert.equal(gate.counts().held, 1);
  // Statusline figures and another tool's window carry the time they were seen: never held.
  gate.admit({ kind: 'limits', at: T + 86_400_000, fiveHour: null, sevenDay: null });
  assert.equal(seen.length, 3);
});

test('an engine that throws on one event loses that event alone', () => {
  const seen: number[] = [];
  const gate = new Admission((e) => {
    if (e.at === T + 1) throw new RangeError('boom');
    seen.push(e.at);
  }, () => T + 10);
  for (const at of [T, T + 1, T + 2]) gate.admit(response(at));
  assert.deepEqual(seen, [T, T + 2]);
  assert.equal(gate.counts().failed, 1);
  assert.match(gate.problems().join(), /failed in the engine.*boom/);
});

test('rejection() accepts what real sources produce', () => {
  assert.equal(rejection(response(T, { thinkingReported: 40, visibleChars: 1234 })), null);
  assert.equal(rejection({ kind: 'turn', at: T, session: 's', awaiting: true, exact: true, open: false }), null);
  assert.equal(rejection({ kind: 'limits', at: T, fiveHour: { usedPercentage: 42, resetsAt: T + 1e6 }, sevenDay: null }), null);
  assert.equal(rejection({ kind: 'window', at: T, origin: 'prometheus', tokens: 5e9, blockStart: T, blockEnd: T + 1, freshMs: 5000 }), null);
  assert.equal(rejection({ kind: 'window', at: T, origin: 'prometheus', tokens: 0, blockStart: null, blockEnd: null, freshMs: 5000 }), null);
  // Flags and names every snapshot copies out must have their types too.
  assert.equal(rejection({ kind: 'window', at: T, origin: [] as any, tokens: 0, blockStart: null, blockEnd: null, freshMs: 5000 }), 'shape');
  assert.equal(rejection(response(T, { synthetic: 'yes' as any })), 'shape');
  assert.equal(rejection(response(T, { speed: undefined as any })), 'shape');
});
