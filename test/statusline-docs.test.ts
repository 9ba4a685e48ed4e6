// The README's statusline and watch examples are what the code prints: rendered here and compared.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SEGMENTS } from '../src/config/statusline-format.js';
import { Engine } from '../src/engine/engine.js';
import { FORMAT_EXAMPLES } from '../src/sinks/statusline-help.js';
import { detailLines } from '../src/sinks/terminal/details.js';
import { snapshotLine } from '../src/sinks/terminal/line.js';
import { ROOT } from './helpers/cli.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the README lists every statusline segment and each example format with its output', () => {
  for (const name of SEGMENTS) assert.ok(readme.includes(`| \`${name}\` |`), `README's segment table has ${name}`);
  for (const e of FORMAT_EXAMPLES) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${e.format}\``));
    assert.ok(row?.includes(`\`${e.output}\``), `README shows ${e.format} printing ${e.output}`);
  }
});

test("the README's watch example is what watch prints for those figures", () => {
  const at = new Date(2026, 0, 15, 14, 0, 7).getTime();
  const base = new Engine({ ceiling: 'auto', defaultCeiling: 50e6, redline: 1e6, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false }).snapshot(at);
  const s = {
    ...base, last_model: 'opus' as const, window_5h_source: 'statusline' as const, window_5h_pct: 0.37, window_5h_tokens: 9e6,
    rate_1m: 512_000, thinking_ratio: 0.12, thinking_source: 'reported' as const, cache_hit_rate: 0.93, tokens_5m: 2e6, idle: false,
    window_5h_empty_at: new Date(2026, 0, 15, 14, 32).toISOString(), window_5h_runs_out: true,
    cost_block_usd: 4.12, cost_today_usd: 18.4, cost_burn_usd_per_h: 9.83, seven_day_tokens: 48.2e6, seven_day_estimate_pct: 0.14,
    context_pct: 0.62, context_warn: false, context_model: 'claude-opus-4-6',
  };
  const printed = [snapshotLine(s), ...detailLines(s)].join('\n');
  assert.ok(readme.includes('```text\n' + printed + '\n```'), `README shows:\n${printed}`);
});
