import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../engine/engine.js';
import { createApp } from './app.js';
import { listen } from '../../http/listen.js';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

test('GET /usage from the socket fast path is the same answer as the app route, over real HTTP', async () => {
  const engine = new Engine({ ceiling: 1000, defaultCeiling: 1, redline: 100, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
  engine.apply({ kind: 'response', key: 'k', at: T0, model: 'claude-opus-4-6', session: 'sé', tokens: { input: 1, output: 2, cacheCreation: 3, cacheRead: 4 }, thinkingReported: null, visibleChars: 0, synthetic: false, sidechain: false, speed: false });
  let snap = engine.snapshot(T0 + 1000);
  const app = createApp({ snapshot: () => snap, ready: () => true });
  const http = await listen(app, 0, '127.0.0.1');
  try {
    const base = `http://127.0.0.1:${http.port}`;
    const fast = await fetch(`${base}/usage`);
    const viaApp = await fetch(`${base}/usage?via=app`); // a query string takes the app's route
    const [fastBody, appBody] = [await fast.text(), await viaApp.text()];
    assert.equal(fastBody, appBody);
    assert.equal(fast.headers.get('content-length'), String(Buffer.byteLength(fastBody)));
    for (const h of ['content-type', 'access-control-allow-origin', 'cache-control']) assert.equal(fast.headers.get(h), viaApp.headers.get(h), h);
    // A new snapshot is served at once; other methods still get the app's answers.
    snap = engine.snapshot(T0 + 120_000);
    assert.equal((await (await fetch(`${base}/usage`)).json()).updated_at, new Date(T0 + 120_000).toISOString());
    assert.equal((await fetch(`${base}/usage`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${base}/usage`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await http.close();
  }
});
