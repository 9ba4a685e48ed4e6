import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockEntry, PriceFn } from '../core/blocks.js';
import type { LimitsEvent, ResponseEvent, Tokens } from '../core/events.js';
import { Engine, type EngineSettings } from './engine.js';
import { burn, range } from './range.js';
import { sevenDayStart, WEEK_MS } from './outlook.js';
import { windowOf } from './context.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;

const settings = (o: Partial<EngineSettings> = {}): EngineSettings => ({
  ceiling: 1_000_000, defaultCeiling: 1, redline: 10_000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true, timeZone: 'UTC', ...o,
});

function resp(key: string, at: number, t: Partial<Tokens>, extra: Partial<ResponseEvent> = {}): ResponseEvent {
  return {
    kind: 'response', key, at, model: 'claude-sonnet-4-5', session: 's',
    tokens: { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, ...t },
    thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false, ...extra,
  };
}

const entry = (at: number, input: number): BlockEntry => ({ at, model: 'm', tokens: { input, output: 0, cacheCreation: 0, cacheRead: 0 } });
/** A price the test can compute by hand: a micro-dollar per token, 2 per output token. */
const price: PriceFn = (e) => (e.tokens.input + e.tokens.cacheCreation + e.tokens.cacheRead + 2 * e.tokens.output) / 1e6;

test('the burn is the last 15 minutes per minute, with one burst minute counted no higher than the next busiest', () => {
  const now = T0 + 30 * MIN;
  const steady = Array.from({ length: 15 }, (_, i) => entry(now - i * MIN - 30 * S, 1000));
  assert.equal(burn(steady, T0, now).tokensPerMinute, 1000);
  // A resumed session writes 900k of cache in one minute: as a pace it counts like the next busiest minute.
  const burst = [...steady.slice(1), entry(now - 30 * S, 900_000)].sort((a, b) => a.at - b.at);
  assert.equal(burn(burst, T0, now).tokensPerMinute, 1000);
  // Two busy minutes are a pace: both count.
  const two = [...steady.slice(2), entry(now - 30 * S, 900_000), entry(now - 90 * S, 900_000)].sort((a, b) => a.at - b.at);
  assert.equal(burn(two, T0, now).tokensPerMinute, (13 * 1000 + 2 * 900_000) / 15);
  // Work that began 3 minutes ago is divided by 3 minutes, not 15.
  const fresh = [entry(now - 2.5 * MIN, 600), entry(now - 1.5 * MIN, 600), entry(now - 0.5 * MIN, 600)];
  assert.equal(burn(fresh, now - 3 * MIN, now).tokensPerMinute, 600);
  // Nothing older than 15 minutes counts.
  assert.equal(burn([entry(now - 16 * MIN, 1e6)], T0, now).tokensPerMinute, 0);
});

test('range: the time the window reaches 100 % at the burn, and whether that is before the reset', () => {
  const now = T0;
  // Half full, 1 % of the ceiling per minute: 50 minutes to empty.
  assert.deepEqual(range(0.5, 1 / 100_000, 1000, now + 2 * H, now), { emptyAt: now + 50 * MIN, runsOut: true });
  assert.deepEqual(range(0.5, 1 / 100_000, 1000, now + 40 * MIN, now), { emptyAt: now + 50 * MIN, runsOut: false });
  assert.deepEqual(range(0.5, 1 / 100_000, 0, now + 2 * H, now), { emptyAt: null, runsOut: false }, 'no burn: lasts to the reset');
  assert.deepEqual(range(1, 1 / 100_000, 0, now + 2 * H, now), { emptyAt: now, runsOut: true }, 'already empty');
  assert.deepEqual(range(0.5, 1 / 100_000, 1000, null, now), { emptyAt: null, runsOut: false }, 'no window');
  // Claude Code's share at a denormal percentage (fuzzing found 3.705e-321 %): the pace never reaches 100 %.
  assert.deepEqual(range(3.705e-323, 3.705e-323, 1, now + 2 * H, now), { emptyAt: null, runsOut: false }, 'too slow for any date');
  assert.deepEqual(range(0, 1e-18, 1, now + 2 * H, now), { emptyAt: null, runsOut: false }, 'past the last date');
});

test('the snapshot projects the local block against its ceiling, and WARN-flash state follows it', () => {
  const e = new Engine(settings({ ceiling: 100_000 }));
  // 30 minutes of 1,000 tokens a minute: 30 % of the ceiling, burning 1 % a minute, 70 minutes to go.
  for (let i = 0; i < 30; i++) e.apply(resp(`r${i}`, T0 + i * MIN + 10 * S, { input: 1000 }));
  const now = T0 + 30 * MIN;
  const s = e.snapshot(now);
  assert.equal(s.window_5h_tokens, 30_000);
  assert.equal(s.burn_rate_tpm, 1000);
  assert.equal(s.window_5h_empty_at, new Date(now + 70 * MIN).toISOString());
  assert.equal(s.window_5h_runs_out, true, 'the block (10:00-15:00) resets long after 11:40');
  // An hour of silence: no burn, the window lasts to its reset.
  const later = e.snapshot(now + H);
  assert.equal(later.burn_rate_tpm, 0);
  assert.equal(later.window_5h_empty_at, null);
  assert.equal(later.window_5h_runs_out, false);
});

