import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Snapshot } from '../../core/snapshot.js';
import { Engine } from '../../engine/engine.js';
import { createApp } from './app.js';

const settings = { ceiling: 1000, defaultCeiling: 1, redline: 100, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true } as const;

async function readEvents(res: Response, count: number): Promise<{ event: string; data: any }[]> {
  const reader = res.body!.getReader();
  const out: { event: string; data: any }[] = [];
  let buf = '';
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    let i;
    while ((i = buf.indexOf('\n\n')) !== -1) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      out.push({ event, data: data ? JSON.parse(data) : null });
    }
  }
  await reader.cancel();
  return out;
}

test('/events sends the snapshot at once, each change as it happens, and heartbeats in between', async () => {
  const engine = new Engine(settings);
  const bus = new EventEmitter();
  let current: Snapshot = { ...engine.snapshot(0), seq: 1 };
  const app = createApp({
    snapshot: () => current,
    ready: () => true,
    subscribe: (fn) => {
      bus.on('change', fn);
      return () => bus.off('change', fn);
    },
    heartbeatMs: 100,
    files: new Map(),
  });
  const res = await app.request('/events');
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  setTimeout(() => {
    current = { ...current, seq: 2, rate_1m: 42 };
    bus.emit('change', current);
  }, 30);
  const events = await readEvents(res, 3);
  assert.deepEqual(events.map((e) => e.event), ['usage', 'usage', 'heartbeat']);
  assert.equal(events[0].data.seq, 1);
  assert.equal(events[1].data.rate_1m, 42);
  assert.equal(events[2].data.seq, 2);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(bus.listenerCount('change'), 0, 'a closed stream unsubscribes');
});

test('the page files are served with their types; anything else is 404', async () => {
  const files = new Map([
    ['/', { body: Buffer.from('<html>'), type: 'text/html; charset=utf-8' }],
    ['/app.js', { body: Buffer.from('x'), type: 'text/javascript; charset=utf-8' }],
  ]);
  const app = createApp({ snapshot: () => new Engine(settings).snapshot(0), ready: () => true, files });
  const page = await app.request('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal((await app.request('/app.js')).status, 200);
  assert.equal((await app.request('/../package.json')).status, 404);
  assert.equal((await app.request('/%2e%2e/package.json')).status, 404);
});

test('/events past its cap answers 503 with Retry-After, and a closed stream frees its place', async () => {
  let listeners = 0;
  const app = createApp({
    snapshot: () => ({ ...new Engine(settings).snapshot(0), seq: 1 }),
    ready: () => true,
    subscribe: () => (listeners++, () => void listeners--),
    heartbeatMs: 50,
    maxEventClients: 3,
    files: new Map(),
  });
  const open = await Promise.all([1, 2, 3].map(() => app.request('/events')));
  for (const r of open) assert.equal(r.status, 200);
  const refused = await app.request('/events');
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '5');
  assert.equal((await refused.json()).error, 'too_many_clients');
  assert.equal(listeners, 3, 'a refused client never subscribes');
  await open[0].body!.cancel();
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(listeners, 2);
  const again = await app.request('/events');
  assert.equal(again.status, 200, 'the closed stream gave its place back');
  await Promise.all([again, open[1], open[2]].map((r) => r.body!.cancel()));
});
