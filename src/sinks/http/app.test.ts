import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertUsageSchema } from '../../../test/helpers/schema.js';
import { Engine } from '../../engine/engine.js';
import { createApp } from './app.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

function appWith(engine: Engine, now = T0 + 1000) {
  return createApp({ snapshot: () => engine.snapshot(now), ready: () => true });
}

const settings = { ceiling: 1000, defaultCeiling: 1, redline: 100, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true } as const;

test('GET /usage answers JSON that matches the published schema, empty or busy', async () => {
  const empty = await appWith(new Engine(settings)).request('/usage');
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get('cache-control'), 'no-store');
  assertUsageSchema(await empty.json());

  const e = new Engine(settings);
  e.apply({ kind: 'response', key: 'k', at: T0, model: 'claude-opus-4-6', session: 's', tokens: { input: 1, output: 2, cacheCreation: 3, cacheRead: 4 }, thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false });
  e.apply({ kind: 'limits', at: T0, fiveHour: { usedPercentage: 150, resetsAt: T0 + 60_000 }, sevenDay: null });
  const body = await (await appWith(e).request('/usage')).json();
  assertUsageSchema(body);
  assert.equal(body.window_5h_pct, 1, 'an over-100 % statusline figure is clamped to the gauge');
  assert.equal(body.last_model, 'opus');
});

test('the schema check is real: a payload with a changed field fails it', async () => {
  const body = await (await appWith(new Engine(settings)).request('/usage')).json();
  assert.throws(() => assertUsageSchema({ ...body, window_5h_pct: 1.5 }));
  assert.throws(() => assertUsageSchema({ ...body, last_model: 'gpt' }));
  const { hot: _hot, ...missing } = body;
  assert.throws(() => assertUsageSchema(missing));
});

test('unknown paths 404 and wrong methods 405, both as JSON', async () => {
  const app = appWith(new Engine(settings));
  const nf = await app.request('/nope');
  assert.equal(nf.status, 404);
  assert.deepEqual(Object.keys(await nf.json()).sort(), ['error', 'message']);
  const bad = await app.request('/usage', { method: 'DELETE' });
  assert.equal(bad.status, 405);
  assert.equal(bad.headers.get('allow'), 'GET, HEAD');
});

test('the schema itself is served for client authors', async () => {
  const res = await appWith(new Engine(settings)).request('/schema/usage.json');
  assert.equal(res.status, 200);
  assert.equal((await res.json()).title, 'claude-gauge GET /usage');
});

test('HEAD /usage answers without a body', async () => {
  const res = await appWith(new Engine(settings)).request('/usage', { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '');
});
