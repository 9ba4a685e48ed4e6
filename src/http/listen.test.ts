// listen(): the fast routes (/usage) are answered from the socket layer, and the adapter to fetch
// Requests (@hono/node-server, which loads Node's HTTP/2 and fetch) loads only when a request needs
// the app, so a daemon that only feeds a device never pays for it.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { test } from 'node:test';
import { Hono } from 'hono';
import { fastGet, listen } from './listen.js';

/** Whether Node has loaded one of its own modules in this process. */
const loaded = (name: string) => (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes(`NativeModule ${name}`);

/** A GET through node:http (fetch would load what the test looks for). */
function request(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('fast routes never load the adapter; the first request for the app does', async () => {
  assert.equal(loaded('http2'), false, 'nothing here loaded HTTP/2 before');
  const app = new Hono();
  app.get('/page', (c) => c.text('the page'));
  fastGet(app, '/usage', () => ({ body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } }));
  const l = await listen(app, 0, '127.0.0.1');
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual(await request(`http://127.0.0.1:${l.port}/usage`), { status: 200, body: '{"ok":true}' });
    await new Promise((r) => setTimeout(r, 300)); // past start-up's settling, when it used to be loaded
    assert.equal(loaded('http2'), false, 'answering /usage left the adapter unloaded');
    assert.deepEqual(await request(`http://127.0.0.1:${l.port}/page`), { status: 200, body: 'the page' });
    assert.equal(loaded('http2'), true, "the app's first request loaded it");
  } finally {
    await l.close();
  }
});
