// The words of the cluster's gauges (web/gauges.js, the page's own module, run here in Node): the
// odometers' texts and the tooltips' range, cost, seven days and ceiling basis, with unknown
// figures left out rather than shown as blanks.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { P90_MIN_BLOCKS } from '../src/engine/ceiling.js';
import { ROOT } from './helpers/cli.js';

const { GAUGES } = await import(new URL(`file://${path.join(ROOT, 'web', 'gauges.js')}`).href);
const gauge = (id: string) => GAUGES.find((g: { id: string }) => g.id === id);
const hhmm = (ms: number) => `${String(new Date(ms).getHours()).padStart(2, '0')}:${String(new Date(ms).getMinutes()).padStart(2, '0')}`;

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

/** A /usage payload of an estimate-driven window, nothing priced and no context yet. */
function payload(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    window_5h_pct: 0.4,
    window_5h_source: 'estimate',
    window_5h_estimate_pct: 0.4,
    window_5h_tokens: 4_000_000,
    window_5h_ceiling: 10_000_000,
    window_5h_ceiling_source: 'configured',
    window_5h_ceiling_blocks: null,
    window_5h_block_start: iso(NOW - 3_600_000),
    window_5h_resets_at: iso(NOW + 4 * 3_600_000),
    window_5h_runs_out: false,
    window_5h_empty_at: null,
    burn_rate_tpm: 0,
    seven_day_pct: null,
    seven_day_tokens: 0,
    seven_day_ceiling: null,
    seven_day_estimate_pct: null,
    cost_block_usd: null,
    cost_today_usd: null,
    cost_burn_usd_per_h: null,
    context_pct: null,
    context_tokens: null,
    context_window: null,
    context_warn: false,
    context_model: null,
    rate_1m: 0,
    tokens_5m: 0,
    tach_redline: 1_000_000,
    thinking_ratio: 0,
    thinking_source: 'none',
    ...extra,
  };
}

const fuelWords = (p: object) => gauge('fuel').describe(p).join('\n');

test('the range odometer: EMPTY at the local time while the window runs out, LASTS TO RESET while it lasts, a dim dash with no window', () => {
  const range = gauge('fuel').odometer;
  const at = NOW + 42 * 60_000;
  assert.deepEqual(range.show(payload({ window_5h_runs_out: true, window_5h_empty_at: iso(at) })), { text: `EMPTY ${hhmm(at)}`, alarm: true, say: `range: empty at ${hhmm(at)}, before the reset` });
  assert.equal(range.show(payload()).text, 'LASTS TO RESET');
  assert.ok(!range.show(payload()).alarm);
  // A projection past the reset still lasts.
  assert.equal(range.show(payload({ window_5h_empty_at: iso(NOW + 9 * 3_600_000), burn_rate_tpm: 5000 })).text, 'LASTS TO RESET');
  const none = range.show(payload({ window_5h_block_start: null, window_5h_resets_at: null }));
  assert.equal(none.text, '—');
  assert.equal(none.dim, true);
  assert.equal(range.show(null).text, '—', 'no payload (the link down): nothing to say');
});

test('the context odometer: CTX and the whole percentage, an alarm near compaction, a dim blank before one is known', () => {
  const ctx = gauge('temp').odometer;
  assert.deepEqual(ctx.show(payload({ context_pct: 0.615, context_warn: false })), { text: 'CTX 62%', alarm: false, say: 'context 62% full' });
  assert.equal(ctx.show(payload({ context_pct: 0.86, context_warn: true })).alarm, true);
  assert.deepEqual(ctx.show(payload()), { text: 'CTX --', dim: true, say: 'context: not known' });
  assert.equal(ctx.show(null).text, 'CTX --');
});

