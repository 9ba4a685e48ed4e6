// Out-of-range OTLP records against a real `serve --source otlp`, and a journal holding whatever
// an older version, a crash or a stray program left there. Before: the daemon answered 503 to a
// `timeUnixNano` of "99999999999999999999999999", journaled it anyway, died, and died again on
// every start while replaying it. Now: such a record is refused through partial_success with the
// rest of its request taken, never journaled; and any journal replays its good lines only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { JOURNAL_FILE } from '../../src/sources/otlp/journal.js';
import { otlpType } from '../../src/sources/otlp/proto.js';
import { apiRequest, JSONH, kv, logsRequest, metricsRequest, PB, pbLogs, pbMetrics, post, type Attr } from '../helpers/otlp-fixtures.js';
import { tempDir } from '../helpers/cli.js';
import { assertRunning, restart, startOtlpServe, usage, type OtlpServed } from './otlp-serve.js';

const running: OtlpServed[] = [];
after(async () => {
  for (const s of running) await s.stop();
});

const NOW = Date.now();
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

/** An api_request with these attributes (request_id, session S, fresh timestamps unless given). */
function record(id: string, attrs: Attr, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const a: Attr = { 'event.name': 'api_request', 'session.id': 'S', request_id: id, model: 'claude-opus-4-6', ...attrs };
  return { timeUnixNano: ns(NOW - 2000), body: { stringValue: 'claude_code.api_request' }, attributes: kv(a), ...extra };
}

/** The same with one token attribute given as an OTLP value as it is ({ doubleValue: 1e308 }: kv() would write an int64). */
function recordWith(id: string, key: string, value: Record<string, unknown>): Record<string, unknown> {
  const r = record(id, {});
  (r.attributes as unknown[]).push({ key, value });
  return r;
}

const GOOD = [
  { id: 'good-1', input: 10, output: 20, cacheRead: 300, cacheCreation: 4 },
  { id: 'good-2', input: '7', output: '70', cacheRead: '700', cacheCreation: '0' }, // Claude Code sometimes sends strings
];
const GOOD_TOKENS = 10 + 20 + 300 + 4 + 7 + 70 + 700;
const good = () => GOOD.map((g) => record(g.id, { input_tokens: g.input, output_tokens: g.output, cache_read_tokens: g.cacheRead, cache_creation_tokens: g.cacheCreation }));

/** Records no gauge may take, each for one reason; `pb: false` when protobuf cannot even carry it. */
const BAD: { id: string; rec: Record<string, unknown>; pb?: false }[] = [
  { id: 'ns-26-digits', rec: record('ns-26-digits', { input_tokens: 5 }, { timeUnixNano: '99999999999999999999999999' }), pb: false },
  { id: 'ns-uint64-max', rec: record('ns-uint64-max', { input_tokens: 5 }, { timeUnixNano: '18446744073709551615' }) },
  { id: 'ns-1970', rec: record('ns-1970', { input_tokens: 5 }, { timeUnixNano: '1' }) },
  { id: 'ns-negative', rec: record('ns-negative', { input_tokens: 5 }, { timeUnixNano: '-5' }), pb: false },
  { id: 'ns-garbage', rec: record('ns-garbage', { input_tokens: 5 }, { timeUnixNano: 'abc' }), pb: false },
  { id: 'ns-number', rec: record('ns-number', { input_tokens: 5 }, { timeUnixNano: 1e30 }), pb: false },
  { id: 'observed-far', rec: record('observed-far', { input_tokens: 5 }, { observedTimeUnixNano: '18446744073709551615' }) },
  { id: 'date-max', rec: record('date-max', { input_tokens: 5, 'event.timestamp': '+275760-09-13T00:00:00.000Z' }) },
  { id: 'date-1999', rec: record('date-1999', { input_tokens: 5, 'event.timestamp': '1999-12-31T23:59:59Z' }) },
  { id: 'date-words', rec: record('date-words', { input_tokens: 5, 'event.timestamp': 'yesterday' }) },
  { id: 'tokens-1e308', rec: record('tokens-1e308', { input_tokens: 1e308 }), pb: false }, // an int64 of "1e+308" in JSON
  { id: 'tokens-double-1e308', rec: recordWith('tokens-double-1e308', 'output_tokens', { doubleValue: 1e308 }) },
  { id: 'tokens-int64-max', rec: recordWith('tokens-int64-max', 'input_tokens', { intValue: '9223372036854775807' }) },
  { id: 'tokens-double-tiny', rec: recordWith('tokens-double-tiny', 'input_tokens', { doubleValue: Number.MIN_VALUE }) },
  { id: 'tokens-negative', rec: record('tokens-negative', { input_tokens: -1 }) },
  { id: 'tokens-fraction', rec: record('tokens-fraction', { input_tokens: 2.5 }) },
  { id: 'tokens-abc', rec: record('tokens-abc', { input_tokens: 'abc' }) },
  { id: 'tokens-1e999', rec: record('tokens-1e999', { cache_read_tokens: '1e999' }) },
  { id: 'tokens-over-1e9', rec: record('tokens-over-1e9', { cache_read_tokens: 1e10 }) },
  { id: 'tokens-bool', rec: record('tokens-bool', { input_tokens: true }) },
  { id: 'tokens-none', rec: record('tokens-none', {}) },
  { id: 'model-long', rec: record('model-long', { input_tokens: 5, model: 'm'.repeat(5000) }) },
];

