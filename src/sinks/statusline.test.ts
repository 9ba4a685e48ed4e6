import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LimitsEvent } from '../core/events.js';
import type { Snapshot } from '../core/snapshot.js';
import { DEFAULT_FORMAT, SEGMENTS, type SegmentName } from '../config/statusline-format.js';
import { Engine } from '../engine/engine.js';
import { sessionContext } from '../statusline/context.js';
import { renderStatusline, SEGMENT_RENDERERS, type StatuslineInput } from './statusline.js';
import { FORMAT_EXAMPLES, SEGMENT_HELP, statuslineHelp } from './statusline-help.js';

// Times in the local time zone, as the line shows them: 14:00 now, the window resets at 16:20.
const NOW = new Date(2026, 0, 15, 14, 0).getTime();
const at = (h: number, m: number) => new Date(2026, 0, 15, h, m).getTime();
const INPUT: StatuslineInput = { model: { display_name: 'Opus 4.6', id: 'claude-opus-4-6' } };
const LIMITS: LimitsEvent = {
  kind: 'limits',
  at: NOW,
  fiveHour: { usedPercentage: 37, resetsAt: at(16, 20) },
  sevenDay: { usedPercentage: 12, resetsAt: at(16, 20) + 5 * 86_400_000 },
};

/** The engine's own snapshot of nothing (today's defaults for the new figures), with the figures a test sets. */
function snap(over: Partial<Snapshot> = {}): Snapshot {
  const base = new Engine({ ceiling: 'auto', defaultCeiling: 50e6, redline: 1e6, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false }).snapshot(NOW);
  return { ...base, ...over };
}

/** A busy moment: what the README's examples show. */
const BUSY = snap({
  rate_1m: 512_000, tokens_5m: 2e6, cache_hit_rate: 0.93, window_5h_tokens: 9e6, window_5h_pct: 0.41,
  burn_rate_tpm: 480_000, window_5h_empty_at: new Date(at(15, 5)).toISOString(), window_5h_runs_out: true,
  cost_block_usd: 4.12, cost_today_usd: 18.4, cost_burn_usd_per_h: 9.83,
  seven_day_tokens: 48.2e6, seven_day_ceiling: 344e6, seven_day_estimate_pct: 0.14,
  context_tokens: 124_000, context_window: 200_000, context_pct: 0.62, context_warn: false, context_model: 'claude-opus-4-6',
});

const render = (format: readonly SegmentName[], s: Snapshot | null = BUSY, limits: LimitsEvent | null = LIMITS, input: StatuslineInput | null = INPUT) =>
  renderStatusline(input, limits, s, NOW, { format });

test("the default format is today's line, figure for figure", () => {
  const today = snap({ rate_1m: 512_000, tokens_5m: 2e6, cache_hit_rate: 0.93, window_5h_tokens: 9e6, window_5h_pct: 0.41 });
  const cases: [LimitsEvent | null, Snapshot | null, string][] = [
    [LIMITS, today, 'Opus 4.6 · 5h 37% until 16:20 · 7d 12% · 512.0k tok/min · cache 93%'],
    [null, today, 'Opus 4.6 · 5h ~41% · 512.0k tok/min · cache 93%'],
    [LIMITS, null, 'Opus 4.6 · 5h 37% until 16:20 · 7d 12%'],
    [{ ...LIMITS, fiveHour: { usedPercentage: 37, resetsAt: NOW - 1 } }, null, 'Opus 4.6 · 5h 37% · 7d 12%'],
    [null, snap({ hot: true, warn: true, stall: true, idle: true }), 'Opus 4.6 · 0 tok/min · HOT WARN STALL'],
    [null, null, 'Opus 4.6'],
  ];
  for (const [limits, s, line] of cases) {
    assert.equal(renderStatusline(INPUT, limits, s, NOW), line);
    assert.equal(render(DEFAULT_FORMAT, s, limits), line, 'the default spelled out prints the same');
  }
  assert.equal(renderStatusline(null, null, null, NOW), 'claude-gauge', 'nothing at all: the name, never an empty line');
});

test('each segment alone', () => {
  const alone: Record<SegmentName, string> = {
    model: 'Opus 4.6',
    '5h': '5h 37% until 16:20',
    range: 'empty 15:05',
    '7d': '7d 12%',
    cost: '$4.12 · $9.8/h',
    context: 'ctx 62%',
    tach: '512.0k tok/min',
    cache: 'cache 93%',
    lamps: 'claude-gauge', // none lit: the segment is left out
  };
  for (const name of SEGMENTS) assert.equal(render([name]), alone[name], name);
  assert.equal(render(['lamps'], { ...BUSY, hot: true, stall: true }), 'HOT STALL');
});

test('the format orders the segments', () => {
  assert.equal(render(['cost', 'model', 'range']), '$4.12 · $9.8/h · Opus 4.6 · empty 15:05');
  assert.equal(render(['range', 'cost', 'model']), 'empty 15:05 · $4.12 · $9.8/h · Opus 4.6');
  assert.equal(render([...SEGMENTS]).split(' · ').length, 9, 'eight with something to show (no lamp lit), cost in two parts');
});