test('the fuel tooltip: range in words, cost at list prices with unknown figures left out, seven days by the best source there is', () => {
  const empty = NOW + 30 * 60_000;
  const reset = NOW + 4 * 3_600_000;
  const out = fuelWords(payload({ window_5h_runs_out: true, window_5h_empty_at: iso(empty), window_5h_resets_at: iso(reset), burn_rate_tpm: 480_000 }));
  assert.ok(out.includes(`Range: at 480k tok/min the window empties at ${hhmm(empty)}, before its reset at ${hhmm(reset)}.`), out);
  assert.ok(fuelWords(payload({ burn_rate_tpm: 12_000 })).includes(`Range: at 12k tok/min it lasts to its reset at ${hhmm(reset)}.`));
  assert.ok(fuelWords(payload()).includes(`Range: with nothing burning it lasts to its reset at ${hhmm(reset)}.`));
  assert.ok(!fuelWords(payload({ window_5h_resets_at: null, window_5h_block_start: null })).includes('Range:'), 'no window, no range');

  assert.ok(!fuelWords(payload()).includes('Cost'), 'no price known: no cost line');
  assert.ok(fuelWords(payload({ cost_block_usd: 4.1234, cost_today_usd: 18.4, cost_burn_usd_per_h: 9.8 })).includes('Cost: $4.12 this block · $18.40 today · $9.80/h at list prices.'));
  assert.ok(fuelWords(payload({ cost_today_usd: 0 })).includes('Cost: $0.00 today at list prices.'), 'a known zero is shown, the unknowns are not');

  assert.ok(fuelWords(payload({ seven_day_pct: 0.14, seven_day_estimate_pct: 0.2, seven_day_tokens: 48_200_000 })).includes("7-day window: 14% (Claude Code's figure); 48,200,000 tokens counted here."));
  const est = fuelWords(payload({ seven_day_estimate_pct: 0.2, seven_day_ceiling: 241_000_000, seven_day_tokens: 48_200_000 }));
  assert.ok(est.includes('7-day window: ~20% (local estimate: 48,200,000 tokens counted here ÷ a weekly ceiling of 241,000,000'), est);
  const local = fuelWords(payload({ seven_day_tokens: 48_200_000 }));
  assert.ok(local.includes('7 days: 48,200,000 tokens counted here.') && !local.includes('~'), local);
  assert.ok(!fuelWords(payload()).includes('7 d'), 'nothing in seven days: no line');
});

test("the auto ceiling's basis, as the engine chooses it: the P90 from as many finished blocks as it needs, the largest below that", () => {
  const words = (blocks: number | null) => fuelWords(payload({ window_5h_ceiling_source: 'auto', window_5h_ceiling_blocks: blocks }));
  assert.ok(words(37).includes('ceiling 10,000,000 tokens (auto: P90 of 37 finished blocks)'), words(37));
  assert.ok(words(P90_MIN_BLOCKS).includes(`P90 of ${P90_MIN_BLOCKS} finished blocks`), 'the engine takes the P90 from this many blocks on');
  assert.ok(words(P90_MIN_BLOCKS - 1).includes(`the largest of ${P90_MIN_BLOCKS - 1} finished blocks`), 'and the largest below it');
  assert.ok(words(1).includes('the largest of 1 finished block,'));
  assert.ok(fuelWords(payload({ window_5h_ceiling_source: 'configured' })).includes('(configured)'));
});

test('the tach tooltip has the burn and its cost; the THINKING tooltip explains CTX', () => {
  const tach = gauge('tach').describe(payload({ burn_rate_tpm: 63_412, cost_burn_usd_per_h: 9.8 })).join('\n');
  assert.ok(tach.includes('Burn: 63,412 tokens/min over the last 15 minutes') && tach.includes('$9.80/h at list prices'), tach);
  assert.ok(!gauge('tach').describe(payload({ burn_rate_tpm: 5 })).join('\n').includes('/h at list prices'), 'no price, no dollars');
  const temp = gauge('temp').describe(payload({ context_pct: 0.85, context_tokens: 170_000, context_window: 200_000, context_warn: true, context_model: 'claude-opus-4-6' })).join('\n');
  assert.ok(temp.includes('CTX: the context of the session active last is 85% full: 170,000 of 200,000 tokens (claude-opus-4-6). Near compaction'), temp);
});
