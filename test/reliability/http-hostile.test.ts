// The real `serve` against hostile HTTP clients: a slowloris, oversized headers and bodies, idle
// sockets by the hundred, garbage request lines; and, reached through this machine's LAN address,
// nothing but aggregates without the token.
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { after, before, test } from 'node:test';
import { fixtureCopy, isolatedEnv, startServe, tempDir, type Served } from '../helpers/cli.js';

let served: Served;
let port: number;

before(async () => {
  served = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: await tempDir('state') }), [], '0.0.0.0');
  port = Number(new URL(served.url).port);
});
after(() => served?.stop());

/** Writes raw bytes, collects the answer until the server closes (or `ms` pass). */
function raw(bytes: string | Buffer, o: { host?: string; ms?: number } = {}): Promise<{ text: string; closed: boolean; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const s = net.connect(port, o.host ?? '127.0.0.1', () => s.write(bytes));
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('error', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false, ms: Date.now() - t0 });
    }, o.ms ?? 5000);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - t0 });
    });
  });
}

async function usageTakes(): Promise<number> {
  const t0 = Date.now();
  const r = await fetch(`http://127.0.0.1:${port}/usage`);
  assert.equal(r.status, 200);
  await r.json();
  return Date.now() - t0;
}

test('a slowloris (headers a byte at a time) is cut off within 10 s while /usage stays fast', { timeout: 30_000 }, async (t) => {
  const t0 = Date.now();
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  const head = `GET /usage HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(500)}`;
  let i = 0;
  let answer = '';
  s.on('data', (d) => (answer += d));
  const trickle = setInterval(() => !s.destroyed && s.write(head[i++ % head.length]), 100);
  const closed = new Promise<number>((resolve) => s.on('close', () => resolve(Date.now() - t0)));
  const others: number[] = [];
  while (!s.destroyed && Date.now() - t0 < 15_000) {
    others.push(await usageTakes());
    await new Promise((r) => setTimeout(r, 250));
  }
  clearInterval(trickle);
  const cutAfter = await closed;
  t.diagnostic(`slowloris cut off after ${cutAfter} ms having sent ${i} bytes; /usage meanwhile: ${others.length} requests, slowest ${Math.max(...others)} ms`);
  assert.ok(cutAfter < 10_000, `cut off after ${cutAfter} ms`);
  assert.match(answer, /^HTTP\/1\.1 408/, 'told why');
  assert.ok(others.length >= 5 && Math.max(...others) < 1000, `others were served: ${others.join(',')} ms`);
});

test('oversized headers get 431, oversized bodies a 4xx, and the server keeps serving', { timeout: 30_000 }, async (t) => {
  const big = await raw(`GET /usage HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`);
  assert.match(big.text, /^HTTP\/1\.1 431/, big.text.slice(0, 80));
  const many = await raw(`GET /usage HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 3000 }, (_, k) => `X-H${k}: v`).join('\r\n')}\r\n\r\n`);
  assert.match(many.text, /^HTTP\/1\.1 431/);
  // A 32 MiB body where none is wanted: refused without reading it all.
  const body = new Uint8Array(32 * 1024 * 1024);
  const posted = await fetch(`http://127.0.0.1:${port}/usage`, { method: 'POST', body }).catch((e: Error) => e);
  const status = posted instanceof Error ? 'connection closed' : posted.status;
  assert.ok(status === 'connection closed' || (status >= 400 && status < 500), String(status));
  const device = await fetch(`http://127.0.0.1:${port}/device`, { method: 'PUT', body: new Uint8Array(1024 * 1024) });
  assert.equal(device.status, 404);
  t.diagnostic(`64 KiB header: 431; 3000 headers: 431; 32 MiB POST /usage: ${status}; 1 MiB PUT /device: ${device.status}`);
  assert.ok((await usageTakes()) < 1000);
});

test('garbage request lines get 400 and a closed connection; the server keeps serving', { timeout: 30_000 }, async (t) => {
  const answers: string[] = [];
  for (const junk of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /usage HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET /usage HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00, 0x00, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]), '\x00\x01\x02\r\n\r\n']) {
    const r = await raw(junk);
    assert.ok(r.closed, 'the server hangs up');
    assert.match(r.text, /^HTTP\/1\.1 400/, `${JSON.stringify(String(junk))} -> ${r.text.slice(0, 60)}`);
    answers.push(r.text.slice(0, 12));
  }
  t.diagnostic(`${answers.length} kinds of garbage, each: 400 and closed`);
  assert.ok((await usageTakes()) < 1000);
});

