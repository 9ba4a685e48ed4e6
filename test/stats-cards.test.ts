// The /stats summary cards agree with each other: the seven-day card never asks for the statusline
// while the 5-hour card says its figure came through it; range cards say they count the range.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const { summaryCards } = await import(new URL(`file://${path.join(ROOT, 'web', 'stats', 'cards.js')}`).href);
const totals = { tokens: 1_234_567, responses: 1200, cost: 12.5, saved: 3.25, sessions: 7, unpriced_responses: 0 };
const projection = { projected_30d_usd: 90, burn_usd_per_day: 3 };
const live = { available: true, window_5h_pct: 0.42, window_5h_tokens: 4_200_000, window_5h_ceiling: 10_000_000, seven_day_pct: null };
const byLabel = (cards: { label: string; value: string; hint: string }[]) => Object.fromEntries(cards.map((c) => [c.label, c]));

test('statusline wired but no seven-day window sent: the seven-day card says so, not "wire the statusline"', () => {
  const c = byLabel(summaryCards(totals, { ...live, window_5h_source: 'statusline' }, projection));
  assert.match(c['5-hour window'].hint, /Claude Code's own figure/);
  assert.equal(c['seven days'].value, '–');
  assert.doesNotMatch(c['seven days'].hint, /setup statusline/);
  assert.match(c['seven days'].hint, /sent no seven-day/);
});

test('an estimate: the 5-hour card shows what it is of, and the seven-day card tells how to get it', () => {
  const c = byLabel(summaryCards(totals, { ...live, window_5h_source: 'estimate' }, projection));
  assert.equal(c['5-hour window'].value, '42.0 %');
  assert.match(c['5-hour window'].hint, /estimated: 4\.2M of 10\.0M tokens/);
  assert.match(c['seven days'].hint, /claude-gauge setup statusline/);
});

test('both figures from Claude Code: both cards say so', () => {
  const c = byLabel(summaryCards(totals, { ...live, window_5h_source: 'statusline', seven_day_pct: 0.21 }, projection));
  assert.equal(c['seven days'].value, '21.0 %');
  assert.equal(c['seven days'].hint, c['5-hour window'].hint);
});

test('range cards say they count the range; no daemon leaves the live cards blank with the reason', () => {
  const cards = summaryCards(totals, { available: false }, projection);
  const c = byLabel(cards);
  for (const l of ['tokens', 'cost', 'cache saved', 'sessions']) assert.match(c[l].hint, /in range/, l);
  assert.equal(c.sessions.value, '7');
  for (const l of ['5-hour window', 'seven days']) assert.deepEqual([c[l].value, c[l].hint], ['–', 'the daemon is not running']);
});
