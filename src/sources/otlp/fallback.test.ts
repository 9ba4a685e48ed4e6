// Token-usage metrics as a fallback, cumulative counters, and the journal across restarts.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { Engine } from '../../engine/engine.js';
import { OtlpSource } from './index.js';
import { JOURNAL_FILE } from './journal.js';
import { apiRequest, gz, JSONH, logsRequest, metricsRequest, PBGZ, pbMetrics, post, RESOURCE, type Point } from '../../../test/helpers/otlp-fixtures.js';

const NOW = Date.now();
const T0 = NOW - 10 * 60_000;
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'cg-otlpf-'));
  dirs.push(d);
  return d;
};
const sum = (evs: (ResponseEvent | TurnEvent)[]) =>
  evs.filter((e): e is ResponseEvent => e.kind === 'response').reduce((n, e) => n + e.tokens.input + e.tokens.output + e.tokens.cacheRead + e.tokens.cacheCreation, 0);

async function started(stateDir: string | null = tmp(), graceMs = 80) {
  const events: (ResponseEvent | TurnEvent)[] = [];
  const src = new OtlpSource({ stateDir, port: 0, emit: (e) => events.push(e), graceMs });
  await src.start();
  const a = src.address!;
  return { src, events, base: `http://${a.host}:${a.port}`, stateDir };
}

test('delta token metrics count after the grace when the session sends no api_request events', async () => {
  const { src, events, base } = await started();
  try {
    const pts: Point[] = [{ type: 'input', value: 100, session: 'M1', at: T0 }, { type: 'cacheRead', value: 900, session: 'M1', at: T0 }];
    assert.equal((await post(base, '/v1/metrics', gz(pbMetrics(metricsRequest(pts))), PBGZ)).status, 200);
    assert.equal(events.length, 0, 'held during the grace');
    await sleep(200);
    assert.equal(sum(events), 1000);
    assert.deepEqual((events[1] as ResponseEvent).tokens, { input: 0, output: 0, cacheRead: 900, cacheCreation: 0 });
    // the same export retried: same keys, so the engine keeps one copy
    await post(base, '/v1/metrics', JSON.stringify(metricsRequest(pts)), JSONH);
    await sleep(200);
    const e = new Engine({ ceiling: 1e9, defaultCeiling: 1, redline: 1e9, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
    events.forEach((x) => e.apply(x));
    assert.equal(e.snapshot(NOW).window_5h_tokens, 1000);
  } finally {
    await src.close();
  }
});

test('metrics of a session that sends api_request events are never counted, whichever arrives first', async () => {
  // Logs must land within the grace of the metrics before them: decoding runs on a worker thread,
  // and on a loaded machine 80 ms was not always enough for the request in between.
  const { src, events, base } = await started(undefined, 1000);
  try {
    // metrics first, logs within the grace
    await post(base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'output', value: 500, session: 'L1', at: T0 }])), JSONH);
    await post(base, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: T0, session: 'L1', requestId: 'r1', output: 500 })])), JSONH);
    // logs first, metrics later
    await post(base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'output', value: 500, session: 'L1', at: T0 + 60_000 }])), JSONH);
    // a session without a session id on its metrics is matched by its resource
    const other = { attributes: [...RESOURCE.attributes, { key: 'host.name', value: { stringValue: 'box2' } }] };
    await post(base, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: T0, requestId: 'r2', output: 7 })], other)), JSONH);
    await post(base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'output', value: 7, at: T0 }], 1, other)), JSONH);
    await sleep(1300);
    assert.equal(sum(events), 507);
    assert.deepEqual(events.map((e) => (e as ResponseEvent).key), ['otlp:r1', 'otlp:r2']);
    assert.equal(src.counters().pendingPoints, 0);
  } finally {
    await src.close();
  }
});

