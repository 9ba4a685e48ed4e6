import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Desktop, notifyCommand } from './desktop.js';
import type { Alert } from './rules.js';
import { Webhook } from './webhook.js';

const alert: Alert = { kind: 'stall', key: 'stall', title: 'claude-gauge: STALL', message: 'a turn "waits"', at: Date.parse('2026-03-02T10:00:00Z') };

async function server(statuses: number[], delayMs = 0) {
  const bodies: unknown[] = [];
  const srv = createServer((req: IncomingMessage, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(JSON.parse(b));
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)];
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const close = () => new Promise((r) => {
    srv.close(r);
    srv.closeAllConnections();
  });
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, bodies, close };
}

test('webhook: a 5xx is retried with backoff until it is taken; the body carries text for Slack and Discord', async () => {
  const s = await server([503, 500, 204]);
  const logs: string[] = [];
  const w = new Webhook({ url: s.url, backoffMs: [20, 20, 20], log: (m) => logs.push(m), context: () => ({ window_5h_pct: 0.5 }) });
  w.send(alert);
  assert.equal(s.bodies.length, 0, 'send returns before the delivery');
  await w.idle();
  assert.equal(s.bodies.length, 3);
  const b = s.bodies[2] as Record<string, unknown>;
  assert.equal(b.text, 'claude-gauge: STALL: a turn "waits"');
  assert.equal(b.content, b.text);
  assert.equal(b.kind, 'stall');
  assert.equal(b.window_5h_pct, 0.5);
  assert.deepEqual(logs, []);
  await s.close();
});

test('webhook: a 4xx is not retried; a hanging endpoint times out; both are logged, never thrown', async () => {
  const s = await server([404]);
  const logs: string[] = [];
  const w = new Webhook({ url: s.url, backoffMs: [10, 10], log: (m) => logs.push(m) });
  w.send(alert);
  await w.idle();
  assert.equal(s.bodies.length, 1);
  assert.match(logs[0], /HTTP 404/);
  const slow = await server([200], 2000);
  const w2 = new Webhook({ url: slow.url, timeoutMs: 100, backoffMs: [], log: (m) => logs.push(m) });
  w2.send(alert);
  await w2.idle();
  assert.match(logs[1], /timed out/);
  await s.close();
  await slow.close();
  const dead = new Webhook({ url: s.url, backoffMs: [], log: (m) => logs.push(m) }); // nobody listens there now
  dead.send(alert);
  await dead.idle();
  assert.match(logs[2], /could not deliver/);
});

test('desktop: notify-send on Linux, osascript with escaped quotes on macOS, nothing elsewhere; a missing tool is said once', async () => {
  assert.deepEqual(notifyCommand(alert, 'linux'), { file: 'notify-send', args: ['--app-name=claude-gauge', '--urgency=critical', alert.title, alert.message] });
  assert.deepEqual(notifyCommand(alert, 'darwin')?.args, ['-e', 'display notification "a turn \\"waits\\"" with title "claude-gauge: STALL"']);
  assert.equal(notifyCommand(alert, 'win32'), null);
  const logs: string[] = [];
  const missing = Object.assign(new Error('spawn notify-send ENOENT'), { code: 'ENOENT' });
  const d = new Desktop(() => Promise.reject(missing), (m) => logs.push(m), 'linux');
  await d.send(alert);
  await d.send(alert);
  assert.equal(logs.length, 1);
  assert.match(logs[0], /notify-send not found/);
});
