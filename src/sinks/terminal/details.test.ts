import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Snapshot } from '../../core/snapshot.js';
import { Engine } from '../../engine/engine.js';
import { DETAILS_LEGEND, detailLines, WIDTH } from './details.js';
import { snapshotLine } from './line.js';

const NOW = new Date(2026, 0, 15, 14, 0).getTime();
const iso = (h: number, m: number) => new Date(2026, 0, 15, h, m).toISOString();

function snap(over: Partial<Snapshot> = {}): Snapshot {
  const base = new Engine({ ceiling: 'auto', defaultCeiling: 50e6, redline: 1e6, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false }).snapshot(NOW);
  return { ...base, ...over };
}

const BUSY = snap({
  window_5h_empty_at: iso(14, 32), window_5h_runs_out: true,
  cost_block_usd: 4.12, cost_today_usd: 18.4, cost_burn_usd_per_h: 9.83,
  seven_day_tokens: 48.2e6, seven_day_estimate_pct: 0.14,
  context_pct: 0.62, context_warn: false, context_model: 'claude-opus-4-6',
});

test('nothing to add while the snapshot holds none of the figures (the engine today, or nothing spent)', () => {
  assert.deepEqual(detailLines(snap()), []);
  assert.deepEqual(detailLines(snap({ cost_block_usd: 0, cost_today_usd: 0, seven_day_tokens: 0 })), []);
});

test('range, cost, seven days and context, packed into lines under the gauges', () => {
  const lines = detailLines(BUSY);
  assert.deepEqual(lines, [
    '          range empty at 14:32 · runs out before reset   7d ~14% · 48.2M tok',
    '          cost $4.12 block · $18.40 today · $9.8/h   ctx 62% opus-4-6',
  ]);
  assert.equal(detailLines({ ...BUSY, window_5h_runs_out: false })[0].trim().split('   ')[0], 'range lasts to reset');
  const official = detailLines({ ...BUSY, seven_day_pct: 0.12, seven_day_estimate_pct: null, cost_block_usd: null, cost_today_usd: null });
  assert.match(official.join('\n'), /7d 12% · 48\.2M tok/, "Claude Code's figure, no ~");
  assert.doesNotMatch(official.join('\n'), /cost/);
  const warn = detailLines({ ...BUSY, context_pct: 0.93, context_warn: true });
  assert.match(warn.join('\n'), /ctx 93% ! opus-4-6/);
});

test('colour marks only what to act on: running out, and a full context', () => {
  const plain = detailLines({ ...BUSY, window_5h_runs_out: false });
  assert.deepEqual(detailLines({ ...BUSY, window_5h_runs_out: false }, { color: true }), plain, 'nothing alarming: no colour');
  const lit = detailLines({ ...BUSY, context_warn: true, context_pct: 0.9 }, { color: true }).join('\n');
  assert.match(lit, /\x1b\[33mrange empty at 14:32 · runs out before reset\x1b\[0m/);
  assert.match(lit, /\x1b\[33mctx 90% ! opus-4-6\x1b\[0m/);
});

test('every line fits 80 columns, whatever the figures', () => {
  const extremes: Partial<Snapshot>[] = [
    { context_model: 'claude-' + 'x'.repeat(300), context_warn: true, context_pct: 1 },
    { context_model: '\u001b[31mred\u0007', context_pct: 0.5 },
    { cost_block_usd: 1e20, cost_today_usd: 1e21, cost_burn_usd_per_h: 1e19 },
    { cost_block_usd: 123456.789, cost_today_usd: 999999.99, cost_burn_usd_per_h: 99999.9 },
    { seven_day_tokens: 1e15, seven_day_pct: 12.5, seven_day_estimate_pct: 99 },
    { window_5h_empty_at: iso(23, 59) },
  ];
  for (const over of extremes) {
    const lines = detailLines({ ...BUSY, ...over });
    assert.ok(lines.length >= 2 && lines.length <= 4, JSON.stringify(over));
    for (const l of lines) {
      assert.ok(l.length <= WIDTH, `${l.length} columns: ${l}`);
      assert.doesNotMatch(l, /[\u0000-\u001f]|NaN|undefined/, l);
    }
  }
  assert.ok(!/[\u0000-\u001f]/.test(detailLines({ ...BUSY, context_model: '\u001b[31mred\u0007' }).join('')));
});

test('a snapshot from an older daemon, without these fields, adds nothing and breaks nothing', () => {
  const old = { ...snap() } as Record<string, unknown>;
  for (const k of ['window_5h_empty_at', 'window_5h_runs_out', 'cost_block_usd', 'cost_today_usd', 'seven_day_tokens', 'seven_day_estimate_pct', 'context_pct']) delete old[k];
  assert.deepEqual(detailLines(old as unknown as Snapshot), []);
  assert.ok(snapshotLine(old as unknown as Snapshot).startsWith(old.updated_at!.toString().slice(11, 19)));
  assert.ok(DETAILS_LEGEND.includes('range') && DETAILS_LEGEND.includes('ctx'));
});
