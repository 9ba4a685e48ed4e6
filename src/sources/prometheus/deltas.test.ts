import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import type { RawSeries } from './api.js';
import { eventKey, mergeSeries, sampleDeltas, SeriesBook, seriesId } from './deltas.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const S = 1000;
const labels = (type: string, extra: Record<string, string> = {}) => ({ __name__: 'claude_code_token_usage_tokens_total', model: 'claude-sonnet-4-5', type, session_id: 's1', job: 'otel-collector', instance: 'c:8889', ...extra });
const series = (type: string, values: [number, number][], extra?: Record<string, string>): RawSeries => ({ labels: labels(type, extra), samples: values.map(([at, value]) => ({ at: T0 + at * S, value })) });

test('consecutive samples become deltas; flat samples none; a drop is a restart counting its new value', () => {
  const s = series('input', [[0, 100], [1, 100], [2, 130], [3, 20], [4, 25]]).samples;
  assert.deepEqual(sampleDeltas(s, null, true), [{ at: T0, delta: 100 }, { at: T0 + 2 * S, delta: 30 }, { at: T0 + 3 * S, delta: 20 }, { at: T0 + 4 * S, delta: 5 }]);
  // A series already running before the range read: its first sample is a baseline.
  assert.deepEqual(sampleDeltas(s, null, false).map((d) => d.delta), [30, 20, 5]);
  // Continuing from a known sample: older or equal samples are skipped.
  assert.deepEqual(sampleDeltas(s, { at: T0 + 2 * S, value: 130 }, true).map((d) => d.delta), [20, 5]);
});

test('series identity ignores the metric name and label order; keys are stable per series and sample time', () => {
  const a = seriesId({ type: 'input', model: 'm', __name__: 'x' });
  assert.equal(a, seriesId({ model: 'm', type: 'input' }));
  assert.notEqual(a, seriesId({ model: 'm', type: 'output' }));
  assert.equal(eventKey(a, T0), eventKey(a, T0));
  assert.notEqual(eventKey(a, T0), eventKey(a, T0 + 1));
});

test('reading the same samples again (overlap, recovery, a restarted poll) never counts twice', () => {
  const engine = new Engine({ ceiling: 1e9, defaultCeiling: 1, redline: 1e9, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0, keepAllTicks: true });
  const book = new SeriesBook();
  const first = [series('input', [[0, 10], [1, 15]]), series('cacheRead', [[0, 1000], [1, 3000]])];
  for (const e of book.advance(first)) engine.apply(e);
  // The next read overlaps the first and adds one sample per series.
  const second = [series('input', [[0, 10], [1, 15], [2, 40]]), series('cacheRead', [[1, 3000], [2, 3500]])];
  for (const e of book.advance(second)) engine.apply(e);
  // A fresh book over everything (what a restarted initial read does) emits the same keys and deltas.
  const again = new SeriesBook().advance(second.map((s, i) => ({ labels: s.labels, samples: [first[i].samples[0], ...s.samples] })));
  for (const e of again) engine.apply(e);
  const snap = engine.snapshot(T0 + 3 * S);
  assert.equal(snap.window_5h_tokens, 40 + 3500);
  assert.equal(snap.rate_1m, 40 + 3500);
  assert.equal(snap.cache_hit_rate, 3500 / 3540);
  assert.equal(snap.thinking_source, 'none');
  assert.equal(snap.last_model_id, 'claude-sonnet-4-5');
});

test('a series first seen in a poll is new usage from its first sample; unknown types are skipped and counted', () => {
  const book = new SeriesBook();
  const out = book.advance([series('output', [[5, 42]], { session_id: 'new' }), series('weird', [[5, 7]])]);
  assert.deepEqual(out.map((e) => [e.tokens.output, e.at, e.session]), [[42, T0 + 5 * S, 'new']]);
  assert.equal(book.skipped, 1);
  book.forgetBefore(T0 + 6 * S);
  assert.equal(book.size, 0);
});

test('chunks read backwards merge into one sorted, duplicate-free series', () => {
  const held = new Map<string, RawSeries>();
  mergeSeries(held, [series('input', [[10, 5], [11, 6]])]);
  mergeSeries(held, [series('input', [[8, 1], [10, 5]]), series('output', [[9, 2]])]);
  const input = [...held.values()].find((s) => s.labels.type === 'input')!;
  assert.deepEqual(input.samples.map((s) => s.at), [8, 10, 11].map((x) => T0 + x * S));
  assert.equal(held.size, 2);
});

test('a series first seen: a delta against its older sample when Prometheus has one, a baseline when nothing could be looked up', () => {
  const s = series('input', [[10, 500], [11, 520]]);
  const id = seriesId(s.labels);
  assert.deepEqual(new SeriesBook().advance([s], new Map([[id, { at: T0, value: 450 }]])).map((e) => e.tokens.input), [50, 20]);
  assert.deepEqual(new SeriesBook().advance([s], new Map()).map((e) => e.tokens.input), [500, 20]);
  assert.deepEqual(new SeriesBook().advance([s], 'baseline').map((e) => e.tokens.input), [20]);
  const book = new SeriesBook();
  book.advance([s]);
  assert.equal(book.unseen([s, series('output', [[12, 1]])]).length, 1);
});
