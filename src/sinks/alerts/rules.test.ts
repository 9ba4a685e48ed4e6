import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../../core/snapshot.js';
import { Engine } from '../../engine/engine.js';
import { evaluate, initialState, type AlertRules, type AlertState } from './rules.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const MIN = 60_000;
const base = new Engine({ ceiling: 1000, defaultCeiling: 1, redline: 1000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false }).snapshot(T0);
const snap = (o: Partial<Snapshot> = {}): Snapshot => ({ ...base, ...o });
const rules = (o: Partial<AlertRules> = {}): AlertRules => ({ fuel: [50, 80, 95], cooldownMs: 15 * MIN, maxPerHour: 6, hysteresis: 5, ...o });

/** Feeds snapshots in order (one a minute unless `at` says otherwise); returns every alert key sent. */
function run(frames: Array<Partial<Snapshot> & { at?: number }>, r = rules()): { keys: string[]; state: AlertState } {
  let prev: Snapshot | null = null;
  let state = initialState();
  const keys: string[] = [];
  frames.forEach((f, i) => {
    const { at, ...fields } = f;
    const s = snap(fields);
    const out = evaluate(prev, s, state, r, at ?? T0 + i * MIN);
    keys.push(...out.alerts.map((a) => a.key));
    state = out.state;
    prev = s;
  });
  return { keys, state };
}

test('a lamp alerts when it lights, not while it stays lit, and again only after the cooldown', () => {
  assert.deepEqual(run([{}, { hot: true }, { hot: true }, { hot: false }, { hot: true }]).keys, ['hot']); // relit within 15 min
  assert.deepEqual(run([{}, { hot: true, at: T0 }, { hot: false, at: T0 + 10 * MIN }, { hot: true, at: T0 + 16 * MIN }]).keys, ['hot', 'hot']);
  assert.deepEqual(run([{}, { stall: true, stall_reason: 'turn-silent' }, { stall: false }, { warn: true }]).keys, ['stall', 'warn']);
});

test('no storm at start-up: lamps already lit and thresholds already passed stay quiet', () => {
  const lit = { hot: true, warn: true, stall: true, window_5h_pct: 0.9 };
  assert.deepEqual(run([lit, lit, { ...lit, window_5h_pct: 0.93 }]).keys, []);
  // ...but the next threshold above is still news.
  assert.deepEqual(run([lit, { ...lit, window_5h_pct: 0.96 }]).keys, ['fuel:95']);
});

test('fuel thresholds: once per crossing, the highest when several are crossed, re-armed only below the hysteresis', () => {
  assert.deepEqual(run([{ window_5h_pct: 0.1 }, { window_5h_pct: 0.51 }, { window_5h_pct: 0.49 }, { window_5h_pct: 0.52 }]).keys, ['fuel:50']);
  assert.deepEqual(run([{ window_5h_pct: 0.1 }, { window_5h_pct: 0.97 }]).keys, ['fuel:95']);
  const frames = [{ window_5h_pct: 0.1 }, { window_5h_pct: 0.55, at: T0 + MIN }, { window_5h_pct: 0.3, at: T0 + 20 * MIN }, { window_5h_pct: 0.6, at: T0 + 40 * MIN }];
  assert.deepEqual(run(frames).keys, ['fuel:50', 'fuel:50']);
});

test('a 5-hour reset alerts once, when its time has come, and not when the estimate merely moves', () => {
  const end = '2026-03-02T12:00:00.000Z';
  const after = Date.parse(end) + 1000;
  assert.deepEqual(run([{ window_5h_resets_at: end, at: T0 }, { window_5h_resets_at: null, at: after }, { window_5h_resets_at: null, at: after + MIN }]).keys, ['reset']);
  // Claude Code's figure nudging its reset time before the window ends is no reset.
  assert.deepEqual(run([{ window_5h_resets_at: end, at: T0 }, { window_5h_resets_at: '2026-03-02T12:00:01.000Z', at: T0 + MIN }]).keys, []);
});

test('at most N alerts an hour; the rest are counted as dropped', () => {
  const frames: Array<Partial<Snapshot> & { at?: number }> = [{}];
  for (let i = 1; i <= 10; i++) frames.push({ hot: i % 2 === 1, warn: i % 2 === 1, at: T0 + i * 16 * MIN });
  const { keys, state } = run(frames, rules({ maxPerHour: 3 }));
  // Lit at 16, 48, 80, 112, 144 min: two alerts each, three per rolling hour.
  assert.ok(keys.length < 10, `${keys.length} sent`);
  assert.ok(state.dropped > 0);
  const sent = run(frames, rules({ maxPerHour: 100 })).keys.length;
  assert.equal(sent, 10);
  assert.equal(keys.length + state.dropped, sent);
});

test('evaluate does not mutate the state it is given', () => {
  const s0 = initialState();
  const frozen = JSON.stringify(s0);
  evaluate(snap(), snap({ hot: true }), s0, rules(), T0);
  assert.equal(JSON.stringify(s0), frozen);
});