test("with Claude Code's own percentage the range scales local tokens by the share they moved it", () => {
  const e = new Engine(settings({ ceiling: 100_000_000 }));
  for (let i = 0; i < 15; i++) e.apply(resp(`r${i}`, T0 + i * MIN + 10 * S, { input: 2000 }));
  const now = T0 + 15 * MIN;
  const limits: LimitsEvent = { kind: 'limits', at: now, fiveHour: { usedPercentage: 60, resetsAt: now + 3 * H }, sevenDay: null };
  e.apply(limits);
  const s = e.snapshot(now);
  // 30,000 tokens moved it to 60 %: each token is 0.002 %; 2,000 a minute is 4 % a minute; 40 % left is 10 minutes.
  assert.equal(s.window_5h_source, 'statusline');
  assert.equal(s.window_5h_empty_at, new Date(now + 10 * MIN).toISOString());
  assert.equal(s.window_5h_runs_out, true);
});

test('auto is the P90 of the finished blocks: one outlier block does not move it', () => {
  const e = new Engine(settings({ ceiling: 'auto', defaultCeiling: 7 }));
  const sizes = [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 5000].map((k) => k * 1000);
  sizes.forEach((t, i) => e.apply(resp(`b${i}`, T0 + i * DAY, { input: t })));
  const s = e.snapshot(T0 + sizes.length * DAY);
  const sorted = [...sizes].sort((a, b) => a - b);
  assert.equal(s.window_5h_ceiling, sorted[Math.ceil(0.9 * sorted.length) - 1]);
  assert.equal(s.window_5h_ceiling, 190_000);
  assert.equal(s.window_5h_ceiling_source, 'auto');
  assert.equal(s.window_5h_ceiling_blocks, 11);
  // Below five finished blocks: the largest, as before.
  const few = new Engine(settings({ ceiling: 'auto', defaultCeiling: 7 }));
  [100_000, 300_000].forEach((t, i) => few.apply(resp(`f${i}`, T0 + i * DAY, { input: t })));
  assert.equal(few.snapshot(T0 + 3 * DAY).window_5h_ceiling, 300_000);
  assert.equal(new Engine(settings({ ceiling: 'auto', defaultCeiling: 7 })).snapshot(T0).window_5h_ceiling_source, 'default');
});

test('auto looks at the last 30 days, or the 20 newest blocks when those are fewer', () => {
  const e = new Engine(settings({ ceiling: 'auto', defaultCeiling: 7 }));
  // 25 huge blocks long ago, then 25 small ones, one a day, in the last 25 days.
  for (let i = 0; i < 25; i++) e.apply(resp(`old${i}`, T0 + i * DAY, { input: 9_000_000 }));
  const recent = T0 + 200 * DAY;
  for (let i = 0; i < 25; i++) e.apply(resp(`new${i}`, recent + i * DAY, { input: 100_000 + i }));
  const s = e.snapshot(recent + 25 * DAY);
  assert.equal(s.window_5h_ceiling_blocks, 25);
  assert.ok(s.window_5h_ceiling < 200_000, `the old heavy blocks no longer count: ${s.window_5h_ceiling}`);
});

test('cost: the block, today from local midnight, and the burn per hour, at the injected prices', () => {
  const e = new Engine(settings({ ceiling: 1e9, timeZone: 'America/Los_Angeles' }));
  // 2026-03-02 10:00Z is 02:00 in Los Angeles: 09:00Z is the previous local day.
  e.apply(resp('yesterday', Date.parse('2026-03-02T07:30:00Z'), { input: 1_000_000 }));
  e.apply(resp('today1', Date.parse('2026-03-02T08:30:00Z'), { input: 2_000_000 }));
  for (let i = 0; i < 15; i++) e.apply(resp(`t${i}`, T0 + i * MIN + 10 * S, { input: 1000, output: 500 }));
  const now = T0 + 15 * MIN;
  assert.equal(e.snapshot(now).cost_today_usd, null, 'no prices yet');
  e.setPrice(price);
  const s = e.snapshot(now);
  const perMinute = (1000 + 2 * 500) / 1e6;
  assert.equal(s.cost_today_usd, round4(2 + 15 * perMinute), 'from 08:00Z (local midnight), not the response at 07:30Z');
  assert.equal(s.window_5h_block_start, '2026-03-02T07:00:00.000Z');
  assert.equal(s.cost_block_usd, round4(1 + 2 + 15 * perMinute));
  assert.equal(s.cost_burn_usd_per_h, round4(perMinute * 60));
});