test('cumulative counters become deltas per series, with resets and retries', async () => {
  const { src, events, base, stateDir } = await started();
  const start = T0 - 3_600_000;
  const send = (value: number, at: number, s = start) => post(base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'cacheRead', value, session: 'C1', at, start: s }], 2)), JSONH);
  try {
    await send(100, T0);
    await send(250, T0 + 60_000);
    await send(250, T0 + 60_000); // retried
    await send(240, T0 + 30_000); // stale, out of order
    await send(30, T0 + 120_000, T0 + 100_000); // the process restarted: new start time
    await send(20, T0 + 180_000, T0 + 100_000); // a drop: a reset too
    await sleep(200);
    assert.deepEqual(events.map((e) => (e as ResponseEvent).tokens.cacheRead), [100, 150, 30, 20]);
  } finally {
    await src.close();
  }
  // after a restart the series continues from its kept state instead of counting it all again
  const again = await started(stateDir);
  try {
    assert.equal(sum(again.events), 300, 'replayed from the journal');
    await post(again.base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'cacheRead', value: 25, session: 'C1', at: T0 + 240_000, start: T0 + 100_000 }], 2)), JSONH);
    await sleep(200);
    assert.equal(sum(again.events), 305);
  } finally {
    await again.src.close();
  }
});

test('the journal brings the 5-hour window back after a restart, compacted to 6 hours', async () => {
  const dir = tmp();
  const engine = () => new Engine({ ceiling: 1e9, defaultCeiling: 1, redline: 1e9, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: false });
  const first = await started(dir);
  const e1 = engine();
  try {
    const recs = [apiRequest({ at: T0, session: 'J', requestId: 'a', input: 10, output: 20 }), apiRequest({ at: T0 + 1000, session: 'J', requestId: 'b', cacheRead: 3000 })];
    await post(first.base, '/v1/logs', JSON.stringify(logsRequest(recs)), JSONH);
    await post(first.base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'input', value: 5, session: 'M', at: T0 }])), JSONH);
    await post(first.base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'input', value: 9, session: 'J', at: T0 }])), JSONH); // covered: never kept
    await sleep(200);
    first.events.forEach((x) => e1.apply(x));
  } finally {
    await first.src.close();
  }
  const file = path.join(dir, JOURNAL_FILE);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.every((l) => l.v === 1));
  // an old record (beyond 6 h), a torn last line, a future version
  const old = { ...lines[0], e: { ...lines[0].e, key: 'otlp:old', at: NOW - 7 * 3_600_000 } };
  appendFileSync(file, JSON.stringify(old) + '\n' + JSON.stringify({ v: 2, t: 'e', e: {} }) + '\n{"v":1,"t":"e","e":{"kind":"resp');

  const second = await started(dir);
  try {
    const e2 = engine();
    second.events.forEach((x) => e2.apply(x));
    assert.equal(e1.snapshot(NOW).window_5h_tokens, 3035);
    assert.equal(e2.snapshot(NOW).window_5h_tokens, 3035);
    assert.equal(second.src.health().skipped_lines, 2, 'torn and unknown-version lines');
    assert.equal(second.src.counters().replayed, 3);
    const kept = readFileSync(file, 'utf8');
    assert.ok(!kept.includes('otlp:old'), 'compacted');
  } finally {
    await second.src.close();
  }
});

test('without a state dir nothing is kept and everything still works', async () => {
  const { src, events, base } = await started(null);
  try {
    await post(base, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: T0, requestId: 'n', input: 1 })])), JSONH);
    assert.equal(events.length, 1);
  } finally {
    await src.close();
  }
});

test('a restart within the grace keeps held points waiting: the session\'s events arriving afterwards win', async () => {
  const dir = tmp();
  // Long enough for a start, a request, a stop and a start again on a busy machine (each start boots a decoder thread).
  const GRACE = 3_000;
  const now = Date.now();
  const first = await started(dir, GRACE);
  await post(first.base, '/v1/metrics', JSON.stringify(metricsRequest([{ type: 'output', value: 500, session: 'R', at: now }, { type: 'output', value: 40, session: 'Q', at: now }])), JSONH);
  await first.src.close(); // within the grace: R and Q have not been decided by their events yet
  const second = await started(dir, GRACE);
  try {
    assert.equal(sum(second.events), 0, 'replayed points wait out the rest of their grace');
    assert.equal(second.src.counters().pendingPoints, 2);
    await post(second.base, '/v1/logs', JSON.stringify(logsRequest([apiRequest({ at: now, session: 'R', requestId: 'rr', output: 500 })])), JSONH);
    await sleep(GRACE + 300);
    assert.deepEqual(second.events.map((e) => [(e as ResponseEvent).session, (e as ResponseEvent).tokens.output]), [['R', 500], ['Q', 40]], 'R once (its event), Q from its metrics');
  } finally {
    await second.src.close();
  }
});
