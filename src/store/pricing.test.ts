import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pricer, type PricedUsage } from './pricing.js';

const usage = (model: string): PricedUsage => ({ model, at: Date.UTC(2026, 10, 1), input: 1_000_000, output: 1_000_000, cache5m: 0, cache1h: 0, cacheRead: 0 });

test('prices.json: an exact name wins, then the longest wildcard prefix; the answer holds when asked again', () => {
  const p = new Pricer({
    'my-model': { input: 1, output: 2 },
    'my-*': { input: 10, output: 20 },
    'my-model-*': { input: 100, output: 200 },
  });
  for (let round = 0; round < 2; round++) {
    assert.equal(p.cost(usage('my-model')), 3);
    assert.equal(p.cost(usage('my-model-large')), 300);
    assert.equal(p.cost(usage('my-other')), 30);
    // The published fast-mode price stands in for what the table lacks; a user's name does not spill over.
    assert.equal(p.cost(usage('claude-opus-4-6-fast')), 180);
    assert.equal(p.cost(usage('your-model')), null);
  }
});
