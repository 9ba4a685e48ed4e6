// The OTLP receiver of a real `serve --source otlp`, with its default limits (4 MiB on the wire,
// 16 MiB inflated): a 1 GiB gzip bomb is refused without being inflated (the daemon's peak memory
// is read from /proc), oversize is 413 before and after gzip, garbage 400, wrong types 415, and
// the receiver keeps counting afterwards.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { apiRequest, JSONH, logsRequest, otlpStatus, PB, PBGZ, pbLogs } from '../../src/sources/otlp/fixtures.js';
import { getJson, isolatedEnv, startServe, tempDir, type Served } from '../helpers/cli.js';

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

async function post(body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  const r = await fetch(`${otlp}/v1/logs`, { method: 'POST', body: body as unknown as BodyInit, headers }).catch((e: Error) => e);
  if (r instanceof Error) return { status: 0, json: { error: `connection: ${r.message}` } };
  const answer = Buffer.from(await r.arrayBuffer());
  let json: any = null;
  try {
    const s = otlpStatus(r.headers.get("content-type") ?? "", answer); // a google.rpc.Status in either encoding
    json = { ...s, error: s.reason };
  } catch {
    json = answer.toString("utf8");
  }
  return { status: r.status, json };
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
