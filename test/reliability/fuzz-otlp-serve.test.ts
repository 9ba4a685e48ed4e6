// Generated hostile OTLP records through the real HTTP receiver of a real `serve --source otlp`,
// in batches: logs and metrics, JSON and protobuf, gzip or not. Each record is either good (known
// tokens, with noise around it: extra fields and attributes, numbers as strings, missing optional
// fields), poisoned (a good record with at least one value no gauge may take: a timestamp across
// and beyond the Date range, a token count across the double range, a wrong type, a string too
// long, no counts at all), or junk that is no event. After every request: 200, exactly the
// poisoned records refused through partial_success, /usage schema-valid with exactly the good
// tokens; after every batch: every journaled line within range, and a restart of serve on what
// it left on disk that comes back with the same figures. Time-boxed; FUZZ_SEED replays a run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { rejection } from '../../src/core/validate.js';
import { JOURNAL_FILE } from '../../src/sources/otlp/journal.js';
import { otlpType } from '../../src/sources/otlp/proto.js';
import { JSONH, PB, pbLogs, pbMetrics, post, RESOURCE } from '../helpers/otlp-fixtures.js';
import { tempDir } from '../helpers/cli.js';
import { assertRunning, restart, startOtlpServe, usage, type OtlpServed } from './otlp-serve.js';

/** Seconds of batches per CI run, and the records they must reach at least (the target). */
const SECONDS = Number(process.env.FUZZ_SERVE_SECONDS ?? 40);
const MIN_RECORDS = 10_000;
const HARD_STOP_S = 100;
const PER_REQUEST = 220;
const SEED = process.env.FUZZ_SEED === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(process.env.FUZZ_SEED);

type Enc = 'json' | 'protobuf';
type Obj = Record<string, unknown>;
type Value = Record<string, unknown>;

const MIN_AT = Date.UTC(2000, 0, 1);
const MAX_AT = Date.UTC(2100, 0, 1);
const NS = 1_000_000n;
const inRange = (ms: number) => ms >= MIN_AT && ms < MAX_AT;
const nsOf = (ms: number) => String(BigInt(ms) * NS);
/** A count the gauges take (core/validate.ts tokenCount): a whole number from 0 to 1e9. */
const isCount = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1e9;
const attr = (key: string, value: Value) => ({ key, value });
const str = (s: string): Value => ({ stringValue: s });

// --- poisons: values no gauge may take, in forms each encoding can carry -------------------------

/** Nanosecond times outside 2000-2100 (never 0, which means unset). */
const badNanos = (enc: Enc): fc.Arbitrary<unknown> => {
  const uint64 = fc.oneof(
    fc.bigInt({ min: 1n, max: BigInt(MIN_AT) * NS - 1n }),
    fc.bigInt({ min: BigInt(MAX_AT) * NS, max: 2n ** 64n - 1n }),
  ).map(String);
  if (enc === 'protobuf') return uint64;
  return fc.oneof(
    uint64,
    fc.bigInt({ min: 2n ** 64n, max: 10n ** 40n }).map(String),
    fc.constantFrom('99999999999999999999999999', '-5', 'abc', '1e30', ' 1', '0x10', '١٢٣'),
    fc.oneof(fc.double({ min: 1e22, max: 1e300, noNaN: true }), fc.double({ min: -1e300, max: -1, noNaN: true })),
  );
};

/** ISO strings (and other values) in event.timestamp that are no instant within 2000-2100. */
const badStamp = (enc: Enc): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).filter((d) => !inRange(d.getTime())).map((d) => str(d.toISOString())),
    fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2100-01-01T00:00:00.000Z', 'yesterday', 'NaN').map(str),
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !inRange(Date.parse(s))).map(str),
    ...(enc === 'json' ? [fc.constant({ intValue: 'abc' }), fc.constant({ boolValue: true })] : [fc.constant({ boolValue: true })]),
  );

