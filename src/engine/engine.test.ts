import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResponseEvent, Tokens } from '../core/events.js';
import { Engine, type EngineSettings } from './engine.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const S = 1000;
const MIN = 60 * S;

const settings = (o: Partial<EngineSettings> = {}): EngineSettings => ({
  ceiling: 1_000_000, defaultCeiling: 1, redline: 10_000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true, ...o,
});

function resp(key: string, at: number, t: Partial<Tokens>, extra: Partial<ResponseEvent> = {}): ResponseEvent {
  return {
    kind: 'response', key, at, model: 'claude-sonnet-4-5', session: 's',
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, ...t },
    thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false, ...extra,
  };
}

test('streamed lines of one response count once, as their largest usage', () => {
  const e = new Engine(settings());
  e.apply(resp('a', T0, { input: 10, cacheRead: 100, output: 5 }));
  e.apply(resp('a', T0 + 2 * S, { input: 10, cacheRead: 100, output: 50 }));
  e.apply(resp('a', T0 + 3 * S, { input: 10, cacheRead: 100, output: 120 }));
  const s = e.snapshot(T0 + 10 * S);
  assert.equal(s.rate_1m, 10 + 100 + 120);
  assert.equal(s.window_5h_tokens, 230);
});

test('a replayed response (resumed session, another file) is not counted again', () => {
  const e = new Engine(settings());
  e.apply(resp('a', T0, { input: 10, output: 100 }));
  e.apply(resp('a', T0, { input: 10, output: 100 })); // replay
  e.apply(resp('a', T0, { input: 10, output: 40 })); // an earlier, smaller line replayed
  assert.equal(e.snapshot(T0 + S).window_5h_tokens, 110);
  assert.equal(e.responseCount, 1);
});

test('rate_1m counts the last 60 s only, per minute', () => {
  const e = new Engine(settings());
  e.apply(resp('old', T0, { input: 1000 }));
  e.apply(resp('new', T0 + 30 * S, { input: 200, output: 22 }));
  assert.equal(e.snapshot(T0 + 59 * S).rate_1m, 1222);
  assert.equal(e.snapshot(T0 + 61 * S).rate_1m, 222);
  assert.equal(e.snapshot(T0 + 91 * S).rate_1m, 0);
});

test('cache hit rate is cache read over all input kinds in the last 5 minutes', () => {
  const e = new Engine(settings());
  e.apply(resp('a', T0, { input: 10, cacheCreation: 190, cacheRead: 800, output: 1000 }));
  assert.equal(e.snapshot(T0 + MIN).cache_hit_rate, 0.8);
  assert.equal(e.snapshot(T0 + 6 * MIN).cache_hit_rate, 0);
});

test('thinking ratio uses reported thinking tokens, else the visible-text estimate, and says which', () => {
  const rep = new Engine(settings());
  rep.apply(resp('a', T0, { output: 200 }, { thinkingReported: 50 }));
  const r = rep.snapshot(T0 + S);
  assert.equal(r.thinking_ratio, 0.25);
  assert.equal(r.thinking_source, 'reported');

  const est = new Engine(settings());
  // 438 visible characters ~ 100 tokens; output 400 -> ~300 thinking.
  est.apply(resp('b', T0, { output: 400 }, { visibleChars: 438 }));
  const s = est.snapshot(T0 + S);
  assert.equal(s.thinking_ratio, 0.75);
  assert.equal(s.thinking_source, 'estimated');
  assert.equal(est.snapshot(T0 + 6 * MIN).thinking_source, 'none');
});

test('the 5-hour figures follow the active block and fall to 0 when it ends', () => {
  const e = new Engine(settings({ ceiling: 1000 }));
  e.apply(resp('a', T0 + 30 * MIN, { input: 250 }));
  const s = e.snapshot(T0 + 60 * MIN);
  assert.equal(s.window_5h_tokens, 250);
  assert.equal(s.window_5h_pct, 0.25);
  assert.equal(s.window_5h_block_start, '2026-03-02T10:00:00.000Z');
  assert.equal(s.window_5h_block_end, '2026-03-02T15:00:00.000Z');
  assert.equal(s.gauges.fuel, 250);
  const later = e.snapshot(T0 + 5 * 60 * MIN);
  assert.equal(later.window_5h_tokens, 0);
  assert.equal(later.window_5h_pct, 0);
});

