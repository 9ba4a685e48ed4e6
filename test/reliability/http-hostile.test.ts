// The real `serve` against hostile HTTP clients: a slowloris, a body trickled a byte at a time,
// oversized headers and bodies, idle sockets by the hundred, garbage request lines, and fuzzed
// requests (fast-check, over loopback, time-boxed) to every route with hostile methods, paths,
// queries, headers and bodies; and, reached through this machine's LAN address, nothing but
// aggregates without the token.
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { fixtureCopy, isolatedEnv, startServe, tempDir, type Served } from '../helpers/cli.js';
import { assertUsageSchema } from '../helpers/schema.js';
import { FUZZ_SECONDS, fuzzFor } from './fuzz-loop.js';

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

/** How long /usage takes, asked every 250 ms while the hostile socket `s` stays open (15 s at most). */
async function usageWhileOpen(s: net.Socket, t0: number): Promise<number[]> {
  const took: number[] = [];
  while (!s.destroyed && Date.now() - t0 < 15_000) {
    took.push(await usageTakes());
    await new Promise((r) => setTimeout(r, 250));
  }
  return took;
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
  const others = await usageWhileOpen(s, t0);
  clearInterval(trickle);
  const cutAfter = await closed;
  t.diagnostic(`slowloris cut off after ${cutAfter} ms having sent ${i} bytes; /usage meanwhile: ${others.length} requests, slowest ${Math.max(...others)} ms`);
  assert.ok(cutAfter < 10_000, `cut off after ${cutAfter} ms`);
  assert.match(answer, /^HTTP\/1\.1 408/, 'told why');
  assert.ok(others.length >= 5 && Math.max(...others) < 1000, `others were served: ${others.join(',')} ms`);
});

