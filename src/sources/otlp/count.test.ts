// The work bounds counted before a body is decoded (count.ts): the protobuf walk counts exactly
// what protobufjs then builds, stops at the first limit passed, and refuses what the decoder
// would read differently; the JSON count bounds what JSON.parse builds. In this thread, on the
// functions themselves; test/reliability/http-otlp-limits.test.ts drives a real daemon.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { BodyError, DEFAULT_LIMITS } from './body.js';
import { countJson, countParsed, countProto } from './count.js';
import { decodeRequest, parse } from './decode.js';
import { DecodeThread } from './offthread.js';
import { apiRequest, kv, logsRequest, metricsRequest, pbLogs, pbMetrics } from '../../../test/helpers/otlp-fixtures.js';
import { otlpType } from './proto.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const LOGS = otlpType('ExportLogsServiceRequest');
const METRICS = otlpType('ExportMetricsServiceRequest');
const W = protobuf.Writer;

/** What protobufjs builds from a decoded request: embedded messages, log records and data points, key-values. */
function built(obj: unknown): { messages: number; records: number; attributes: number } {
  const out = { messages: 0, records: 0, attributes: 0 };
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, key));
    if (!v || typeof v !== 'object') return;
    out.messages++;
    if (key === 'logRecords' || key === 'dataPoints') out.records++;
    if (key === 'attributes' || (key === 'values' && 'key' in (v as object))) out.attributes++;
    for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const [k, x] of Object.entries(obj as object)) walk(x, k);
  return out;
}

function sample(n: number): Record<string, unknown> {
  const recs = Array.from({ length: n }, (_, i) => apiRequest({ at: NOW - i, session: 'S', requestId: `r${i}`, input: i, output: 2 * i }));
  const req = logsRequest(recs) as any;
  // a nested list and a key-value list among the attributes
  req.resourceLogs[0].scopeLogs[0].logRecords[0].attributes.push({ key: 'nested', value: { arrayValue: { values: [{ stringValue: 'a' }, { kvlistValue: { values: kv({ x: 1, y: 'z' }) } }] } } });
  return req;
}

test('the protobuf walk counts the records and attributes protobufjs builds, no more and no fewer', () => {
  for (const [type, req] of [[LOGS, sample(1)], [LOGS, sample(37)], [METRICS, metricsRequest([{ type: 'input', value: 5, at: NOW }, { type: 'output', value: 7, at: NOW, session: 'S' }])]] as const) {
    const bytes = type === LOGS ? pbLogs(req) : pbMetrics(req);
    const c = countProto(type, bytes, DEFAULT_LIMITS);
    const b = built(type.toObject(type.decode(bytes), { defaults: false }));
    assert.equal(c.records, b.records);
    assert.equal(c.attributes, b.attributes);
    assert.ok(c.values >= b.messages, `${c.values} values counted, ${b.messages} messages built`);
  }
});

test('repeated empty ResourceLogs are counted without being built, and refused at the limit', () => {
  const empties = (n: number) => Buffer.alloc(2 * n).fill(Buffer.from([0x0a, 0x00])); // field 1, length 0
  const limits = { ...DEFAULT_LIMITS, maxValues: 1000 };
  assert.equal(countProto(LOGS, empties(1000), limits).values, 1000);
  const t0 = performance.now();
  assert.throws(() => countProto(LOGS, empties(2_000_000), limits), (e: BodyError) => e.status === 413 && /1000 values/.test(e.message));
  assert.ok(performance.now() - t0 < 100, 'stops at the limit, not at the end of 4 MB');
});