test('auto ceiling is the largest finished block', () => {
  const e = new Engine(settings({ ceiling: 'auto', defaultCeiling: 777 }));
  assert.equal(e.snapshot(T0).window_5h_ceiling, 777);
  e.apply(resp('a', T0, { input: 4000 }));
  e.apply(resp('b', T0 + 10 * 60 * MIN, { input: 1000 }));
  const s = e.snapshot(T0 + 10 * 60 * MIN + MIN);
  assert.equal(s.window_5h_ceiling, 4000);
  assert.equal(s.window_5h_ceiling_source, 'auto');
  assert.equal(s.window_5h_pct, 0.25);
});

test('a fresh statusline figure wins over the estimate until it resets', () => {
  const e = new Engine(settings({ ceiling: 1000 }));
  e.apply(resp('a', T0, { input: 100 }));
  e.apply({ kind: 'limits', at: T0, fiveHour: { usedPercentage: 42, resetsAt: T0 + 60 * MIN }, sevenDay: { usedPercentage: 7, resetsAt: T0 + 3 * 24 * 60 * MIN } });
  const s = e.snapshot(T0 + MIN);
  assert.equal(s.window_5h_pct, 0.42);
  assert.equal(s.window_5h_source, 'statusline');
  assert.equal(s.window_5h_estimate_pct, 0.1);
  assert.equal(s.window_5h_resets_at, new Date(T0 + 60 * MIN).toISOString());
  assert.equal(s.seven_day_pct, 0.07);
  const after = e.snapshot(T0 + 61 * MIN);
  assert.equal(after.window_5h_source, 'estimate');
  assert.equal(after.window_5h_pct, 0.1);
});

test('HOT above the redline, WARN above 80 % fuel or below the cache floor while active', () => {
  const e = new Engine(settings({ redline: 500, ceiling: 1000 }));
  e.apply(resp('a', T0, { input: 100, cacheRead: 450 }));
  let s = e.snapshot(T0 + S);
  assert.equal(s.hot, true);
  assert.equal(s.warn, false); // 450/550 = 82 % cache hit, fuel 55 %
  e.apply(resp('b', T0 + 2 * S, { input: 300 }));
  s = e.snapshot(T0 + 3 * S);
  assert.equal(s.warn, true); // fuel 85 %
  const cold = new Engine(settings({ ceiling: 1e9 }));
  cold.apply(resp('c', T0, { input: 100, cacheCreation: 900 }));
  assert.equal(cold.snapshot(T0 + S).warn, true); // cache hit 0 while active
  assert.equal(cold.snapshot(T0 + 2 * MIN).warn, false); // no longer active
});

test('STALL lights when a turn awaits Claude past the stall time, and not forever', () => {
  const e = new Engine(settings({ stallMinutes: 2, abandonMinutes: 30 }));
  e.apply(resp('a', T0, { input: 1 }));
  e.apply({ kind: 'turn', at: T0 + S, session: 's', awaiting: true });
  assert.equal(e.snapshot(T0 + MIN).stall, false);
  assert.equal(e.snapshot(T0 + MIN).turn_in_flight, true);
  const s = e.snapshot(T0 + 3 * MIN);
  assert.equal(s.stall, true);
  assert.equal(s.stall_reason, 'turn-silent');
  assert.equal(s.idle, false);
  assert.equal(e.snapshot(T0 + 31 * MIN).stall, false); // abandoned
  e.apply(resp('b', T0 + 3 * MIN, { output: 5 }));
  assert.equal(e.snapshot(T0 + 4 * MIN).stall, false); // Claude answered
});

test('a finished turn never stalls; IDLE after a quiet minute', () => {
  const e = new Engine(settings({ stallMinutes: 1 }));
  e.apply({ kind: 'turn', at: T0, session: 's', awaiting: true });
  e.apply(resp('a', T0 + S, { output: 5 }));
  assert.equal(e.snapshot(T0 + 30 * S).idle, false);
  const s = e.snapshot(T0 + 10 * MIN);
  assert.equal(s.stall, false);
  assert.equal(s.idle, true);
});

