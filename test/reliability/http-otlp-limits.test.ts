// The OTLP receiver of a real `serve --source otlp`, with its default limits (body.ts: 4 MiB on
// the wire and inflated, 2,048 records, 65,536 attributes, 262,144 values, 4 requests at once):
// a 1 GiB gzip bomb is refused without being inflated (the daemon's peak memory is read from
// /proc), oversize is 413 before and after gzip, garbage 400, wrong types 415; bodies that would
// expand in memory are refused before they are built; a fifth request at once hears 429; the
// costliest bodies the limits let through cost under 64 MB and leave /usage answering within
// 50 ms (p99); and the receiver keeps counting afterwards.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_LIMITS } from '../../src/sources/otlp/body.js';
import { countJson, countProto } from '../../src/sources/otlp/count.js';
import { apiRequest, JSONH, kv, logsRequest, metricsRequest, otlpStatus, PB, PBGZ, pbLogs, pbMetrics } from '../helpers/otlp-fixtures.js';
import { otlpType } from '../../src/sources/otlp/proto.js';
import { getJson, isolatedEnv, startServe, tempDir, type Served } from '../helpers/cli.js';
import { assertUsageSchema } from '../helpers/schema.js';
import { memoryMiB, resetPeak } from './otlp-serve.js';

const MiB = 1024 * 1024;
let served: Served;
let otlp: string;

before(async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  served = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: await tempDir('home'), CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_SOURCE: 'otlp', CLAUDE_GAUGE_OTLP_PORT: String(port) }));
  otlp = `http://127.0.0.1:${port}`;
});
after(() => served?.stop());

/** Peak resident memory of the daemon so far (VmHWM), in MiB. */
function peakMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${served.child.pid}/status`, 'utf8'));
  assert.ok(m, 'VmHWM in /proc');
  return Number(m[1]) / 1024;
}

async function post(body: Uint8Array | string, headers: Record<string, string>, signal: 'logs' | 'metrics' = 'logs'): Promise<{ status: number; json: any; headers?: Headers }> {
  const r = await fetch(`${otlp}/v1/${signal}`, { method: 'POST', body: body as unknown as BodyInit, headers }).catch((e: Error) => e);
  if (r instanceof Error) return { status: 0, json: { error: `connection: ${r.message}` } };
  const answer = Buffer.from(await r.arrayBuffer());
  let json: any = null;
  try {
    const s = otlpStatus(r.headers.get("content-type") ?? "", answer); // a google.rpc.Status in either encoding
    json = { ...s, error: s.reason };
  } catch {
    json = answer.toString("utf8");
  }
  return { status: r.status, json, headers: r.headers };
}

test('a 1 GiB gzip bomb in 1 MiB is refused with 413 without being inflated', { timeout: 60_000 }, async (t) => {
  // gzip members concatenate: 16 copies of 64 MiB of zeros inflate to 1 GiB.
  const member = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
  assert.ok(bomb.length < 4 * MiB, `${bomb.length} bytes on the wire, under the wire limit`);
  const before = peakMiB();
  const t0 = Date.now();
  const r = await post(bomb, PBGZ);
  const ms = Date.now() - t0;
  const grew = peakMiB() - before;
  t.diagnostic(`gzip bomb ${(bomb.length / MiB).toFixed(2)} MiB -> 1024 MiB: ${r.status} ${r.json?.error} in ${ms} ms; daemon peak memory grew ${grew.toFixed(1)} MiB (from ${before.toFixed(0)} MiB)`);
  assert.equal(r.status, 413);
  assert.equal(r.json.error, 'payload_too_large');
  assert.ok(grew < 96, `peak memory grew ${grew} MiB: the bomb was not inflated whole`);
  assert.ok(ms < 5000);
});

test('limits and garbage: 413 before and after gzip, 400, 415; the receiver keeps counting', { timeout: 60_000 }, async (t) => {
  const rows: string[] = [];
  const expect = async (what: string, body: Uint8Array | string, headers: Record<string, string>, status: number, error?: string) => {
    const r = await post(body, headers);
    rows.push(`${what}: ${r.status}${r.json?.error ? ` ${r.json.error}` : ''}`);
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.json)}`);
    if (error) assert.equal(r.json.error, error, what);
  };
  const random = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) b.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
    return b;
  };
  // On the wire: 5 MiB declared, gzip or not (refused before any inflating).
  await expect('5 MiB protobuf', random(5 * MiB), PB, 413, 'payload_too_large');
  await expect('5 MiB gzip (incompressible)', gzipSync(random(5 * MiB), { level: 0 }), PBGZ, 413, 'payload_too_large');
  // After gzip: 3 MiB on the wire inflating to 17 MiB.
  const mixed = gzipSync(Buffer.concat([random(3 * MiB), Buffer.alloc(14 * MiB)]), { level: 1 });
  assert.ok(mixed.length < 4 * MiB);
  await expect('3 MiB gzip inflating to 17 MiB', mixed, PBGZ, 413, 'payload_too_large');
  // Garbage and wrong types.
  await expect('random protobuf', random(4096), PB, 400, 'bad_body');
  await expect('truncated JSON', '{"resourceLogs":[{"scopeLogs":[', JSONH, 400, 'bad_body');
  await expect('JSON array', '[]', JSONH, 400, 'bad_body');
  await expect('gzip header then junk', Buffer.concat([gzipSync('{}').subarray(0, 10), random(64)]), { ...JSONH, 'Content-Encoding': 'gzip' }, 400, 'bad_gzip');
  await expect('text/plain', 'hello', { 'Content-Type': 'text/plain' }, 415, 'unsupported_media_type');
  await expect('no content type', new Uint8Array([1, 2, 3]), {}, 415, 'unsupported_media_type');
  await expect('br encoding', '{}', { ...JSONH, 'Content-Encoding': 'br' }, 415, 'unsupported_encoding');
  // Still counting: one record, exactly once, after all of that.
  const req = logsRequest([apiRequest({ at: Date.now() - 1000, session: 'S', requestId: 'after-limits', input: 7, output: 11 })]);
  await expect('valid gzip protobuf', gzipSync(pbLogs(req)), PBGZ, 200);
  await expect('the same again (a retry)', JSON.stringify(req), JSONH, 200);
  const usage = await getJson(`${served.url}/usage`);
  t.diagnostic(rows.join('; '));
  assert.equal(usage.window_5h_tokens, 18, 'the record counted once');
});