/** Token counts that are no count: across the double range, negative, fractional, wrong types. */
const badCount = (enc: Enc): fc.Arbitrary<Value> =>
  fc.oneof(
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b < 0n || b > 1_000_000_000n).map((b) => ({ intValue: String(b) })),
    fc.double({ noNaN: enc === 'json', noDefaultInfinity: enc === 'json' }).filter((d) => !isCount(d) && !Object.is(d, -0)).map((d) => ({ doubleValue: d })),
    fc.constantFrom(1e308, -1, 2.5, 1e10, Number.MAX_SAFE_INTEGER + 2, 5e-324).map((d) => ({ doubleValue: d })),
    fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '' && !isCount(Number(s))).map(str),
    fc.constantFrom('abc', '1e999', '-0.5', '1,000', 'Infinity').map(str),
    fc.boolean().map((b) => ({ boolValue: b })),
    fc.array(fc.integer(), { maxLength: 3 }).map((a) => ({ arrayValue: { values: a.map((i) => ({ intValue: String(i) })) } })),
    ...(enc === 'json' ? [fc.constantFrom({ intValue: 'abc' }, { intValue: 2.5 }, { intValue: '12 ' }, { intValue: '' }, { intValue: '1e3' })] : []),
  );

const longString = fc.integer({ min: 1025, max: 3000 }).map((n) => 'x'.repeat(n));

// --- noise: fields around a record that change nothing ------------------------------------------