test('a broken source lights STALL and says why', () => {
  const e = new Engine(settings());
  e.setHealth({ kind: 'transcripts', ok: false, problems: ['cannot read x'], files: 0, records: 0, skipped_lines: 0, backfill: { done: true, files_done: 0, files_total: 0 } });
  const s = e.snapshot(T0);
  assert.equal(s.stall, true);
  assert.equal(s.stall_reason, 'source-broken');
  assert.deepEqual(s.source.problems, ['cannot read x']);
});

test('last_model is the family of the newest response, with the full id beside it', () => {
  const e = new Engine(settings());
  e.apply(resp('a', T0 + 5 * S, { output: 1 }, { model: 'claude-haiku-4-5-20251001' }));
  e.apply(resp('b', T0, { output: 1 }, { model: 'claude-opus-4-6' })); // older, arrives later (backfill)
  const s = e.snapshot(T0 + 6 * S);
  assert.equal(s.last_model, 'haiku');
  assert.equal(s.last_model_id, 'claude-haiku-4-5-20251001');
  assert.equal(new Engine(settings()).snapshot(T0).last_model, 'other');
});

test('records after `until` are ignored: the history as it stood then', () => {
  const e = new Engine(settings({ until: T0 + MIN }));
  e.apply(resp('a', T0, { input: 10 }));
  e.apply(resp('b', T0 + 2 * MIN, { input: 99 }));
  e.apply(resp('a', T0 + 2 * MIN, { input: 10, output: 500 }));
  assert.equal(e.snapshot(T0 + MIN).window_5h_tokens, 10);
});

test('the horizon is 5 h before the newest activity chain', () => {
  const e = new Engine(settings());
  assert.equal(e.horizon(), null);
  e.apply(resp('a', T0, { input: 1 }));
  e.apply(resp('b', T0 + 6 * 60 * MIN, { input: 1 }));
  e.apply(resp('c', T0 + 9 * 60 * MIN, { input: 1 }));
  assert.equal(e.horizon(), T0 + 6 * 60 * MIN - 5 * 60 * MIN);
});

test('live mode forgets ticks no window can see, and the figures stay right', () => {
  const e = new Engine(settings({ keepAllTicks: false }));
  e.apply(resp('a', T0, { input: 5 }));
  e.apply(resp('b', T0 + 10 * MIN, { input: 7 }));
  e.trim(T0 + 10 * MIN);
  const s = e.snapshot(T0 + 10 * MIN);
  assert.equal(s.rate_1m, 7);
  assert.equal(s.window_5h_tokens, 12);
});

test('<synthetic> lines count in blocks (ccusage does) but never as a model', () => {
  const e = new Engine(settings());
  e.apply(resp('real', T0, { input: 5 }, { model: 'claude-opus-4-6' }));
  e.apply(resp('syn', T0 + S, {}, { model: '<synthetic>', synthetic: true }));
  const [b] = e.blocks(T0 + 2 * S);
  assert.equal(b.entries, 2);
  assert.deepEqual(b.models, ['claude-opus-4-6']);
  assert.equal(e.snapshot(T0 + 2 * S).last_model_id, 'claude-opus-4-6');
});

test('copies of one response: main session beats subagent, then the larger total, then fast mode on a tie', () => {
  const e = new Engine(settings());
  e.apply(resp('k', T0, { input: 100 }, { sidechain: true, model: 'sub' }));
  e.apply(resp('k', T0 + S, { input: 10 }, { sidechain: false, model: 'main' }));
  e.apply(resp('k', T0 + 2 * S, { input: 50 }, { sidechain: true, model: 'sub2' }));
  let [b] = e.blocks(T0 + 3 * S);
  assert.deepEqual([b.totalTokens, b.models], [10, ['main']]);
  assert.equal(b.actualEnd, T0 + S, 'the winner brings its own timestamp');
  const t = new Engine(settings());
  t.apply(resp('k', T0, { input: 10 }, { model: 'slow' }));
  t.apply(resp('k', T0 + S, { input: 10 }, { model: 'fast', speed: true }));
  t.apply(resp('k', T0 + 2 * S, { input: 10 }, { model: 'later' }));
  [b] = t.blocks(T0 + 3 * S);
  assert.deepEqual(b.models, ['fast']);
});