test('hundreds of idle connections do not exhaust the server and are all cut off', { timeout: 40_000 }, async (t) => {
  const open = (first?: string) =>
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => (first && s.write(first), resolve(s)));
      s.on('error', reject);
      s.resume(); // read the server's answer and its hang-up
    });
  // 300 that never send a byte, 300 that stop after half a request.
  const sockets = [...(await Promise.all(Array.from({ length: 300 }, () => open()))), ...(await Promise.all(Array.from({ length: 300 }, () => open('GET /usage HTTP/1.1\r\nHost: 127.0.0.1\r\n'))))];
  const t0 = Date.now();
  const closedAt: number[] = [];
  const allClosed = Promise.all(sockets.map((s) => new Promise<void>((r) => s.on('close', () => (closedAt.push(Date.now() - t0), r())))));
  const during = [await usageTakes(), await usageTakes(), await usageTakes()];
  assert.ok(Math.max(...during) < 1000, `/usage with 600 idle sockets open: ${during} ms`);
  await Promise.race([allClosed, new Promise((r) => setTimeout(r, 12_000))]);
  t.diagnostic(`600 idle sockets (300 silent, 300 half a request): /usage took ${during.join('/')} ms meanwhile; ${closedAt.length} cut off by the server, the last after ${Math.max(...closedAt)} ms`);
  sockets.forEach((s) => s.destroy());
  assert.equal(closedAt.length, 600, 'every idle socket was cut off');
  assert.ok(Math.max(...closedAt) < 10_000);
  assert.ok((await usageTakes()) < 1000);
});

/** This machine's first non-internal IPv4 address, as a LAN client would reach it. */
function lanAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

const PUBLIC = ['/usage', '/device', '/metrics', '/healthz', '/', '/schema/usage.json'];
const PRIVATE = ['/stats/', '/api', '/api/daily', '/stats/vendor/chart.js'];

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const r = await fetch(url, { redirect: 'manual', ...init });
  await r.arrayBuffer();
  return r.status;
}

async function eventsAnswers(base: string): Promise<number> {
  const ctl = new AbortController();
  const r = await fetch(`${base}/events`, { signal: ctl.signal });
  const first = await r.body!.getReader().read();
  ctl.abort();
  assert.match(new TextDecoder().decode(first.value), /event: usage/);
  return r.status;
}

test('from a LAN address only the aggregates answer; the stats, API and MCP want the token', { timeout: 60_000 }, async (t) => {
  const lan = lanAddress();
  if (!lan) {
    if (process.env.CI) assert.fail('no non-loopback IPv4 address on this machine');
    return t.skip('no non-loopback IPv4 address here; skipped outside CI');
  }
  const base = `http://${lan}:${port}`;
  for (const p of PUBLIC) assert.equal(await status(`${base}${p}`), 200, p);
  assert.equal(await eventsAnswers(base), 200);
  for (const p of PRIVATE) assert.equal(await status(`${base}${p}`), 403, p);
  const mcp = { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) };
  assert.equal(await status(`${base}/mcp`, mcp), 403);
  // The same from loopback: allowed (so the 403s above are about the address, not the paths).
  for (const p of PRIVATE) assert.equal(await status(`http://127.0.0.1:${port}${p}`), 200, p);

  // With a token set, the LAN gets in with it and only with it.
  const token = 'fuzz-token-0123456789abcdef';
  const withToken = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_TOKEN: token }), [], '0.0.0.0');
  try {
    const b2 = `http://${lan}:${new URL(withToken.url).port}`;
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    for (const p of PRIVATE) {
      assert.equal(await status(`${b2}${p}`), 403, `${p} without the token`);
      assert.equal(await status(`${b2}${p}`, { headers: { Authorization: 'Bearer wrong' } }), 403, `${p} with a wrong token`);
      assert.equal(await status(`${b2}${p}`, auth), 200, `${p} with the token`);
    }
    assert.equal(await status(`${b2}/mcp`, mcp), 403);
    assert.equal(await status(`${b2}/mcp`, { ...mcp, headers: { ...mcp.headers, ...auth.headers } }), 200);
    t.diagnostic(`via ${lan}: ${PUBLIC.length + 1} aggregate paths 200; ${PRIVATE.length + 1} private paths 403 without the token, 200 with it`);
  } finally {
    await withToken.stop();
  }
});

test('the OTLP receiver listens on loopback only, even when serve listens on every address', { timeout: 30_000 }, async (t) => {
  const lan = lanAddress();
  if (!lan) {
    if (process.env.CI) assert.fail('no non-loopback IPv4 address on this machine');
    return t.skip('no non-loopback IPv4 address here; skipped outside CI');
  }
  const free = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const otlp = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_SOURCE: 'otlp', CLAUDE_GAUGE_OTLP_PORT: String(free) }), [], '0.0.0.0');
  try {
    const post = (host: string) => fetch(`http://${host}:${free}/v1/logs`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    assert.equal((await post('127.0.0.1')).status, 200, 'loopback reaches it');
    const fromLan = await post(lan).then((r) => r.status, (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message);
    assert.equal(fromLan, 'ECONNREFUSED', 'the LAN address has no listener');
    t.diagnostic(`OTLP receiver: 127.0.0.1:${free} 200, ${lan}:${free} ${fromLan}`);
  } finally {
    await otlp.stop();
  }
});