test('range: empty at a time, empty now, lasts to reset; nothing without an open window', () => {
  const open = { ...BUSY, window_5h_resets_at: new Date(at(16, 20)).toISOString() };
  assert.equal(render(['range'], { ...open, window_5h_runs_out: false, window_5h_empty_at: new Date(at(17, 0)).toISOString() }), 'lasts to reset');
  assert.equal(render(['range'], { ...BUSY, window_5h_empty_at: new Date(NOW - 60_000).toISOString() }), 'empty now');
  assert.equal(render(['range'], { ...open, window_5h_runs_out: false, window_5h_empty_at: null }), 'lasts to reset', 'no burn: the window lasts');
  assert.equal(render(['range'], { ...BUSY, window_5h_runs_out: false, window_5h_empty_at: null }), 'claude-gauge', 'no open window: nothing to say');
  assert.equal(render(['model', 'range', 'tach'], { ...BUSY, window_5h_runs_out: false, window_5h_empty_at: null, window_5h_resets_at: null }), 'Opus 4.6 · 512.0k tok/min');
});

test("7d: Claude Code's figure, else the estimate marked ~ (from a learned ceiling), else nothing: the default line stays as it was", () => {
  assert.equal(render(['7d'], BUSY, null), '7d ~14%');
  assert.equal(render(['model', '7d'], { ...BUSY, seven_day_estimate_pct: null }, null), 'Opus 4.6', 'local tokens alone are for watch');
  assert.equal(render(['model', '7d'], null, null), 'Opus 4.6');
});

test('cost: block, then the burn when there is one; nothing while no price is known', () => {
  assert.equal(render(['cost'], { ...BUSY, cost_burn_usd_per_h: 0 }), '$4.12');
  assert.equal(render(['cost'], { ...BUSY, cost_burn_usd_per_h: null }), '$4.12');
  assert.equal(render(['cost'], { ...BUSY, cost_block_usd: 1234.5, cost_burn_usd_per_h: 250.4 }), '$1234.50 · $250/h');
  assert.equal(render(['model', 'cost'], { ...BUSY, cost_block_usd: null }), 'Opus 4.6');
});

test("context: this session's figure from stdin beats the daemon's; flagged when near compaction", () => {
  assert.equal(render(['context'], { ...BUSY, context_pct: 0.91, context_warn: true }), 'ctx 91%!');
  assert.equal(render(['model', 'context'], { ...BUSY, context_pct: null }), 'Opus 4.6');
  const stdin = { context_window: { context_window_size: 200_000, current_usage: { input_tokens: 4000, cache_creation_input_tokens: 6000, cache_read_input_tokens: 160_000 } } };
  const line = (input: unknown, s: Snapshot | null = BUSY) => renderStatusline(INPUT, LIMITS, s, NOW, { format: ['context'], context: sessionContext(input) });
  assert.equal(line(stdin), 'ctx 85%!', "170k of 200k: this session's, not the daemon's 62 %");
  assert.equal(line(stdin, null), 'ctx 85%!', 'no daemon needed');
  assert.equal(line({ context_window: 'lots' }), 'ctx 62%', 'junk on stdin: the daemon figure');
  assert.equal(line({ context_window: { context_window_size: 200_000, current_usage: null } }), 'claude-gauge', "no request yet in this session: nothing, not another session's figure");
  assert.equal(line({ exceeds_200k_tokens: true }), 'ctx >200k!');
});

test('figures a daemon did not write (an older version) are left out, never shown as NaN or undefined', () => {
  const old = { ...BUSY } as Record<string, unknown>;
  for (const k of ['window_5h_empty_at', 'window_5h_runs_out', 'cost_block_usd', 'cost_burn_usd_per_h', 'seven_day_tokens', 'seven_day_estimate_pct', 'context_pct', 'context_warn']) delete old[k];
  const line = render([...SEGMENTS], old as unknown as Snapshot, null);
  assert.equal(line, 'Opus 4.6 · 5h ~41% · 512.0k tok/min · cache 93%');
  const junk = { ...BUSY, window_5h_empty_at: 'soon', cost_block_usd: NaN, seven_day_estimate_pct: Infinity, seven_day_tokens: -5, context_pct: '62' } as unknown as Snapshot;
  assert.equal(render(['range', 'cost', '7d', 'context'], junk, null), 'claude-gauge');
});

test('the examples in --help and the README print what they say', () => {
  for (const e of FORMAT_EXAMPLES) assert.equal(render(e.format.split(',') as SegmentName[]), e.output, e.format);
  assert.equal(FORMAT_EXAMPLES[0].format, DEFAULT_FORMAT.join(','), 'the first example is the default');
  const help = statuslineHelp(80);
  for (const l of help) assert.ok(l.length <= 80, `help line over 80 columns: ${l}`);
  for (const name of SEGMENTS) {
    assert.ok(help.some((l) => l.startsWith(`  ${name} `)), `--help lists ${name}`);
    assert.ok(SEGMENT_HELP[name] && SEGMENT_RENDERERS[name], name);
  }
});