const anyValue: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ maxLength: 20 }).map(str),
  fc.integer().map((i) => ({ intValue: String(i) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => ({ doubleValue: d })),
  fc.boolean().map((b) => ({ boolValue: b })),
  fc.array(fc.string({ maxLength: 5 }).map(str), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }).map(str), { maxKeys: 3 }).map((o) => ({ kvlistValue: { values: Object.entries(o).map(([k, v]) => attr(k, v)) } })),
);
/** Extra attributes under keys the receiver does not read. */
const extraAttrs = fc.array(fc.tuple(fc.string({ maxLength: 12 }).map((k) => `x.${k}`), anyValue), { maxLength: 4 }).map((l) => l.map(([k, v]) => attr(k, v)));
/** Extra fields on the record itself (JSON; protobuf drops what is not in its schema). */
const extraFields = fc.dictionary(fc.string({ maxLength: 8 }).map((k) => `extra_${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

// --- records -----------------------------------------------------------------------------------

interface Good {
  tokens: number;
}

const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_creation_tokens'] as const;

/** A count as Claude Code sends it: an int64, a whole double, or a numeric string. */
const goodCount = fc.tuple(fc.nat(200_000), fc.constantFrom('int', 'double', 'string')).map(([n, how]) => ({ n, value: how === 'int' ? { intValue: String(n) } : how === 'double' ? { doubleValue: n } : str(String(n)) }));

interface Built {
  rec: Obj;
  good?: Good;
  poisoned: boolean;
}

function buildRecord(enc: Enc, now: number) {
  return fc
    .record({
      kind: fc.constantFrom('api_request', 'api_request', 'api_request', 'user_prompt', 'tool_result'),
      ageMs: fc.nat(4 * 60_000),
      timeHow: fc.constantFrom('both', 'nanos', 'stamp', 'observed', 'none'),
      counts: fc.array(fc.option(goodCount, { nil: undefined }), { minLength: 4, maxLength: 4 }),
      model: fc.option(fc.constantFrom('claude-opus-4-6', 'claude-sonnet-4-5', '<synthetic>'), { nil: undefined }),
      session: fc.nat(5),
      noise: extraAttrs,
      fields: enc === 'json' ? extraFields : fc.constant({}),
      snake: fc.boolean(),
      poison: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.record({ at: fc.constantFrom('timeUnixNano', 'observedTimeUnixNano'), v: badNanos(enc) }).map((p) => ({ kind: 'nanos' as const, ...p })) },
        { weight: 1, arbitrary: badStamp(enc).map((v) => ({ kind: 'stamp' as const, v })) },
        { weight: 2, arbitrary: fc.record({ key: fc.constantFrom(...TOKEN_KEYS), v: badCount(enc) }).map((p) => ({ kind: 'count' as const, ...p })) },
        { weight: 1, arbitrary: fc.constant({ kind: 'no-counts' as const }) },
        { weight: 1, arbitrary: fc.record({ key: fc.constantFrom('model', 'session.id', 'request_id'), v: longString }).map((p) => ({ kind: 'long' as const, ...p })) },
        ...(enc === 'json' ? [{ weight: 1, arbitrary: fc.constantFrom({}, 'x', 5, null).map((v) => ({ kind: 'attributes' as const, v })) }] : []),
      ),
    })
    .map((g): Built | null => {
      const at = now - g.ageMs;
      const api = g.kind === 'api_request';
      // A turn (prompt, tool result) has no counts, model or request id: only its time and session can poison it.
      const p = g.poison;
      const poison = p && (api || p.kind === 'nanos' || p.kind === 'stamp' || (p.kind === 'long' && p.key === 'session.id')) ? p : null;
      const counts = api ? g.counts.map((c, i) => (c ?? (i === 0 ? { n: 0, value: { intValue: '0' } } : undefined))) : [];
      const attrs = [attr('event.name', str(g.kind)), attr('session.id', str(`V${g.session}`)), ...g.noise];
      if (api) attrs.push(attr('request_id', str('(set by logsBatch)')));
      if (g.model) attrs.push(attr('model', str(g.model)));
      if (g.timeHow === 'both' || g.timeHow === 'stamp') attrs.push(attr('event.timestamp', str(new Date(at).toISOString())));
      counts.forEach((c, i) => c && attrs.push(attr(TOKEN_KEYS[i], c.value)));
      const rec: Obj = { body: str(`claude_code.${g.kind}`), attributes: attrs, ...g.fields };
      const timeKey = g.snake && enc === 'json' ? 'time_unix_nano' : 'timeUnixNano';
      if (g.timeHow === 'both' || g.timeHow === 'nanos') rec[timeKey] = nsOf(at);
      if (g.timeHow === 'observed') rec.observedTimeUnixNano = nsOf(at);
      if (poison) {
        const set = (key: string, v: Value) => {
          const i = attrs.findIndex((a) => a.key === key);
          if (i >= 0) attrs[i] = attr(key, v);
          else attrs.push(attr(key, v));
        };
        if (poison.kind === 'nanos') {
          delete rec.time_unix_nano;
          rec[poison.at] = poison.v;
        } else if (poison.kind === 'stamp') set('event.timestamp', poison.v);
        else if (poison.kind === 'count') set(poison.key, poison.v);
        else if (poison.kind === 'no-counts') rec.attributes = attrs.filter((a) => !(TOKEN_KEYS as readonly string[]).includes(a.key));
        else if (poison.kind === 'long') set(poison.key, str(poison.v));
        else if (poison.kind === 'attributes') rec.attributes = poison.v;
      }
      if (enc === 'protobuf' && Object.keys(g.fields).length) return null;
      const tokens = counts.reduce((s, c) => s + (c?.n ?? 0), 0);
      return { rec, poisoned: poison !== null, good: api && !poison ? { tokens } : undefined };
    })
    .filter((b): b is Built => b !== null);
}

/** Records that are no event at all: other event names, and (JSON) any value where a record belongs. */
const junkRecord = (enc: Enc): fc.Arbitrary<Obj | unknown> =>
  fc.oneof(
    fc.record({ name: fc.constantFrom('tool_decision', 'api_error', 'claude_code.other', ''), noise: extraAttrs }).map(({ name, noise }) => ({ attributes: [attr('event.name', str(name)), ...noise, attr('input_tokens', { intValue: '999' })] })),
    ...(enc === 'json' ? [fc.jsonValue({ maxDepth: 3 }).filter((v) => !JSON.stringify(v).includes('api_request') && !JSON.stringify(v).includes('user_prompt') && !JSON.stringify(v).includes('tool_result'))] : []),
  );

interface LogsBatch {
  body: Obj;
  good: number;
  tokens: number;
  poisoned: number;
  records: number;
}

function logsBatch(enc: Enc, now: number, seed: number): LogsBatch {
  const built = fc.sample(buildRecord(enc, now), { seed, numRuns: PER_REQUEST });
  // Request ids unique over the whole run (a repeated id is a retry, counted once by design).
  built.forEach((b, i) => {
    const id = Array.isArray(b.rec.attributes) ? (b.rec.attributes as { key: string; value: Value }[]).find((a) => a.key === 'request_id') : undefined;
    if (id && id.value.stringValue === '(set by logsBatch)') id.value = str(`req-${seed}-${i}`);
  });
  const junk = fc.sample(junkRecord(enc), { seed: seed + 1, numRuns: Math.floor(PER_REQUEST / 6) });
  const records = [...built.map((b) => b.rec), ...junk];
  // Spread over two scopes, with a junk scope and resource (JSON) in the envelope.
  const half = Math.floor(records.length / 2);
  const scopeLogs: unknown[] = [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: records.slice(0, half) }, { logRecords: records.slice(half) }];
  const resourceLogs: unknown[] = [{ resource: RESOURCE, scopeLogs }];
  if (enc === 'json') resourceLogs.push(5, null, {}, { scopeLogs: [{ logRecords: 'x' }, 7] });
  return {
    body: { resourceLogs },
    good: built.filter((b) => b.good).length,
    tokens: built.reduce((s, b) => s + (b.good?.tokens ?? 0), 0),
    poisoned: built.filter((b) => b.poisoned).length,
    records: records.length,
  };
}

interface MetricsBatch {
  body: Obj;
  poisoned: number;
  points: number;
}

/** token.usage points of sessions that also send events (so none of them adds tokens), some poisoned. */
function metricsBatch(enc: Enc, now: number, seed: number): MetricsBatch {
  const cumulative = seed % 2 === 0;
  const point = fc
    .record({
      type: fc.constantFrom('input', 'output', 'cacheRead', 'cacheCreation'),
      value: fc.nat(1_000_000),
      asDouble: fc.boolean(),
      session: fc.nat(5),
      ageMs: fc.nat(60_000),
      noise: extraAttrs,
      poison: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.record({ at: fc.constantFrom('timeUnixNano', 'startTimeUnixNano'), v: badNanos(enc) }).map((p) => ({ kind: 'time' as const, ...p })) },
        {
          weight: 2,
          arbitrary: fc.oneof(
            fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b < 0n || b > (cumulative ? 10n ** 15n : 1_000_000_000n)).map((b) => ({ asInt: String(b) })),
            fc.double({ noNaN: enc === 'json', noDefaultInfinity: enc === 'json' }).filter((d) => !(Number.isInteger(d) && d >= 0 && d <= (cumulative ? 1e15 : 1e9)) && !Object.is(d, -0)).map((d) => ({ asDouble: d })),
          ).map((v) => ({ kind: 'value' as const, v })),
        },
        { weight: 1, arbitrary: fc.constantFrom('bogus', '', 'INPUT').map((t) => ({ kind: 'type' as const, t })) },
        { weight: 1, arbitrary: fc.record({ key: fc.constantFrom('model', 'session.id'), v: longString }).map((p) => ({ kind: 'long' as const, ...p })) },
      ),
    })
    .map((g) => {
      const time = now - g.ageMs;
      const attrs = [attr('type', str(g.poison?.kind === 'type' ? g.poison.t : g.type)), attr('session.id', str(`V${g.session}`)), attr('model', str('claude-opus-4-6')), ...g.noise];
      if (g.poison?.kind === 'long') attrs.push(attr(g.poison.key, str(g.poison.v)));
      const dp: Obj = { attributes: attrs, startTimeUnixNano: nsOf(time - 60_000), timeUnixNano: nsOf(time), ...(g.asDouble ? { asDouble: g.value } : { asInt: String(g.value) }) };
      if (g.poison?.kind === 'time') dp[g.poison.at] = g.poison.v;
      if (g.poison?.kind === 'value') {
        delete dp.asDouble;
        delete dp.asInt;
        Object.assign(dp, g.poison.v);
      }
      return { dp, poisoned: g.poison !== null };
    });
  const points = fc.sample(point, { seed, numRuns: PER_REQUEST });
  const metrics: unknown[] = [
    { name: 'claude_code.cost.usage', sum: { aggregationTemporality: cumulative ? 2 : 1, dataPoints: [{ asDouble: 0.5, timeUnixNano: nsOf(now) }] } },
    { name: 'claude_code.token.usage', unit: 'tokens', sum: { aggregationTemporality: cumulative ? 2 : 1, isMonotonic: true, dataPoints: points.map((p) => p.dp) } },
  ];
  if (enc === 'json') metrics.push({ name: 'claude_code.token.usage', gauge: { dataPoints: 'x' } }, 5, null);
  return { body: { resourceMetrics: [{ resource: RESOURCE, scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code' }, metrics }] }] }, poisoned: points.filter((p) => p.poisoned).length, points: points.length };
}

// --- the run ------------------------------------------------------------------------------------

const running: OtlpServed[] = [];
after(async () => {
  for (const s of running) await s.stop();
});

function answer(kind: 'logs' | 'metrics', r: Awaited<ReturnType<typeof post>>): Record<string, any> {
  if (/json/.test(r.type)) return r.json();
  const T = otlpType(kind === 'logs' ? 'ExportLogsServiceResponse' : 'ExportMetricsServiceResponse');
  return T.toObject(T.decode(r.body), { longs: String });
}

/** Every journaled record is within range: what the receiver refused never reached the disk. */
function assertJournalInRange(state: string): number {
  const lines = readFileSync(path.join(state, JOURNAL_FILE), 'utf8').split('\n').filter(Boolean);
  for (const line of lines) {
    const r = JSON.parse(line);
    if (r.t === 'e' || r.t === 'm') assert.equal(rejection(r.e), null, `journaled out of range: ${line.slice(0, 300)}`);
  }
  return lines.length;
}

test('hostile OTLP records through a real serve, logs and metrics, JSON and protobuf: every poisoned one refused, every good one counted once, every restart good', { timeout: (HARD_STOP_S + 60) * 1000 }, async (t) => {
  const state = await tempDir('fuzz-otlp-serve');
  let s = await startOtlpServe(state);
  running.push(s);
  const started = Date.now();
  let expected = 0;
  let records = 0;
  let refused = 0;
  let batches = 0;
  let requests = 0;
  let restarts = 0;
  try {
    while ((Date.now() - started < SECONDS * 1000 || records < MIN_RECORDS) && Date.now() - started < HARD_STOP_S * 1000) {
      const seed = (SEED + batches * 16) | 0;
      const now = Date.now();
      for (const [i, enc] of (['json', 'protobuf'] as const).entries()) {
        const b = logsBatch(enc, now, seed + i);
        const bytes = enc === 'json' ? Buffer.from(JSON.stringify(b.body)) : Buffer.from(pbLogs(b.body));
        const gzip = (seed + i) % 3 === 0;
        const headers = { ...(enc === 'json' ? JSONH : PB), ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) };
        const r = await post(s.otlp, '/v1/logs', gzip ? gzipSync(bytes) : bytes, headers);
        assert.equal(r.status, 200, `logs ${enc} (seed ${seed + i}, replay: FUZZ_SEED=${SEED}): ${r.body.toString().slice(0, 300)}`);
        const a = answer('logs', r);
        assert.equal(Number(a.partialSuccess?.rejectedLogRecords ?? 0), b.poisoned, `logs ${enc} (FUZZ_SEED=${SEED}, batch ${batches}): refused ${JSON.stringify(a.partialSuccess)}`);
        expected += b.tokens;
        records += b.records;
        refused += b.poisoned;
        requests++;
        const u = await usage(s);
        assert.equal(u.window_5h_tokens, expected, `logs ${enc} (FUZZ_SEED=${SEED}, batch ${batches}): the good records' tokens, once`);
      }
      for (const [i, enc] of (['json', 'protobuf'] as const).entries()) {
        const m = metricsBatch(enc, now, seed + 2 + i);
        const bytes = enc === 'json' ? Buffer.from(JSON.stringify(m.body)) : Buffer.from(pbMetrics(m.body));
        const r = await post(s.otlp, '/v1/metrics', bytes, enc === 'json' ? JSONH : PB);
        assert.equal(r.status, 200, `metrics ${enc} (FUZZ_SEED=${SEED}, batch ${batches}): ${r.body.toString().slice(0, 300)}`);
        const a = answer('metrics', r);
        assert.equal(Number(a.partialSuccess?.rejectedDataPoints ?? 0), m.poisoned, `metrics ${enc} (FUZZ_SEED=${SEED}, batch ${batches}): refused ${JSON.stringify(a.partialSuccess)}`);
        records += m.points;
        refused += m.poisoned;
        requests++;
        assert.equal((await usage(s)).window_5h_tokens, expected, 'points of sessions that send events add nothing');
      }
      assertRunning(s);
      assertJournalInRange(state);
      // A restart on what this batch left on disk.
      s = await restart(s);
      running.push(s);
      restarts++;
      const u = await usage(s);
      assert.equal(u.window_5h_tokens, expected, `after restart ${restarts} (FUZZ_SEED=${SEED}): the journal brought back every good record, once`);
      batches++;
    }
  } finally {
    const took = ((Date.now() - started) / 1000).toFixed(1);
    t.diagnostic(`otlp through serve: ${records} records (${refused} poisoned, all refused) in ${requests} requests, ${batches} batches, ${restarts} restarts, ${took} s, seed ${SEED}; ${expected} good tokens counted exactly`);
  }
  assert.ok(records >= MIN_RECORDS, `${records} records in ${HARD_STOP_S} s`);
});
