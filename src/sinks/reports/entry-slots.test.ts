import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { BlockEntry } from '../../core/blocks.js';
import { entrySlots, nanos } from './entry-slots.js';

test('a cost in nano-dollars is the one SQLite makes of it (the history sums those), ties and float edges included', () => {
  const db = new Database(':memory:');
  const sql = db.prepare('SELECT CAST(round(? * 1e9) AS INTEGER)').pluck();
  const costs = [0, 1e-9, 0.5e-9, 1.5e-9, 2.5e-9, 0.49999999999999994e-9, 0.123456789, 3.0000000005, 1234.5678901234, -2.5e-9];
  let seed = 7;
  for (let i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    costs.push((seed / 2 ** 31) * 10 ** ((i % 7) - 3));
  }
  for (const c of costs) assert.equal(nanos(c), sql.get(c), `cost ${c}`);
});

test('slots: by 15-minute slot and model, placeholders left out, an unpriced response counted as such', () => {
  const t0 = Date.UTC(2026, 2, 1, 10, 0);
  const e = (at: number, model: string, cost: number | null, synthetic = false): BlockEntry => ({ at, model, tokens: { input: 1, output: 2, cacheCreation: 3, cacheRead: 4 }, synthetic, cost });
  const slots = entrySlots([e(t0, 'a', 1e-9), e(t0 + 14 * 60_000, 'a', 2e-9), e(t0 + 15 * 60_000, 'a', null), e(t0, 'b', 0.5), e(t0, '<synthetic>', 0, true)], () => assert.fail('costs are known'));
  const by = (slot: number, model: string) => slots.find((s) => s.slot === slot && s.model === model);
  const first = t0 / 900_000;
  assert.equal(slots.length, 3);
  assert.deepEqual(by(first, 'a'), { slot: first, model: 'a', session: '', project: '', input: 2, output: 4, cache_create: 6, cache_read: 8, cost_nanos: 3, n: 2, priced: 2, last: t0 + 14 * 60_000 });
  assert.equal(by(first + 1, 'a')?.priced, 0);
  assert.equal(by(first + 1, 'a')?.n, 1);
  assert.equal(by(first, 'b')?.cost_nanos, 500_000_000);
});

test('slots: an entry not priced yet is priced by the function given', () => {
  const at = Date.UTC(2026, 2, 1);
  const [s] = entrySlots([{ at, model: 'm', tokens: { input: 1, output: 0, cacheCreation: 0, cacheRead: 0 } }], (x) => x.tokens.input * 0.25);
  assert.equal(s.cost_nanos, 250_000_000);
  assert.equal(s.priced, 1);
});