test('compact forgets history behind the horizon, keeps the gauges and the auto ceiling, and ignores replays of it', () => {
  const e = new Engine(settings({ keepAllTicks: false, ceiling: 'auto' }));
  const H = 60 * MIN;
  e.apply(resp('old1', T0, { input: 9000 }));
  e.apply(resp('old2', T0 + 2 * H, { input: 1000 }));
  e.apply(resp('now1', T0 + 20 * H, { input: 100 }));
  e.apply(resp('now2', T0 + 21 * H, { input: 200 }));
  const before = e.snapshot(T0 + 21 * H + MIN);
  e.compact(T0 + 21 * H + MIN);
  assert.equal(e.responseCount, 2);
  const after = e.snapshot(T0 + 21 * H + MIN);
  assert.deepEqual({ ...after, seq: 0 }, { ...before, seq: 0 });
  assert.equal(after.window_5h_ceiling, 10_000, 'old1 and old2 shared a block');
  e.apply(resp('old1', T0, { input: 9000 })); // a resumed session replays old history
  e.apply(resp('old3', T0 + 3 * H, { input: 5 }));
  assert.equal(e.lateRecords, 2);
  assert.equal(e.responseCount, 2);
  assert.equal(e.snapshot(T0 + 21 * H + MIN).window_5h_tokens, 300);
});

test('a fresh window figure from another tool (ccusage, Prometheus) drives the fuel; a stale one gives way to the local block', () => {
  const e = new Engine(settings({ ceiling: 1000 }));
  e.apply(resp('a', T0, { input: 100 }));
  const blockStart = Date.parse('2026-03-02T10:00:00.000Z');
  e.apply({ kind: 'window', at: T0 + S, origin: 'ccusage', tokens: 600, blockStart, blockEnd: blockStart + 5 * 60 * MIN, freshMs: 30 * S });
  const fresh = e.snapshot(T0 + 10 * S);
  assert.equal(fresh.window_5h_tokens, 600);
  assert.equal(fresh.window_5h_pct, 0.6);
  assert.equal(fresh.window_5h_tokens_from, 'ccusage');
  assert.equal(fresh.window_5h_block_start, '2026-03-02T10:00:00.000Z');
  assert.equal(fresh.rate_1m, 100, 'the tach stays with the main source');
  const stale = e.snapshot(T0 + 40 * S);
  assert.equal(stale.window_5h_tokens, 100);
  assert.equal(stale.window_5h_tokens_from, 'local');
  // An older figure arriving late never replaces a newer one.
  e.apply({ kind: 'window', at: T0 + 50 * S, origin: 'ccusage', tokens: 700, blockStart, blockEnd: blockStart + 5 * 60 * MIN, freshMs: 30 * S });
  e.apply({ kind: 'window', at: T0 + 45 * S, origin: 'ccusage', tokens: 650, blockStart, blockEnd: blockStart + 5 * 60 * MIN, freshMs: 30 * S });
  assert.equal(e.snapshot(T0 + 55 * S).window_5h_tokens, 700);
  // "No active block" from the other tool means an empty tank, not the local figure.
  e.apply({ kind: 'window', at: T0 + 60 * S, origin: 'ccusage', tokens: 0, blockStart: null, blockEnd: null, freshMs: 30 * S });
  const empty = e.snapshot(T0 + 61 * S);
  assert.equal(empty.window_5h_tokens, 0);
  assert.equal(empty.window_5h_block_start, null);
  assert.equal(empty.window_5h_tokens_from, 'ccusage');
});

test('a source that cannot know thinking (telemetry) reads 0 and says none, not an estimate of all output', () => {
  const e = new Engine(settings());
  e.apply(resp('a', T0, { output: 500 }, { noThinking: true }));
  const s = e.snapshot(T0 + S);
  assert.equal(s.thinking_ratio, 0);
  assert.equal(s.thinking_source, 'none');
  e.apply(resp('b', T0 + S, { output: 100 }, { thinkingReported: 40 }));
  const mixed = e.snapshot(T0 + 2 * S);
  assert.equal(mixed.thinking_source, 'reported');
  assert.equal(mixed.thinking_ratio, 40 / 600);
});
