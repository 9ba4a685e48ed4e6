// The OTLP/HTTP receiver on a real loopback socket: encodings, limits, garbage, the engine fed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import protobuf from 'protobufjs';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { Engine } from '../../engine/engine.js';
import { createOtlpApp, OtlpSource } from './index.js';
import { otlpType } from './proto.js';
import { apiRequest, gz, JSONH, kv, logsRequest, PB, PBGZ, pbLogs, post } from '../../../test/helpers/otlp-fixtures.js';

const T0 = Date.now() - 60_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cg-otlp-'));
  dirs.push(d);
  return d;
};

async function started(o: Partial<ConstructorParameters<typeof OtlpSource>[0]> = {}) {
  const events: (ResponseEvent | TurnEvent)[] = [];
  const src = new OtlpSource({ stateDir: tmp(), port: 0, emit: (e) => events.push(e), graceMs: 50, ...o });
  await src.start();
  const a = src.address!;
  return { src, events, base: `http://${a.host}:${a.port}` };
}

test('gzip protobuf api_request events become ResponseEvents; the answer is protobuf', async () => {
  const { src, events, base } = await started();
  try {
    const req = logsRequest([
      apiRequest({ at: T0, session: 'S1', requestId: 'req_1', input: '12', output: 340, cacheRead: '9000', cacheCreation: 55 }),
      { body: { stringValue: 'claude_code.user_prompt' }, attributes: kv({ 'event.name': 'user_prompt', 'session.id': 'S1', 'event.timestamp': new Date(T0 - 1000).toISOString() }) },
      { body: { stringValue: 'claude_code.tool_decision' }, attributes: kv({ 'event.name': 'tool_decision' }) },
    ]);
    const r = await post(base, '/v1/logs', gz(pbLogs(req)), PBGZ);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/x-protobuf');
    assert.deepEqual(otlpType('ExportLogsServiceResponse').toObject(otlpType('ExportLogsServiceResponse').decode(r.body)), {});
    const resp = events.find((e) => e.kind === 'response') as ResponseEvent;
    assert.deepEqual(resp, {
      kind: 'response', key: 'otlp:req_1', at: T0, model: 'claude-opus-4-6', session: 'S1',
      tokens: { input: 12, output: 340, cacheRead: 9000, cacheCreation: 55 },
      thinkingReported: null, noThinking: true, visibleChars: 0, synthetic: false, sidechain: false, speed: false,
    });
    // Telemetry carries no thinking figure: THINKING reads 0 and says so, rather than estimating all output as thinking.
    const engine = new Engine({ ceiling: 'auto', defaultCeiling: 1, redline: 1, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
    engine.apply(resp);
    assert.deepEqual([engine.snapshot(T0 + 1000).thinking_ratio, engine.snapshot(T0 + 1000).thinking_source], [0, 'none']);
    assert.deepEqual(events.find((e) => e.kind === 'turn'), { kind: 'turn', at: T0 - 1000, session: 'S1', awaiting: true });
    assert.equal(events.length, 2, 'other events are ignored');
    assert.equal(src.address!.host, '127.0.0.1', 'loopback by default');
  } finally {
    await src.close();
    await src.close(); // twice is safe
  }
});

test('a protobuf body written by hand with the spec\'s field numbers decodes the same', async () => {
  // Independent of our .proto: LogsData 1 resource_logs; ResourceLogs 2 scope_logs; ScopeLogs 2 log_records;
  // LogRecord 1 time_unix_nano (fixed64), 5 body, 6 attributes; KeyValue 1 key, 2 value; AnyValue 1 string, 3 int.
  const W = protobuf.Writer;
  const kvs = (k: string, s: string) => W.create().uint32(10).string(k).uint32(18).fork().uint32(10).string(s).ldelim().finish();
  const kvi = (k: string, n: number) => W.create().uint32(10).string(k).uint32(18).fork().uint32(24).int64(n).ldelim().finish();
  const ns = BigInt(T0) * 1_000_000n;
  const rec = W.create().uint32(9).fixed32(Number(ns & 0xffffffffn)).fixed32(Number(ns >> 32n));
  for (const a of [kvs('event.name', 'api_request'), kvs('session.id', 'S9'), kvs('request_id', 'req_hand'), kvs('model', 'claude-haiku-4-5'), kvi('input_tokens', 7), kvi('output_tokens', 70), kvs('cache_read_tokens', '700')]) rec.uint32(50).bytes(a);
  const scope = W.create().uint32(18).bytes(rec.finish()).finish();
  const rl = W.create().uint32(18).bytes(scope).finish();
  const body = W.create().uint32(10).bytes(rl).finish();
  const { src, events, base } = await started();
  try {
    assert.equal((await post(base, '/v1/logs', body, PB)).status, 200);
    const e = events[0] as ResponseEvent;
    assert.equal(e.key, 'otlp:req_hand');
    assert.equal(e.at, T0);
    assert.equal(e.model, 'claude-haiku-4-5');
    assert.deepEqual(e.tokens, { input: 7, output: 70, cacheRead: 700, cacheCreation: 0 });
  } finally {
    await src.close();
  }
});

test('OTLP/JSON, snake_case names and string numbers included, feeds the real engine', async () => {
  const engine = new Engine({ ceiling: 1_000_000, defaultCeiling: 1, redline: 1e9, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false });
  const { src, base } = await started({ emit: (e) => engine.apply(e) });
  try {
    const a = apiRequest({ at: T0, session: 'S2', requestId: 'req_2', input: 100, output: 200, cacheRead: 700 });
    const b = { time_unix_nano: String(BigInt(T0 + 1000) * 1_000_000n), attributes: [
      { key: 'event.name', value: { string_value: 'api_request' } },
      { key: 'request_id', value: { string_value: 'req_3' } },
      { key: 'input_tokens', value: { int_value: '1000' } },
      { key: 'model', value: { string_value: 'claude-sonnet-4-5' } },
    ] };
    const r = await post(base, '/v1/logs', JSON.stringify({ resource_logs: [{ scope_logs: [{ log_records: [a, b] }] }] }), JSONH);
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/json/);
    assert.deepEqual(r.json(), {});
    // the same request again (an exporter retry) changes nothing
    await post(base, '/v1/logs', JSON.stringify(logsRequest([a])), JSONH);
    const s = engine.snapshot(T0 + 5000);
    assert.equal(s.window_5h_tokens, 2000);
    assert.equal(s.rate_1m, 2000);
    assert.equal(s.cache_hit_rate, 700 / 1800);
    assert.equal(s.last_model, 'sonnet');
    assert.equal(src.health().records, 3);
  } finally {
    await src.close();
  }
});

test('unusable api_request records come back as partial success', async () => {
  const { src, base, events } = await started();
  try {
    const req = logsRequest([apiRequest({ at: T0, requestId: 'ok', input: 1 }), apiRequest({ at: T0, requestId: 'bad', input: 'lots' }), apiRequest({ at: T0, requestId: 'none' })]);
    const r = await post(base, '/v1/logs', JSON.stringify(req), JSONH);
    assert.equal(r.status, 200);
    assert.equal(r.json().partialSuccess.rejectedLogRecords, '2');
    assert.match(r.json().partialSuccess.errorMessage, /token counts/);
    assert.equal(events.length, 1);
    const pr = await post(base, '/v1/logs', pbLogs(req), PB);
    const T = otlpType('ExportLogsServiceResponse');
    assert.equal(String((T.toObject(T.decode(pr.body), { longs: String }) as any).partialSuccess.rejectedLogRecords), '2');
    assert.equal(src.health().skipped_lines, 4);
  } finally {
    await src.close();
  }
});

test('garbage, wrong types, oversized bodies and zip bombs get clear 4xx answers: a google.rpc.Status in the request\'s encoding', async () => {
  const limits = { maxBytes: 64 * 1024, maxDecodedBytes: 256 * 1024 };
  const { src, base, events } = await started({ limits });
  try {
    const expect = async (p: Promise<Awaited<ReturnType<typeof post>>>, status: number, error: string) => {
      const r = await p;
      assert.equal(r.status, status, r.body.toString());
      assert.match(r.type, /application\/(json|x-protobuf)/);
      const s = r.error();
      assert.equal(s.reason, error);
      assert.equal(s.code, { 400: 3, 413: 8, 415: 3 }[status], 'the gRPC code OTLP/HTTP pairs with the HTTP status');
      assert.ok(s.message.length > error.length + 5);
    };
    await expect(post(base, '/v1/logs', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), PB), 400, 'bad_body');
    const pbErr = await post(base, '/v1/logs', new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), PB);
    assert.equal(pbErr.type, 'application/x-protobuf', 'a protobuf request hears a protobuf Status');
    assert.throws(() => pbErr.json(), 'not JSON');
    assert.match((await post(base, '/v1/logs', '[1,2]', JSONH)).type, /application\/json/);
    await expect(post(base, '/v1/metrics', '{"resourceMetrics": [', JSONH), 400, 'bad_body');
    await expect(post(base, '/v1/logs', '[1,2]', JSONH), 400, 'bad_body');
    await expect(post(base, '/v1/logs', 'hello', { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type');
    await expect(post(base, '/v1/logs', '{}', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }), 415, 'unsupported_encoding');
    await expect(post(base, '/v1/logs', 'not gzip at all', { ...JSONH, 'Content-Encoding': 'gzip' }), 400, 'bad_gzip');
    // too large on the wire: declared, and streamed without a length
    await expect(post(base, '/v1/logs', new Uint8Array(limits.maxBytes + 1), PB), 413, 'payload_too_large');
    const chunks = new ReadableStream({ start(c) { for (let i = 0; i < 8; i++) c.enqueue(new Uint8Array(16 * 1024)); c.close(); } });
    const streamed = await fetch(`${base}/v1/logs`, { method: 'POST', body: chunks, headers: PB, duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    // a zip bomb: 64 MiB of zeros in about 64 KiB of gzip, cut off at the decompressed limit
    const bomb = gz(new Uint8Array(64 * 1024 * 1024));
    assert.ok(bomb.byteLength < limits.maxBytes);
    const t = Date.now();
    await expect(post(base, '/v1/logs', bomb, PBGZ), 413, 'payload_too_large');
    assert.ok(Date.now() - t < 2000, 'the bomb is not inflated whole');
    // wrong method, wrong path
    assert.equal((await fetch(`${base}/v1/logs`)).status, 405);
    assert.equal((await post(base, '/v1/traces', '{}', JSONH)).status, 404);
    assert.equal(events.length, 0);
    assert.equal(src.counters().badRequests, 11); // the nine above and the two encoding checks
    // still healthy and working afterwards
    assert.equal((await post(base, '/v1/logs', gz(pbLogs(logsRequest([apiRequest({ at: T0, requestId: 'after', input: 5 })]))), PBGZ)).status, 200);
    assert.equal(events.length, 1);
    assert.equal(src.health().ok, true);
  } finally {
    await src.close();
  }
});

test('a request that cannot be kept gets a retryable 503', async () => {
  const app = createOtlpApp({ logs: async () => { throw new Error('disk full'); }, metrics: async () => ({ rejected: 0 }) });
  const r = await app.request('/v1/logs', { method: 'POST', body: '{}', headers: JSONH });
  assert.equal(r.status, 503);
  assert.equal(r.headers.get('retry-after'), '5');
  assert.match((await r.json()).message, /disk full/);
  const ok = await app.request('/v1/metrics', { method: 'POST', body: '{}', headers: JSONH });
  assert.equal(ok.status, 200);
});

test('--otlp-host opens the receiver beyond loopback', async () => {
  const { src } = await started({ host: '0.0.0.0' });
  try {
    assert.equal(src.address!.host, '0.0.0.0');
  } finally {
    await src.close();
  }
});

test('a deeply nested attribute value is read as far as needed, never a retryable 503', async () => {
  // Valid OTLP/JSON whose attribute nests arrays 20,000 deep: reading it recursively overflowed
  // the stack and the receiver answered 503, so an exporter would have resent it forever.
  const { src, base, events } = await started();
  try {
    const N = 20_000;
    const deep = '{"arrayValue":{"values":['.repeat(N) + '{"stringValue":"x"}' + ']}}'.repeat(N);
    const attrs = kv({ 'event.name': 'api_request', request_id: 'deep', input_tokens: 3 }).map((a) => JSON.stringify(a)).join(',');
    const body = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[${attrs},{"key":"deep","value":${deep}}]}]}]}]}`;
    const r = await post(base, '/v1/logs', gz(body), { ...JSONH, 'Content-Encoding': 'gzip' });
    assert.equal(r.status, 200, r.body.toString().slice(0, 200));
    assert.deepEqual(r.json(), {});
    assert.equal((events[0] as ResponseEvent).tokens.input, 3, 'the record is read; only the deep value is not');
    assert.equal(src.health().ok, true);
  } finally {
    await src.close();
  }
});