test('the seven-day figure: the last 7 x 24 h, or the weekly window anchored at Claude Code\'s reset; a ceiling is learned from its percentage', () => {
  const e = new Engine(settings({ ceiling: 1e9 }));
  e.apply(resp('eight-days', T0 - 8 * DAY, { input: 5_000 }));
  e.apply(resp('six-days', T0 - 6 * DAY, { input: 40_000 }));
  e.apply(resp('two-days', T0 - 2 * DAY, { input: 60_000 }));
  e.apply(resp('now', T0 - MIN, { input: 100 }));
  assert.equal(e.snapshot(T0).seven_day_tokens, 100_100);
  assert.equal(e.snapshot(T0).seven_day_ceiling, null);
  // Claude Code: 25 % used, resets in 3 days (the window opened 4 days ago): 60,100 tokens there.
  const resetsAt = T0 + 3 * DAY;
  e.apply({ kind: 'limits', at: T0, fiveHour: null, sevenDay: { usedPercentage: 25, resetsAt } });
  const s = e.snapshot(T0);
  assert.equal(s.seven_day_ceiling, 60_100 * 4);
  assert.equal(s.seven_day_tokens, 60_100, 'the window since the weekly reset');
  assert.equal(s.seven_day_estimate_pct, 0.25);
  assert.deepEqual(e.weeklyCeiling(), { tokens: 240_400, resetsAt });
  // A week later (no fresh figure), the anchor still rolls the window over at the same hour.
  assert.equal(sevenDayStart(resetsAt + WEEK_MS + H, resetsAt), resetsAt + WEEK_MS);
  assert.equal(sevenDayStart(resetsAt - H, resetsAt), resetsAt - WEEK_MS);
});

test('a learned weekly ceiling given at start is used until a new figure is seen', () => {
  const e = new Engine(settings({ weekly: { tokens: 1_000_000, resetsAt: T0 + DAY } }));
  e.apply(resp('a', T0 - H, { input: 250_000 }));
  const s = e.snapshot(T0);
  assert.equal(s.seven_day_ceiling, 1_000_000);
  assert.equal(s.seven_day_estimate_pct, 0.25);
});

test('older history handed over counts once: its part before the boundary, the engine\'s after', () => {
  const e = new Engine(settings({ ceiling: 'auto', keepAllTicks: false }));
  const before = T0 - 10 * H;
  // The engine read a file that also holds old records (before the boundary): the summary speaks for those.
  e.apply(resp('old-in-new-file', T0 - 2 * DAY, { input: 777 }));
  e.apply(resp('current', T0 - MIN, { input: 1_000 }));
  e.noteHistory({ before, finishedBlocks: [{ start: T0 - 2 * DAY, tokens: 50_000 }], slots: [{ at: T0 - 2 * DAY, tokens: 50_000, cost: 1.5 }] }, T0);
  e.setHealth({ kind: 'transcripts', ok: true, problems: [], files: 1, records: 2, skipped_lines: 0, backfill: { done: true, files_done: 1, files_total: 1 } });
  e.compact(T0);
  e.setPrice(price);
  const s = e.snapshot(T0);
  assert.equal(s.seven_day_tokens, 51_000, 'the 777 in the engine fall before the boundary: the summary counted them');
  assert.equal(s.window_5h_ceiling, 50_000);
});

test('context: the latest main-session request against its window, 1M once a request went past 200k', () => {
  const e = new Engine(settings({ contextWarn: 0.8 }));
  e.apply(resp('a', T0, { input: 10, cacheRead: 100_000, cacheCreation: 20_000, output: 999 }));
  e.apply(resp('sub', T0 + S, { input: 190_000 }, { sidechain: true }));
  let s = e.snapshot(T0 + 2 * S);
  assert.equal(s.context_tokens, 120_010, 'input + cache read + cache write; output and subagents do not count');
  assert.equal(s.context_window, 200_000);
  assert.equal(s.context_pct, 120_010 / 200_000);
  assert.equal(s.context_warn, false);
  e.apply(resp('b', T0 + 3 * S, { input: 5, cacheRead: 165_000 }));
  s = e.snapshot(T0 + 4 * S);
  assert.equal(s.context_warn, true, '82.5 % of 200k');
  e.apply(resp('c', T0 + 5 * S, { input: 5, cacheRead: 250_000 }));
  assert.equal(e.snapshot(T0 + 6 * S).context_window, 1_000_000);
  assert.equal(windowOf('claude-sonnet-4-5[1m]', 0), 1_000_000);
  assert.equal(windowOf('claude-opus-4-6', 0), 200_000);
  assert.equal(new Engine(settings({ contextWindow: 500_000 })).snapshot(T0).context_window, null, 'nothing seen: no figure');
});

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