function journalKeys(state: string): string[] {
  const text = readFileSync(path.join(state, JOURNAL_FILE), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).flatMap((r) => (r.e?.key ? [r.e.key] : []));
}

test('out-of-range OTLP records: refused through partial_success, never journaled; /usage stays valid; restarts work', { timeout: 120_000 }, async (t) => {
  const state = await tempDir('otlp-hostile');
  let s = await startOtlpServe(state);
  running.push(s);

  // Logs, JSON: every bad record beside the good ones, in one request.
  const json = await post(s.otlp, '/v1/logs', JSON.stringify(logsRequest([...good(), ...BAD.map((b) => b.rec)])), JSONH);
  assert.equal(json.status, 200);
  assert.equal(json.json().partialSuccess.rejectedLogRecords, String(BAD.length));
  const message: string = json.json().partialSuccess.errorMessage;
  assert.match(message, /\d+ api_request with a timestamp outside 2000-2100/);
  assert.match(message, /\d+ api_request with no usable token counts/);
  t.diagnostic(`JSON: ${BAD.length} refused: ${message}`);

  // Logs, protobuf: the same where protobuf can carry them (a fixed64 has no 26 digits).
  const pbBad = BAD.filter((b) => b.pb !== false);
  const pb = await post(s.otlp, '/v1/logs', pbLogs(logsRequest([...good(), ...pbBad.map((b) => b.rec)])), PB);
  assert.equal(pb.status, 200);
  const T = otlpType('ExportLogsServiceResponse');
  const answer = T.toObject(T.decode(pb.body), { longs: String }) as any;
  assert.equal(answer.partialSuccess.rejectedLogRecords, String(pbBad.length));

  // Metrics, both encodings: points out of range beside one in range (its session sends events: never counted).
  const points = metricsRequest([{ type: 'input', value: 5, session: 'S', at: NOW - 1000 }]) as any;
  const dps = points.resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints;
  const point = (value: Record<string, unknown>, time = ns(NOW - 1000)) => ({ attributes: kv({ type: 'input', 'session.id': 'S' }), startTimeUnixNano: ns(NOW - 60_000), timeUnixNano: time, ...value });
  dps.push(point({ asDouble: 1e308 }), point({ asInt: '-1' }), point({ asDouble: 2.5 }), point({ asInt: '5' }, '18446744073709551615'), point({ asDouble: Number.MIN_VALUE }));
  for (const [body, headers] of [[JSON.stringify(points), JSONH], [pbMetrics(points), PB]] as const) {
    const r = await post(s.otlp, '/v1/metrics', body, headers);
    assert.equal(r.status, 200);
    const M = otlpType('ExportMetricsServiceResponse');
    const a = headers === JSONH ? r.json() : (M.toObject(M.decode(r.body), { longs: String }) as any);
    assert.equal(a.partialSuccess.rejectedDataPoints, '5');
  }

  // Never journaled: the journal holds the good records and nothing else.
  assert.deepEqual([...new Set(journalKeys(state))].sort(), GOOD.map((g) => `otlp:${g.id}`).sort());
  let u = await usage(s);
  assert.equal(u.window_5h_tokens, GOOD_TOKENS);
  assert.ok(u.source.problems.some((p: string) => /refused through partial_success/.test(p)), JSON.stringify(u.source.problems));
  assertRunning(s);

  // Restarts on what it left: the same figures, twice.
  for (let i = 0; i < 2; i++) {
    s = await restart(s);
    running.push(s);
    u = await usage(s);
    assert.equal(u.window_5h_tokens, GOOD_TOKENS);
  }
});