test('a body trickled a byte at a time is cut off within 12 s while /usage stays fast', { timeout: 30_000 }, async (t) => {
  const t0 = Date.now();
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  let answer = '';
  s.on('data', (d) => (answer += d));
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', pad: 'p'.repeat(2000) });
  s.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n`);
  let i = 0;
  const trickle = setInterval(() => !s.destroyed && i < body.length && s.write(body[i++]), 100);
  const closed = new Promise<number>((resolve) => s.on('close', () => resolve(Date.now() - t0)));
  const others = await usageWhileOpen(s, t0);
  clearInterval(trickle);
  s.destroy();
  const cutAfter = await closed;
  t.diagnostic(`slow body cut off after ${cutAfter} ms having sent ${i} of ${body.length} bytes (${answer.slice(0, 12) || 'no answer'}); /usage meanwhile: ${others.length} requests, slowest ${Math.max(...others)} ms`);
  assert.ok(cutAfter < 12_000, `cut off after ${cutAfter} ms`);
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

// --- fuzzed requests ----------------------------------------------------------------------

/** Seconds of fuzzed requests per run (a third of the parsers' budget). */
const HTTP_FUZZ_SECONDS = Math.min(FUZZ_SECONDS, 20);
const API = ['now', 'summary', 'daily', 'blocks', 'heatmap', 'projects', 'cache', 'projection', 'sessions', 'tools', 'thinking', 'stop-reasons', 'subagents', 'character'];
const ROUTES = ['/usage', '/device', '/metrics', '/healthz', '/', '/index.html', '/schema/usage.json', '/events', '/stats', '/stats/', '/stats/vendor/chart.js', '/api', ...API.map((p) => `/api/${p}`), '/mcp', '/v1/logs', '/nope'];
const hostileText = fc.constantFrom('1e400', '-1', '0', '99999999999999999999', '8640000000000001', 'NaN', 'Infinity', '2026-13-45', '2026-02-30', '+275760-09-13T00:00:00.000Z', '-271821-04-20', 'Mars/Olympus', 'UTC', 'Etc/GMT+14', '', ' ', '%', '%zz', '%00', '%C0%AF', '..', '../../etc/passwd', 'a'.repeat(3000), '9'.repeat(400), '\u00e9\u6f22', '{"$gt":""}');
const queryValue = fc.oneof(hostileText.map((v) => (/%/.test(v) ? v : encodeURIComponent(v))), fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.integer().map(String), fc.integer({ min: -8.64e15, max: 8.64e15 }).map(String));
const query = fc.array(fc.tuple(fc.constantFrom('from', 'to', 'tz', 'project', 'token', 'days', 'limit', 'x', ''), queryValue), { maxLength: 4 }).map((kv) => (kv.length ? `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
const pathTail = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 2, arbitrary: fc.constantFrom('/', '/..', '/../../../etc/passwd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%', '%zz', '%00', '//x', `/${'a'.repeat(4000)}`, ';x', '#frag', '.json', '\u00e9') }, { weight: 1, arbitrary: fc.string({ maxLength: 16 }).map(encodeURIComponent) });
const target = fc.oneof({ weight: 9, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), pathTail, query).map(([r, t, q]) => r + t + q) }, { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/usage', '//usage', 'usage', '/%', `/${'x'.repeat(9000)}`) });
const method = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) });
const headerName = fc.oneof(fc.constantFrom('Content-Type', 'Accept', 'Authorization', 'Cookie', 'Origin', 'Range', 'If-None-Match', 'Accept-Encoding', 'Content-Encoding', 'Connection', 'Upgrade', 'X-Forwarded-For', 'Forwarded', 'Host', 'Expect', 'Last-Event-ID', 'Mcp-Session-Id', 'Mcp-Protocol-Version'), fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/));
const headerValue = fc.oneof(fc.constantFrom('application/json', 'application/x-protobuf', 'text/event-stream', 'application/json, text/event-stream', 'gzip', 'br', 'deflate', 'Bearer x', 'Bearer ', 'upgrade', 'websocket', 'bytes=0-1', 'bytes=-1', 'bytes=99999999999-', '*', 'null', '2025-06-18', '1e400', 'a'.repeat(2000)), fc.string({ unit: fc.constantFrom(...'abcXYZ09 ,;=/*-_."'), maxLength: 40 }));
const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const mcpCall = fc.record({
  jsonrpc: fc.constantFrom('2.0', '1.0', 2),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null), fc.constant({})),
  method: fc.oneof(fc.constantFrom('initialize', 'tools/list', 'tools/call', 'resources/list', 'prompts/get', 'ping', 'notifications/initialized'), fc.string({ maxLength: 10 })),
  params: fc.oneof(fc.constant(undefined), fc.record({ name: fc.oneof(fc.constantFrom('usage_now', 'summary', 'daily', 'blocks', 'heatmap', 'projects', 'sessions', 'character', 'nope'), fc.string({ maxLength: 6 })), arguments: fc.dictionary(fc.constantFrom('from', 'to', 'tz', 'project', 'limit'), fc.oneof(hostileText, fc.integer(), fc.double(), fc.constant(null), fc.constant({}))) }), fc.jsonValue({ maxDepth: 2 })),
}).map((v) => JSON.stringify(v));
const body = fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 2, arbitrary: json }, { weight: 2, arbitrary: mcpCall }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b).toString('latin1')) });
type HostileRequest = { method: string; target: string; version: string; headers: [string, string][]; body: string; lengthOff: number };
const request: fc.Arbitrary<HostileRequest> = fc.record({ method, target, version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0'), headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }), body, lengthOff: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -40, max: 0 }) }) });

/**
 * Sends one request over a fresh loopback socket and reads the answer's status line. Bounded:
 * an answer (or the server hanging up) must come within 6 s; a stream (/events) is left after
 * its headers.
 */
function exchange(r: HostileRequest): Promise<{ status: number | null; ms: number; head: string }> {
  const bytes = Buffer.from(r.body, 'latin1');
  const head = [`${r.method} ${r.target} ${r.version}`, 'Host: 127.0.0.1', ...r.headers.filter(([k]) => k.toLowerCase() !== 'host').map(([k, v]) => `${k}: ${v}`)];
  if (bytes.length || r.method === 'POST' || r.method === 'PUT') head.push(`Content-Length: ${Math.max(0, bytes.length + r.lengthOff)}`);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bytes])));
    let got = '';
    const done = (status: number | null) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ status, ms: Date.now() - t0, head: got.slice(0, 200) });
    };
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer within 6 s to ${r.method} ${r.target.slice(0, 200)} (${got.length} bytes so far: ${JSON.stringify(got.slice(0, 120))})`));
    }, 6000);
    s.on('error', () => {});
    s.on('data', (d) => {
      got += d.toString('latin1');
      // A 100 Continue is a preliminary answer: wait for the real one.
      const m = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n(?:[^\r]*\r\n)*?\r\n/.exec(got.replace(/^HTTP\/1\.1 100 [^\r]*\r\n\r\n/, ''));
      if (m) done(Number(m[1]));
    });
    s.on('close', () => done(null));
  });
}

test(`fuzzed requests to every route (${HTTP_FUZZ_SECONDS} s): each answered within 6 s, none a 500, /usage valid after each batch`, { timeout: (HTTP_FUZZ_SECONDS + 60) * 1000 }, async (t) => {
  const statuses = new Map<string, number>();
  let slowest = 0;
  const property = fc.asyncProperty(request, async (r) => {
    const a = await exchange(r);
    slowest = Math.max(slowest, a.ms);
    const key = a.status === null ? 'closed' : String(a.status);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    // A 500 is a handler that threw on what a client sent: the input was not checked.
    assert.ok(a.status === null || (a.status >= 100 && a.status < 600 && a.status !== 500), `${r.method} ${r.target.slice(0, 300)} -> ${a.head}`);
  });
  const afterBatch = fc.asyncProperty(fc.constant(null), async () => {
    const u = await fetch(`http://127.0.0.1:${port}/usage`, { signal: AbortSignal.timeout(5000) });
    assert.equal(u.status, 200);
    assertUsageSchema(await u.json());
  });
  const report = await fuzzFor('http', [
    { name: 'a hostile request is answered, never with a 500', property, batch: 50 },
    { name: '/usage still answers and validates', property: afterBatch, batch: 1 },
  ], HTTP_FUZZ_SECONDS);
  const counts = Object.fromEntries([...statuses].sort());
  t.diagnostic(`${report.summary()}; answers ${JSON.stringify(counts)}; slowest ${slowest} ms`);
  console.log(`# ${report.summary()}; answers ${JSON.stringify(counts)}; slowest ${slowest} ms`);
  assert.ok(report.tallies[0].inputs >= 100, 'enough requests');
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
  // The fuzz just before hung up on many streams: their places come back as the server sees the
  // sockets close (at most 64 streams at once), so a 503 may answer for a moment, never for long.
  let r = await fetch(`${base}/events`, { signal: ctl.signal });
  for (const t0 = Date.now(); r.status === 503 && Date.now() - t0 < 3000; r = await fetch(`${base}/events`, { signal: ctl.signal })) {
    await r.arrayBuffer();
    await new Promise((ok) => setTimeout(ok, 100));
  }
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