const MB = 1e6;
/** Peak memory a request may add to the daemon, and the /usage latency (p99) while it is decoded (issue 14). */
const MEMORY_BUDGET_MB = 64;
const P99_BUDGET_MS = 50;

/** Runs `send` with the daemon's peak memory reset first; the peak it reached on top of where it was, in MB. */
async function peakGrowth<T>(send: () => Promise<T>): Promise<{ value: T; grewMB: number; ms: number }> {
  const pid = served.child.pid!;
  assert.ok(resetPeak(pid), 'the peak memory of the daemon can be reset (/proc/<pid>/clear_refs)');
  const before = memoryMiB(pid).now;
  const t0 = performance.now();
  const value = await send();
  const ms = performance.now() - t0;
  return { value, ms, grewMB: ((memoryMiB(pid).peak - before) * 1024 * 1024) / MB };
}

test('bodies that expand in memory are refused before they are built: 413 at once, a few MB', { timeout: 60_000 }, async (t) => {
  const rows: string[] = [];
  const empties = (n: number) => Buffer.alloc(2 * n).fill(Buffer.from([0x0a, 0x00])); // ResourceLogs, empty: 2 bytes each
  const cases: [string, Uint8Array | string, Record<string, string>, RegExp][] = [
    // gzip of 16 MiB of {} in the OTLP envelope: cut off at 4 MiB inflated
    ['gzip of 16 MiB of {}', gzipSync(`{"resourceLogs":[${Array(5_592_000).fill('{}').join(',')}]}`), { ...JSONH, 'Content-Encoding': 'gzip' }, /decompressed body exceeds/],
    // 2 million empty ResourceLogs in 4 MiB of protobuf: counted on the wire, never built
    ['4 MiB of empty ResourceLogs (protobuf)', empties(2 * 1024 * 1024 - 8), PB, /262144 values/],
    ['gzip of 16 MiB of empty ResourceLogs', gzipSync(empties(8 * 1024 * 1024)), PBGZ, /decompressed body exceeds/],
    ['1.3 MiB of [{},{},...] (JSON)', `{"resourceLogs":[${Array(450_000).fill('{}').join(',')}]}`, JSONH, /262144 values/],
    ['2,049 records (JSON)', JSON.stringify(logsRequest(Array.from({ length: 2049 }, () => ({})))), JSONH, /2048 records/],
    ['2,049 records (protobuf)', pbLogs(logsRequest(Array.from({ length: 2049 }, () => ({})))), PB, /2048 records/],
    ['65,537 attributes (JSON)', JSON.stringify(logsRequest([{ attributes: Array.from({ length: 65_537 }, () => ({})) }])), JSONH, /65536 attributes/],
    ['65,537 attributes (protobuf)', pbLogs(logsRequest([{ attributes: Array.from({ length: 65_537 }, () => ({})) }])), PB, /65536 attributes/],
  ];
  for (const [what, body, headers, why] of cases) {
    const { value: r, grewMB, ms } = await peakGrowth(() => post(body, headers));
    rows.push(`${what} (${(Buffer.byteLength(body as string) / MB).toFixed(2)} MB): ${r.status} in ${ms.toFixed(0)} ms, +${grewMB.toFixed(1)} MB`);
    assert.equal(r.status, 413, `${what}: ${JSON.stringify(r.json)}`);
    assert.match(r.json.message, why, what);
    assert.ok(grewMB < 16, `${what}: the daemon's peak memory grew ${grewMB.toFixed(1)} MB`);
    assert.ok(ms < 3000, `${what}: ${ms} ms`);
  }
  t.diagnostic(rows.join('; '));
  assertUsageSchema(await getJson(`${served.url}/usage`));
});