test('whatever sits in the OTLP journal, serve starts and replays only its good records', { timeout: 120_000 }, async (t) => {
  const state = await tempDir('otlp-journal-junk');
  const event = (key: string, over: Record<string, unknown> = {}) => ({
    kind: 'response', key, at: NOW - 60_000, model: 'claude-opus-4-6', session: 'J', tokens: { input: 100, output: 10, cacheRead: 1000, cacheCreation: 1 },
    thinkingReported: null, noThinking: true, visibleChars: 0, synthetic: false, sidechain: false, speed: false, ...over,
  });
  const line = (o: unknown) => JSON.stringify(o);
  const goodLines = [line({ v: 1, t: 'e', e: event('otlp:keep-1'), o: ['s:J'] }), line({ v: 1, t: 'e', e: event('otlp:keep-2') })];
  const junk = Buffer.alloc(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 17) % 256 === 10 ? 11 : (i * 131 + 17) % 256; // binary, without a newline
  const badLines = [
    // as an older version wrote them: out of range, but journaled
    line({ v: 1, t: 'e', e: event('otlp:far', { at: 1e20 }) }),
    line({ v: 1, t: 'e', e: event('otlp:huge', { tokens: { input: 1e308, output: 0, cacheRead: 0, cacheCreation: 0 } }) }),
    line({ v: 1, t: 'e', e: event('otlp:neg', { tokens: { input: -1, output: 0, cacheRead: 0, cacheCreation: 0 } }) }),
    line({ v: 1, t: 'e', e: event('otlp:frac', { tokens: { input: 2.5, output: 0, cacheRead: 0, cacheCreation: 0 } }) }),
    line({ v: 1, t: 'e', e: event('otlp:str', { tokens: { input: '5', output: 0, cacheRead: 0, cacheCreation: 0 } }) }),
    line({ v: 1, t: 'e', e: event('otlp:model', { model: 'm'.repeat(5000) }) }),
    line({ v: 1, t: 'e', e: { kind: 'limits', at: NOW } }),
    line({ v: 1, t: 's', s: { id: 'series', start: 'abc', value: 5, time: 'xyz', at: NOW } }), // BigInt('abc') threw on the next metric
    line({ v: 1, t: 's', s: { id: 'series2', start: '1', value: 1e300, time: '2', at: NOW } }),
    line({ v: 1, t: 'm', e: event('otlpm:x'), o: 5 }),
    line({ v: 2, t: 'e', e: event('otlp:future-version') }),
    'hello', '{', 'null', '[]', '{"v":1}', '"\\u0000"', 'x'.repeat(200_000),
    junk.toString('latin1'),
  ];
  const text = [goodLines[0], ...badLines, goodLines[1]].join('\n') + '\n' + line({ v: 1, t: 'e', e: event('otlp:torn') }).slice(0, 40); // a last line cut short
  await fs.writeFile(path.join(state, JOURNAL_FILE), text, 'latin1');

  let s = await startOtlpServe(state);
  running.push(s);
  let u = await usage(s);
  assert.equal(u.window_5h_tokens, 2 * 1111, 'the two good records, once each');
  const skipped = u.source.problems.map((p: string) => /(\d+) line\(s\) skipped on replay/.exec(p)?.[1]).find(Boolean);
  assert.equal(Number(skipped), badLines.length + 1, `${JSON.stringify(u.source.problems)}: every bad line and the torn one`);
  t.diagnostic(`journal with ${badLines.length + 1} bad lines: ${u.source.problems.join(' | ')}`);

  // Still taking records (a metric point of the damaged series included), and restarting on the compacted journal.
  const r = await post(s.otlp, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: NOW - 500, session: 'J', requestId: 'after', input: 1 })])), JSONH);
  assert.equal(r.status, 200);
  assert.equal((await post(s.otlp, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'input', value: 3, session: 'J', at: NOW }], 2)), JSONH)).status, 200);
  s = await restart(s);
  running.push(s);
  u = await usage(s);
  assert.equal(u.window_5h_tokens, 2 * 1111 + 1);
  assert.deepEqual(u.source.problems, [], 'the compacted journal holds good lines only');
});

test('a FIFO or a folder where the journal belongs: serve starts at once, keeps records in memory and says so', { timeout: 60_000 }, async () => {
  for (const kind of ['fifo', 'folder'] as const) {
    const state = await tempDir(`otlp-journal-${kind}`);
    const file = path.join(state, JOURNAL_FILE);
    if (kind === 'fifo') execFileSync('mkfifo', [file]);
    else await fs.mkdir(file);
    const s = await startOtlpServe(state);
    running.push(s);
    const r = await post(s.otlp, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: NOW - 500, session: 'F', requestId: kind, input: 42 })])), JSONH);
    assert.equal(r.status, 200);
    const u = await usage(s);
    assert.equal(u.window_5h_tokens, 42);
    assert.ok(u.source.problems.some((p: string) => p.includes(file) && /memory only/.test(p)), JSON.stringify(u.source.problems));
    assertRunning(s);
    await s.stop();
  }
});