test('records, attributes and nesting over their limits: 413, in protobuf and in JSON', () => {
  const limits = { ...DEFAULT_LIMITS, maxRecords: 10, maxAttributes: 50 };
  const over = (req: Record<string, unknown>, what: RegExp) => {
    for (const format of ['protobuf', 'json'] as const) {
      const body = format === 'json' ? Buffer.from(JSON.stringify(req)) : pbLogs(req);
      assert.throws(() => parse('logs', format, body, limits), (e: BodyError) => e.status === 413 && what.test(e.message), `${format} ${what}`);
    }
  };
  over(logsRequest(Array.from({ length: 11 }, () => ({}))), /10 records/);
  over(logsRequest([{ attributes: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}` })) }]), /50 attributes/);
  // within them: taken
  assert.ok(parse('logs', 'json', Buffer.from(JSON.stringify(logsRequest(Array.from({ length: 10 }, () => ({}))))), limits));
  // metric data points are records too
  const points = Array.from({ length: 11 }, (_, i) => ({ type: 'input' as const, value: i, at: NOW }));
  assert.throws(() => parse('metrics', 'protobuf', pbMetrics(metricsRequest(points)), limits), (e: BodyError) => e.status === 413);
  assert.throws(() => countParsed('metrics', metricsRequest(points), limits), (e: BodyError) => e.status === 413);
  // protobuf nesting past protobufjs's own limit (100): refused by the walk before the decoder
  // (written by hand: protobufjs will not even encode it). AnyValue 5 array_value, ArrayValue 1 values.
  const nested = (levels: number) => {
    let v = W.create().uint32(10).string('x').finish();
    for (let i = 0; i < levels; i++) v = W.create().uint32((5 << 3) | 2).bytes(W.create().uint32(10).bytes(v).finish()).finish();
    const attr = W.create().uint32(10).string('deep').uint32(18).bytes(v).finish();
    const rec = W.create().uint32((6 << 3) | 2).bytes(attr).finish();
    return W.create().uint32(10).fork().uint32(18).fork().uint32(18).bytes(rec).ldelim().ldelim().finish();
  };
  assert.ok(parse('logs', 'protobuf', nested(40), DEFAULT_LIMITS), '85 levels: taken');
  assert.throws(() => parse('logs', 'protobuf', nested(60), DEFAULT_LIMITS), (e: BodyError) => e.status === 413 && /100 levels of nesting/.test(e.message));
});

test('a field on the wire with another wire type than its declared one is refused, not misread', () => {
  // resource_logs (a message) sent as a varint; then a LogRecord's event_name (a string) sent as a varint.
  assert.throws(() => countProto(LOGS, new Uint8Array([0x08, 0x05]), DEFAULT_LIMITS), (e: BodyError) => e.status === 400);
  const rec = W.create().uint32((12 << 3) | 0).uint32(7).finish();
  const body = W.create().uint32(10).fork().uint32(18).fork().uint32(18).bytes(rec).ldelim().ldelim().finish();
  assert.throws(() => countProto(LOGS, body, DEFAULT_LIMITS), (e: BodyError) => e.status === 400 && /event_name|eventName/.test(e.message));
  // a length running past its message
  assert.throws(() => countProto(LOGS, new Uint8Array([0x0a, 0x05, 0x12, 0x10]), DEFAULT_LIMITS), (e: BodyError) => e.status === 400);
  // unknown fields are skipped, as the decoder skips them
  const unknown = W.create().uint32((99 << 3) | 2).string('whatever').uint32((98 << 3) | 0).uint64(12345).finish();
  assert.equal(countProto(LOGS, unknown, DEFAULT_LIMITS).records, 0);
  assert.deepEqual(LOGS.toObject(LOGS.decode(unknown)), {});
});

test('the JSON count bounds what JSON.parse builds; strings and escapes do not count', () => {
  assert.equal(countJson(Buffer.from('{"a":[1,2,3],"b":{"c":"x,y[z{"}}'), DEFAULT_LIMITS), 6); // { [ , , , {  (not the ones inside the string)
  assert.equal(countJson(Buffer.from('"\\",[{"'), DEFAULT_LIMITS), 0);
  const many = Buffer.from(`{"resourceLogs":[${Array(300_000).fill('{}').join(',')}]}`);
  const t0 = performance.now();
  assert.throws(() => countJson(many, DEFAULT_LIMITS), (e: BodyError) => e.status === 413);
  assert.ok(performance.now() - t0 < 200);
});

test('out-of-range records come back refused with their reasons, the rest of the request taken', () => {
  const good = apiRequest({ at: NOW - 1000, session: 'S', requestId: 'good', input: 5, output: 6 });
  const bad = [
    { ...apiRequest({ at: NOW, requestId: 'ns', input: 1 }), timeUnixNano: '99999999999999999999999999', attributes: kv({ 'event.name': 'api_request', input_tokens: 1 }) },
    apiRequest({ at: NOW, requestId: 'huge', input: 1e308 as number }),
    apiRequest({ at: NOW, requestId: 'neg', input: -1 }),
    apiRequest({ at: NOW, requestId: 'half', input: 2.5 }),
    apiRequest({ at: NOW, requestId: 'abc', input: 'abc' }),
    { ...apiRequest({ at: NOW, requestId: 'date', input: 1 }), attributes: kv({ 'event.name': 'api_request', 'event.timestamp': '+275760-09-13T00:00:00.000Z', input_tokens: 1 }) },
    apiRequest({ at: NOW, requestId: 'x'.repeat(2000), input: 1 }),
  ];
  const body = Buffer.from(JSON.stringify(logsRequest([good, ...bad])));
  const d = decodeRequest({ kind: 'logs', format: 'json', encoding: 'identity', body, now: NOW, limits: DEFAULT_LIMITS });
  assert.ok(d.ok && d.kind === 'logs');
  assert.deepEqual(d.logs.items.map((i) => i.event.kind === 'response' && i.event.key), ['otlp:good']);
  assert.equal(d.logs.rejected, bad.length);
  const msg = d.logs.errors.join('; ');
  assert.match(msg, /2 api_request with a timestamp outside 2000-2100/);
  assert.match(msg, /4 api_request with no usable token counts/);
  assert.match(msg, /1 api_request with fields of the wrong type or longer than 1024/);
  assert.equal(d.journal.trim().split('\n').length, 1, 'only the good record is written out for the journal');
});

test('the decoder thread gives what decoding here gives; a body that outgrows its heap is a 413 for that body, and the next is decoded', { timeout: 60_000 }, async () => {
  const thread = new DecodeThread(undefined, 24);
  thread.start();
  try {
    const req = logsRequest([apiRequest({ at: NOW - 1000, session: 'T', requestId: 'thread', input: 3, output: 4 }), apiRequest({ at: NOW, requestId: 'bad', input: -1 })]);
    for (const [format, body] of [['json', Buffer.from(JSON.stringify(req))], ['protobuf', pbLogs(req)]] as const) {
      const job = { kind: 'logs' as const, format, encoding: 'identity' as const, now: NOW, limits: DEFAULT_LIMITS };
      const here = decodeRequest({ ...job, body: new Uint8Array(body) });
      const there = await thread.decode({ ...job, body: new Uint8Array(body) });
      assert.deepEqual(there, here);
    }
    // Limits lifted far past the defaults: a million objects need more than the 24 MB heap given here.
    const lifted = { ...DEFAULT_LIMITS, maxBytes: 64e6, maxDecodedBytes: 64e6, maxValues: 1e8, maxRecords: 1e8 };
    const huge = Buffer.from(`{"resourceLogs":[${Array(1_500_000).fill('{"scopeLogs":[]}').join(',')}]}`);
    const [blown, queued] = await Promise.all([
      thread.decode({ kind: 'logs', format: 'json', encoding: 'identity', now: NOW, limits: lifted, body: new Uint8Array(huge) }),
      thread.decode({ kind: 'logs', format: 'json', encoding: 'identity', now: NOW, limits: DEFAULT_LIMITS, body: new Uint8Array(Buffer.from(JSON.stringify(req))) }),
    ]);
    assert.deepEqual(blown.ok ? 'decoded' : [blown.status, blown.code], [413, 'payload_too_large'], JSON.stringify(blown).slice(0, 200));
    assert.ok(!queued.ok && queued.status === 503, 'the request queued behind it is sent again (503, retryable)');
    const after = await thread.decode({ kind: 'logs', format: 'json', encoding: 'identity', now: NOW, limits: DEFAULT_LIMITS, body: new Uint8Array(Buffer.from(JSON.stringify(req))) });
    assert.ok(after.ok && after.kind === 'logs' && after.logs.items.length === 1, 'a new worker decodes the next one');
  } finally {
    await thread.close();
  }
});