test('more than 4 requests at once: the fifth hears 429 with Retry-After; the four are taken', { timeout: 60_000 }, async () => {
  const port = Number(new URL(otlp).port);
  const bodies = Array.from({ length: 4 }, (_, i) => JSON.stringify(logsRequest([apiRequest({ at: Date.now() - 1000, session: 'IF', requestId: `inflight-${i}`, input: 1 })])));
  const answers: Promise<number>[] = [];
  const open: http.ClientRequest[] = [];
  for (const body of bodies) {
    // Headers and half the body sent; the rest held back, so the request stays in flight.
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } });
    answers.push(new Promise((resolve, reject) => req.on('response', (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject)));
    req.write(body.slice(0, 10));
    open.push(req);
  }
  await new Promise((r) => setTimeout(r, 300));
  const fifth = await post(bodies[0], JSONH);
  assert.equal(fifth.status, 429);
  assert.equal(fifth.json.error, 'too_many_requests');
  assert.equal(fifth.headers?.get('retry-after'), '2');
  open.forEach((req, i) => req.end(bodies[i].slice(10)));
  assert.deepEqual(await Promise.all(answers), [200, 200, 200, 200]);
  assert.equal((await post(bodies[0], JSONH)).status, 200, 'taken again once the others are done');
});

test(`the costliest bodies the limits let through: under ${MEMORY_BUDGET_MB} MB each, /usage p99 under ${P99_BUDGET_MS} ms while they are decoded`, { timeout: 120_000 }, async (t) => {
  const now = Date.now();
  // Records as Claude Code writes them, padded with attributes to the limits: 2,048 records, 28 attributes each.
  const record = (i: number) => {
    const a: Record<string, string | number> = { 'event.name': 'api_request', 'event.timestamp': new Date(now - 1000).toISOString(), 'session.id': `W${i % 8}`, request_id: `worst-${i}-${Math.random()}`, model: 'claude-opus-4-6', input_tokens: '12', output_tokens: 34, cache_read_tokens: 900, cache_creation_tokens: 55, cost_usd: 0.01 };
    for (let k = Object.keys(a).length; k < 28; k++) a[`pad.${k}`] = 'v'.repeat(20);
    return { timeUnixNano: String(BigInt(now - 1000) * 1_000_000n), body: { stringValue: 'claude_code.api_request' }, attributes: kv(a) };
  };
  const full = () => logsRequest(Array.from({ length: DEFAULT_LIMITS.maxRecords }, (_, i) => record(i)));
  const points = () => {
    const m = metricsRequest(Array.from({ length: DEFAULT_LIMITS.maxRecords - 1 }, (_, i) => ({ type: 'input' as const, value: i + 1, session: `W${i % 8}`, at: now - 1000 }))) as any;
    for (const dp of m.resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints) dp.attributes.push(...kv(Object.fromEntries(Array.from({ length: 24 }, (_, k) => [`pad.${k}`, 'v'.repeat(20)]))));
    return m;
  };
  const big = logsRequest([record(0)]) as any;
  big.resourceLogs[0].scopeLogs[0].logRecords[0].attributes.push({ key: 'prompt', value: { stringValue: 'é'.repeat(2_080_000) } }); // 4 MiB of two-byte text
  const empties = Buffer.alloc(2 * (DEFAULT_LIMITS.maxValues - 1)).fill(Buffer.from([0x0a, 0x00]));
  const bodies: [string, Uint8Array | string, Record<string, string>, 'logs' | 'metrics'][] = [
    ['2,048 records x 28 attributes, JSON', JSON.stringify(full()), JSONH, 'logs'],
    ['2,048 records x 28 attributes, protobuf', pbLogs(full()), PB, 'logs'],
    ['the same, gzip', gzipSync(JSON.stringify(full())), { ...JSONH, 'Content-Encoding': 'gzip' }, 'logs'],
    ['2,047 data points x 27 attributes, protobuf', pbMetrics(points()), PB, 'metrics'],
    ['262,143 empty ResourceLogs, protobuf', empties, PB, 'logs'],
    ['4 MiB of non-ASCII text, JSON', JSON.stringify(big), JSONH, 'logs'],
    ['4 MiB of non-ASCII text, protobuf', pbLogs(big), PB, 'logs'],
  ];
  for (const [what, body, headers] of bodies) {
    const raw = headers['Content-Encoding'] ? null : typeof body === 'string' ? Buffer.from(body) : body;
    if (!raw) continue;
    const values = headers === PB ? countProto(otlpType(what.includes('data points') ? 'ExportMetricsServiceRequest' : 'ExportLogsServiceRequest'), raw, DEFAULT_LIMITS).values : countJson(raw, DEFAULT_LIMITS);
    assert.ok(raw.length <= DEFAULT_LIMITS.maxDecodedBytes, `${what}: within the size limit`);
    t.diagnostic(`${what}: ${(raw.length / MB).toFixed(2)} MB, ${values} values`);
  }
  const prober = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'usage-prober.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const report = () => new Promise<number[]>((resolve) => {
    prober.once('message', (m: { latencies: number[] }) => resolve(m.latencies));
    prober.send('report');
  });
  try {
    prober.send({ start: served.url });
    await new Promise((r) => setTimeout(r, 500));
    const during: number[] = [];
    const rows: string[] = [];
    let worstMB = 0;
    for (let round = 0; round < 2; round++) {
      for (const [what, body, headers, signal] of bodies) {
        prober.send('mark');
        const { value: r, grewMB, ms } = await peakGrowth(() => post(body, headers, signal));
        const lat = await report();
        during.push(...lat);
        assert.equal(r.status, 200, `${what}: ${JSON.stringify(r.json).slice(0, 300)}`);
        assert.ok(grewMB < MEMORY_BUDGET_MB, `${what}: the daemon's peak memory grew ${grewMB.toFixed(1)} MB`);
        worstMB = Math.max(worstMB, grewMB);
        if (round === 1) rows.push(`${what}: ${ms.toFixed(0)} ms, +${grewMB.toFixed(1)} MB, /usage max ${Math.max(...lat).toFixed(1)} ms`);
      }
    }
    during.sort((a, b) => a - b);
    const p99 = during[Math.ceil(0.99 * during.length) - 1];
    const p50 = during[Math.floor(0.5 * during.length)];
    const summary = `worst accepted bodies: peak memory +${worstMB.toFixed(1)} MB at most; /usage while decoding: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${during.length} requests`;
    t.diagnostic(`${summary}; ${rows.join('; ')}`);
    assert.ok(during.length >= 100, `${during.length} /usage answers timed`);
    assert.ok(p99 < P99_BUDGET_MS, `/usage p99 ${p99.toFixed(1)} ms while bodies were decoded`);
    assertUsageSchema(await getJson(`${served.url}/usage`));
  } finally {
    prober.send('stop');
  }
});
