import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockEntry } from '../core/blocks.js';
import { computeBlocks } from '../engine/blocks.js';
import { calibrate, ceil3, minuteRates, MIN_ACTIVE_MINUTES, niceCeil, observationFigures, percentile, rateFigures, round3 } from './index.js';
import { renderReport } from './report.js';

const H = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const entry = (at: number, total: number): BlockEntry => ({ at, model: 'claude-opus-4-6', tokens: { input: 0, output: total, cacheCreation: 0, cacheRead: 0 } });

test('nearest-rank percentiles pick values that occurred', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile(v, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([], 50), 0);
  assert.equal(percentile([1, 2, 3], 0), 1);
});

test('round figures: the next round step, never below, at most 25 % above', () => {
  assert.equal(niceCeil(1_306_951), 1_400_000);
  assert.equal(niceCeil(1_000_000), 1_000_000);
  assert.equal(niceCeil(801), 900);
  assert.equal(niceCeil(901), 1000);
  assert.equal(niceCeil(2_400), 2_500);
  assert.equal(niceCeil(0), 0);
  for (let x = 1; x < 1e8; x *= 1.37) {
    const r = niceCeil(x);
    assert.ok(r >= x && r <= x * 1.25 + 1e-9, `${x} -> ${r}`);
  }
  assert.equal(ceil3(35_402_977), 35_500_000);
  assert.equal(ceil3(999), 999);
  assert.equal(round3(33_366_697), 33_400_000);
});

test('per-minute rates sum each calendar minute that had a response', () => {
  const rates = minuteRates([entry(T0, 10), entry(T0 + 59_999, 5), entry(T0 + 60_000, 7), entry(T0 + 10 * 60_000, 0)]);
  assert.deepEqual(rates, [15, 7]);
  assert.deepEqual(rateFigures([entry(T0, 3)]), { activeMinutes: 1, p50: 3, p90: 3, p99: 3, max: 3 });
  assert.equal(rateFigures([]), null);
});

test('an observation: tokens since the official window opened, the ceiling they imply, our estimate', () => {
  // Work from 08:00; the official window opened at 09:00 (resets 14:00); seen at 10:30.
  const entries = [entry(T0 - H, 1000), entry(T0 + 10 * 60_000, 2000), entry(T0 + H, 3000), entry(T0 + 2 * H, 9999)];
  const o = observationFigures(entries, { at: T0 + 1.5 * H, usedPercentage: 25, resetsAt: T0 + 5 * H }, 12_000);
  assert.equal(o.windowTokens, 5000, 'only the two responses inside the official window, none after the sighting');
  assert.equal(o.impliedCeiling, 20_000);
  assert.equal(o.blockTokens, 6000, 'the local block started at 08:00');
  assert.equal(o.estimatePct, 50);
  assert.equal(observationFigures(entries, { at: T0 + 1.5 * H, usedPercentage: 9, resetsAt: T0 + 5 * H }, 12_000).impliedCeiling, null, 'too coarse below 10 %');
});

test('the ceiling comes from the largest finished block until three usable sightings exist, then from their median', () => {
  const entries: BlockEntry[] = [];
  for (let i = 0; i < 40; i++) entries.push(entry(T0 + i * 60_000, 1000 + i)); // block 1: 40 active minutes
  for (let i = 0; i < 3; i++) entries.push(entry(T0 + 10 * H + i * 60_000, 50_000)); // block 2: 150,000
  const now = T0 + 11 * H; // block 2 still active
  const blocks = computeBlocks(entries, now);
  const base = { entries, blocks, ceiling: { value: 100_000, source: 'configured' }, redline: 1_000_000 };
  const none = calibrate({ ...base, observations: [] });
  assert.equal(none.topBlocks.length, 1, 'the active block is not finished');
  assert.equal(none.ceiling!.value, ceil3(40 * 1000 + (39 * 40) / 2));
  assert.match(none.ceiling!.rule, /the largest of 1 finished 5-hour block \(a P90 needs 5\)/);
  assert.equal(none.rates!.activeMinutes, 43);
  assert.equal(none.redline!.value, niceCeil(50_000));
  assert.equal(none.tracking, null);

  const seen = (pct: number, min: number) => ({ at: T0 + 10 * H + min * 60_000, usedPercentage: pct, resetsAt: T0 + 15 * H });
  const obs = [seen(10, 0), seen(25, 1), seen(30, 2)]; // windows of 50k, 100k, 150k tokens
  const c = calibrate({ ...base, observations: obs });
  assert.deepEqual(c.observations.map((o) => o.impliedCeiling), [500_000, 400_000, 500_000]);
  assert.deepEqual(c.implied, { used: 3, median: 500_000, p10: 400_000, p90: 500_000, min: 400_000, max: 500_000 });
  assert.equal(c.ceiling!.value, 500_000);
  assert.match(c.ceiling!.rule, /median of 3/);
  // estimates with 100k: 50 %, 100 %, 150 % -> capped 100; errors 40, 75, 70
  assert.equal(c.tracking!.current, (40 + 75 + 70) / 3);
  // with 500k: 10, 20, 30 -> errors 0, 5, 0
  assert.equal(c.tracking!.proposed, 5 / 3);

  const two = calibrate({ ...base, observations: obs.slice(0, 2) });
  assert.match(two.ceiling!.rule, /only 2 usable statusline sightings/);
});

test('with five finished blocks or more the proposal is their P90, what `auto` uses, and one outlier does not move it', () => {
  // Twelve blocks a day apart: eleven of 1M..1.1M tokens and one outlier of 9M.
  const sizes = [1_000_000, 1_010_000, 1_020_000, 1_030_000, 1_040_000, 1_050_000, 1_060_000, 1_070_000, 1_080_000, 1_090_000, 1_100_000, 9_000_000];
  const entries = sizes.map((t, i) => entry(T0 + i * 24 * H, t));
  const now = T0 + 12 * 24 * H;
  const c = calibrate({ entries, blocks: computeBlocks(entries, now), observations: [], ceiling: { value: 1, source: 'auto' }, redline: 1, now });
  const sorted = [...sizes].sort((a, b) => a - b);
  const p90 = sorted[Math.ceil(0.9 * sorted.length) - 1];
  assert.equal(p90, 1_100_000, 'the nearest-rank P90 of twelve is the eleventh');
  assert.deepEqual({ tokens: c.auto!.tokens, blocks: c.auto!.blocks, method: c.auto!.method, largest: c.auto!.largest }, { tokens: p90, blocks: 12, method: 'p90', largest: 9_000_000 });
  assert.equal(c.ceiling!.value, ceil3(p90));
  assert.match(c.ceiling!.rule, /P90 of 12 recent finished 5-hour blocks/);
  assert.match(renderReport(c, '/tmp/config.json'), /P90 of 12 finished blocks[\s\S]*the largest is 9,000,000/);
});

test('too little activity: no redline proposal; no history: no proposal at all', () => {
  const few = Array.from({ length: MIN_ACTIVE_MINUTES - 1 }, (_, i) => entry(T0 + i * 60_000, 100));
  const c = calibrate({ entries: few, blocks: computeBlocks(few, T0 + 10 * H), observations: [], ceiling: { value: 1, source: 'auto' }, redline: 1 });
  assert.equal(c.redline, null);
  assert.ok(c.ceiling);
  const empty = calibrate({ entries: [], blocks: [], observations: [], ceiling: { value: 1, source: 'default' }, redline: 1 });
  assert.equal(empty.ceiling, null);
  assert.equal(empty.redline, null);
  assert.equal(empty.rates, null);
});
