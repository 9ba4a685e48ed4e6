// /metrics rendering, checked by the real `promtool check metrics` (Debian package prometheus).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Engine } from '../engine/engine.js';
import { processStats, renderMetrics } from './metrics.js';
import type { Snapshot } from '../core/snapshot.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

function snapshot(): Snapshot {
  const e = new Engine({ ceiling: 'auto', defaultCeiling: 1_000_000, redline: 1000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
  e.apply({
    kind: 'response', key: 'a', at: T0, model: 'claude-opus-4-6', session: 's',
    tokens: { input: 100, output: 400, cacheCreation: 50, cacheRead: 900 },
    thinkingReported: 100, visibleChars: 0, synthetic: false, sidechain: false, speed: false,
  });
  e.apply({ kind: 'limits', at: T0, fiveHour: { usedPercentage: 37, resetsAt: T0 + 3_600_000 }, sevenDay: { usedPercentage: 12, resetsAt: T0 + 86_400_000 } });
  return { ...e.snapshot(T0 + 10_000), seq: 7 };
}

const promtool = spawnSync('promtool', ['--version']).status === 0;
const skip = !promtool && !process.env.CI ? 'promtool missing (apt-get install prometheus)' : false;

// promtool exits 1 on a parse error and 3 on lint findings. One finding is a false positive:
// the name claude_gauge_* holds the word "gauge" (the project's name, not the metric type).
const PREFIX_LINT = /^claude_gauge_(?:(?!gauge)[a-z0-9_])+ metric name should not include type 'gauge'$/;

function check(text: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const findings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !PREFIX_LINT.test(l));
  return { status: r.status === 3 && findings.length === 0 ? 0 : r.status, out: findings.join('\n') };
}

test('the snapshot renders as the gauge values, lamps, model info and source health', () => {
  const text = renderMetrics({ snapshot: snapshot(), version: '1.2.3', sources: [{ kind: 'otlp', ok: false, problems: ['x'], files: 0, records: 5, skipped_lines: 2, backfill: { done: true, files_done: 0, files_total: 0 } }] });
  const line = (l: string) => assert.ok(text.split('\n').includes(l), `missing ${l}\n${text}`);
  line('claude_gauge_rate_tokens_per_minute 1450');
  line('claude_gauge_window_5h_tokens 1450');
  line('claude_gauge_window_5h_ratio{source="statusline"} 0.37');
  line('claude_gauge_window_5h_ratio{source="estimate"} 0.00145');
  line('claude_gauge_thinking_ratio 0.25');
  line('claude_gauge_cache_hit_ratio 0.8571428571428571');
  line('claude_gauge_lamp{lamp="hot"} 1');
  line('claude_gauge_lamp{lamp="stall"} 0');
  line('claude_gauge_last_model_info{family="opus",model="claude-opus-4-6"} 1');
  line('claude_gauge_seven_day_ratio 0.12');
  line('claude_gauge_snapshot_seq 7');
  line('claude_gauge_source_up{source="otlp"} 0');
  line('claude_gauge_source_records_total{source="otlp"} 5');
  line('claude_gauge_source_skipped_lines_total{source="otlp"} 2');
  line('claude_gauge_build_info{version="1.2.3"} 1');
});

test('claude_gauge_window_5h_runs_out is 1 while the window runs out before it resets, else 0', () => {
  const value = (s: Snapshot) => renderMetrics({ snapshot: s }).split('\n').filter((l) => l.startsWith('claude_gauge_window_5h_runs_out'));
  assert.deepEqual(value({ ...snapshot(), window_5h_runs_out: false }), ['claude_gauge_window_5h_runs_out 0']);
  assert.deepEqual(value({ ...snapshot(), window_5h_runs_out: true }), ['claude_gauge_window_5h_runs_out 1']);
  assert.match(renderMetrics({ snapshot: snapshot() }), /# TYPE claude_gauge_window_5h_runs_out gauge\n/);
});

test('label values are escaped', () => {
  const s = { ...snapshot(), last_model_id: 'we"ird\\model\nx' };
  const text = renderMetrics({ snapshot: s });
  assert.ok(text.includes('model="we\\"ird\\\\model\\nx"'));
});

test('promtool accepts the output, process stats included', { skip }, () => {
  const text = renderMetrics({ snapshot: snapshot(), process: processStats(), version: '0.1.0' });
  const r = check(text);
  assert.equal(r.status, 0, r.out);
  assert.equal(r.out.trim(), '', `lint findings:\n${r.out}`);
});

test('promtool accepts an empty engine\'s snapshot (no model, no activity)', { skip }, () => {
  const e = new Engine({ ceiling: 'auto', defaultCeiling: 1, redline: 1, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false });
  const text = renderMetrics({ snapshot: e.snapshot(T0) });
  assert.ok(!text.includes('last_model_info'));
  const r = check(text);
  assert.equal(r.status, 0, r.out);
});

test('promtool really rejects broken text (the check is not a no-op)', { skip }, () => {
  assert.equal(check('claude_gauge_x{a="b} 1\n').status, 1);
  const lint = check('# HELP claude_gauge_x_ms x\n# TYPE claude_gauge_x_ms counter\nclaude_gauge_x_ms 1\n');
  assert.equal(lint.status, 3);
  assert.match(lint.out, /_total/);
});

test('a hybrid setup shows its window source: up, age, and whether it is the one counting; promtool accepts it', { skip }, () => {
  const e = new Engine({ ceiling: 'auto', defaultCeiling: 1_000_000, redline: 1000, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
  e.apply({ kind: 'window', at: T0, origin: 'ccusage', tokens: 5000, blockStart: T0, blockEnd: T0 + 5 * 3_600_000, freshMs: 30_000 });
  e.setFuelHealth({ kind: 'ccusage', ok: true, problems: [] });
  const fresh = renderMetrics({ snapshot: e.snapshot(T0 + 12_000) });
  for (const l of ['claude_gauge_fuel_source_up{source="ccusage"} 1', 'claude_gauge_fuel_source_age_seconds{source="ccusage"} 12', 'claude_gauge_window_5h_tokens_external{source="ccusage"} 1', 'claude_gauge_window_5h_tokens 5000']) {
    assert.ok(fresh.split('\n').includes(l), `missing ${l}\n${fresh}`);
  }
  e.setFuelHealth({ kind: 'ccusage', ok: false, problems: ['gone'] });
  const stale = renderMetrics({ snapshot: e.snapshot(T0 + 60_000) });
  assert.ok(stale.split('\n').includes('claude_gauge_fuel_source_up{source="ccusage"} 0'));
  assert.ok(stale.split('\n').includes('claude_gauge_window_5h_tokens_external{source="ccusage"} 0'));
  assert.equal(check(fresh).status, 0, check(fresh).out);
});
