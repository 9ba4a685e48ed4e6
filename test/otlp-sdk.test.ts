// The OTLP receiver fed by the real OpenTelemetry JS SDK exporters, shaped like Claude Code's
// telemetry: every protocol x temporality x gzip combination against the real daemon, events
// winning over metrics, cumulative re-exports, restarts, bad bodies at the default limits, and
// the latency from an exported api_request to /usage.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { ResponseEvent, TurnEvent } from '../src/core/events.js';
import { Engine } from '../src/engine/engine.js';
import { OtlpSource } from '../src/sources/otlp/index.js';
import { apiRequest, JSONH, logsRequest, PB, pbLogs, post } from './helpers/otlp-fixtures.js';
import { ClaudeCodeTelemetry, expectedUsage, type Emitted, type TelemetryOptions, type Tokens } from './helpers/claude-telemetry.js';
import { getJson, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';

const GRACE_MS = 20_000; // the daemon's wait for a session's events before its metrics count (fallback.ts)

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function daemon(state: string, port: number): Promise<Served & { otlp: string }> {
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_CONFIG_DIR: `${state}/no-claude`, HOME: state });
  const served = await startServe(env, ['--source', 'otlp', '--otlp-port', String(port)]);
  return { ...served, otlp: `http://127.0.0.1:${port}` };
}

/** Varied but reproducible token counts for the n-th request. */
function tokens(n: number): Tokens {
  return { input: 3 + ((n * 7) % 50), output: 120 + 37 * n, cacheRead: 18_000 + 1_234 * n, cacheCreation: n % 3 === 0 ? 0 : 700 + 11 * n };
}

/** Counted by the daemon: every event, and the metric increments of sessions that send no events. */
function counted(all: ClaudeCodeTelemetry[]): Emitted[] {
  return all.flatMap((t) => t.emitted.filter((e) => e.via === 'event' || !t.o.logs));
}

async function usageMatches(url: string, sdk: ClaudeCodeTelemetry[], what: string): Promise<any> {
  const u = await getJson(`${url}/usage`);
  const want = expectedUsage(counted(sdk), Date.parse(u.updated_at));
  assert.ok(want.window_5h_tokens > 0);
  assert.deepEqual(
    { rate_1m: u.rate_1m, tokens_5m: u.tokens_5m, window_5h_tokens: u.window_5h_tokens, cache_hit_rate: u.cache_hit_rate, last_model: u.last_model },
    want,
    what,
  );
  assert.equal(u.source.kind, 'otlp');
  assert.equal(u.source.ok, true);
  return u;
}

test('Claude Code telemetry from the real SDK, every protocol, temporality and gzip: /usage equals what was exported, a restart keeps it', async () => {
  const state = await tempDir('otelsdk');
  const port = await freePort();
  let served = await daemon(state, port);
  // Eight sessions, each on its own machine: all 8 metric combinations; the four with events cover
  // both log encodings with and without gzip, one without session.id on its metrics (matched by resource).
  const base = { endpoint: served.otlp } as const;
  const table: Omit<TelemetryOptions, 'endpoint' | 'session' | 'host'>[] = [
    { protocol: 'http/json', temporality: 'delta', metricsGzip: true, logs: true, logsGzip: false, sessionInMetrics: true },
    { protocol: 'http/json', temporality: 'delta', metricsGzip: false, logs: false, logsGzip: false, sessionInMetrics: true },
    { protocol: 'http/json', temporality: 'cumulative', metricsGzip: true, logs: false, logsGzip: false, sessionInMetrics: true },
    { protocol: 'http/json', temporality: 'cumulative', metricsGzip: false, logs: true, logsGzip: true, sessionInMetrics: true },
    { protocol: 'http/protobuf', temporality: 'delta', metricsGzip: true, logs: true, logsGzip: false, sessionInMetrics: false },
    { protocol: 'http/protobuf', temporality: 'delta', metricsGzip: false, logs: false, logsGzip: false, sessionInMetrics: true },
    { protocol: 'http/protobuf', temporality: 'cumulative', metricsGzip: true, logs: true, logsGzip: true, sessionInMetrics: true },
    { protocol: 'http/protobuf', temporality: 'cumulative', metricsGzip: false, logs: false, logsGzip: false, sessionInMetrics: true },
  ];
  const sdk = table.map((row, i) => new ClaudeCodeTelemetry({ ...base, ...row, session: `sess-${i}`, host: `box-${i}` }));
  const withEvents = sdk.filter((t) => t.o.logs);
  let n = 0;
  const round = async () => {
    for (const [i, t] of sdk.entries()) {
      t.userPrompt();
      t.apiRequest({ model: i % 2 ? 'claude-sonnet-4-5-20250929' : 'claude-opus-4-6', tokens: tokens(++n), costUsd: 0.01 * n, durationMs: 900 + n, asStrings: i % 3 === 0 });
      t.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(++n), costUsd: 0.02 * n, durationMs: 1500 + n });
      // Both orders: metrics before the session's events, and after.
      if (i % 2) await Promise.all([t.flushMetrics(), t.flushLogs()]);
      else {
        await t.flushMetrics();
        await t.flushLogs();
      }
    }
  };
  const last = async () => {
    await sleep(5); // strictly newest
    withEvents[0].apiRequest({ model: 'claude-haiku-4-5-20251001', tokens: tokens(++n), costUsd: 0.001, durationMs: 400 });
    await withEvents[0].flushLogs();
  };
  try {
    const firstMetricsAt = Date.now();
    await round();
    await round();
    await Promise.all(sdk.map((t) => t.flushMetrics())); // cumulative readers export the same totals again
    await last();
    assert.deepEqual(sdk.flatMap((t) => t.failures()), [], 'every export acknowledged');

    // Right away: the events count; no metric point counts yet (held for the grace, or covered by events).
    const eventsOnly = () => expectedUsage(sdk.flatMap((t) => t.emitted.filter((e) => e.via === 'event')), Date.now()).window_5h_tokens;
    const early = await getJson(`${served.url}/usage`);
    assert.equal(early.window_5h_tokens, eventsOnly());
    assert.equal(early.last_model, 'haiku');

    // A restart within the grace: the journal brings the events back, and the held points still wait.
    await served.stop();
    served = await daemon(state, port);
    const afterRestart = await getJson(`${served.url}/usage`);
    assert.ok(Date.now() - firstMetricsAt < GRACE_MS, 'the first exports are still within their grace (else this machine is too slow for the check below)');
    assert.equal(afterRestart.window_5h_tokens, eventsOnly());

    // The same SDK processes go on exporting into the new daemon: cumulative totals continue
    // from where the journal left them instead of counting again from zero.
    await round();
    await Promise.all(sdk.map((t) => t.flushMetrics()));
    await last();
    const lastMetricsAt = Date.now();
    assert.deepEqual(sdk.flatMap((t) => t.failures()), []);
    assert.equal((await getJson(`${served.url}/usage`)).window_5h_tokens, eventsOnly());
    assert.ok(Date.now() - lastMetricsAt < GRACE_MS, 'all of the above within the grace');

    // After the grace: the four metrics-only sessions are counted, the others' metrics never are.
    await sleep(lastMetricsAt + GRACE_MS + 2_000 - Date.now());
    const u1 = await usageMatches(served.url, sdk, 'after the grace');
    assert.ok(u1.window_5h_tokens > eventsOnly());
    const everything = sdk.flatMap((t) => t.emitted).reduce((s, e) => s + e.tokens.input + e.tokens.output + e.tokens.cacheRead + e.tokens.cacheCreation, 0);
    assert.ok(u1.window_5h_tokens < everything, 'metrics and events of one session are not both counted');

    // A restart keeps the 5-hour window (the journal).
    await served.stop();
    served = await daemon(state, port);
    const u2 = await usageMatches(served.url, sdk, 'after a restart');
    assert.equal(u2.window_5h_tokens, u1.window_5h_tokens);
  } finally {
    await Promise.all(sdk.map((t) => t.shutdown().catch(() => {})));
    await served.stop();
    await fs.rm(state, { recursive: true, force: true });
  }
});

/** OtlpSource in-process with a short grace, feeding the real engine. */
async function receiver(graceMs = 300) {
  const engine = new Engine({ ceiling: 1e9, defaultCeiling: 1, redline: 1e9, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true });
  const events: (ResponseEvent | TurnEvent)[] = [];
  const src = new OtlpSource({ stateDir: null, port: 0, graceMs, emit: (e) => (events.push(e), engine.apply(e)) });
  await src.start();
  return { src, engine, events, endpoint: `http://127.0.0.1:${src.address!.port}` };
}

for (const protocol of ['http/json', 'http/protobuf'] as const) {
  test(`${protocol}: a cumulative reader exporting every 50 ms, then a restarted Claude Code, counts every token once`, async () => {
    const r = await receiver();
    const opts = { endpoint: r.endpoint, protocol, temporality: 'cumulative', metricsGzip: true, logsGzip: false, logs: false, sessionInMetrics: true, session: 'cum', host: 'box', metricIntervalMs: 50 } as const;
    let first: ClaudeCodeTelemetry | null = new ClaudeCodeTelemetry(opts);
    let second: ClaudeCodeTelemetry | null = null;
    try {
      for (let i = 1; i <= 6; i++) {
        first.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(i), costUsd: 0.1, durationMs: 1000 });
        await sleep(120); // about two periodic exports each: the unchanged totals are re-exported
      }
      await first.shutdown();
      const exports = first.results.length;
      assert.ok(exports >= 8, `re-exported ${exports} times`);
      // Claude Code started again in the same session: its counters begin again at 0, with a new start time.
      second = new ClaudeCodeTelemetry(opts);
      second.apiRequest({ model: 'claude-sonnet-4-5', tokens: tokens(7), costUsd: 0.1, durationMs: 1000 });
      await second.flushMetrics();
      await second.flushMetrics();
      await sleep(600);
      const all = [...first.emitted, ...second.emitted];
      const want = expectedUsage(all, Date.now());
      const sent = [1, 2, 3, 4, 5, 6, 7].map(tokens).reduce((s, t) => s + t.input + t.output + t.cacheRead + t.cacheCreation, 0);
      assert.equal(want.window_5h_tokens, sent, 'the ledger saw each increment once');
      assert.equal(r.engine.snapshot(Date.now()).window_5h_tokens, sent);
      assert.deepEqual([...first.failures(), ...second.failures()], []);
    } finally {
      await first?.shutdown().catch(() => {});
      await second?.shutdown().catch(() => {});
      await r.src.close();
    }
  });
}

test('metrics sent before their session\'s events, within the grace, are dropped; a silent session\'s metrics count after it', async () => {
  const r = await receiver(1_000);
  const mk = (session: string, logs: boolean) => new ClaudeCodeTelemetry({ endpoint: r.endpoint, protocol: 'http/protobuf', temporality: 'delta', metricsGzip: false, logsGzip: true, logs, sessionInMetrics: true, session, host: 'box' });
  const talking = mk('talking', true);
  const silent = mk('silent', false);
  try {
    talking.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(1), costUsd: 0.1, durationMs: 1 });
    silent.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(2), costUsd: 0.1, durationMs: 1 });
    await Promise.all([talking.flushMetrics(), silent.flushMetrics()]);
    const points = [...talking.emitted, ...silent.emitted].filter((e) => e.via === 'metric').length;
    assert.equal(r.src.counters().pendingPoints, points, 'both sessions\' non-zero points wait');
    await sleep(200);
    await talking.flushLogs();
    assert.equal(r.engine.snapshot(Date.now()).window_5h_tokens, expectedUsage(talking.emitted.filter((e) => e.via === 'event'), Date.now()).window_5h_tokens);
    await sleep(1_300);
    const want = expectedUsage([...talking.emitted.filter((e) => e.via === 'event'), ...silent.emitted], Date.now());
    const s = r.engine.snapshot(Date.now());
    assert.equal(s.window_5h_tokens, want.window_5h_tokens);
    assert.equal(s.rate_1m, want.rate_1m);
    assert.equal(s.cache_hit_rate, want.cache_hit_rate);
    assert.equal(r.src.counters().pendingPoints, 0);
  } finally {
    await talking.shutdown();
    await silent.shutdown();
    await r.src.close();
  }
});

test('the SDK reads our partial-success answers, in JSON and protobuf; a large batch is taken whole', async () => {
  const r = await receiver();
  const warnings: string[] = [];
  diag.setLogger({ error: () => {}, warn: (...a: unknown[]) => void warnings.push(a.map(String).join(' ')), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  try {
    for (const protocol of ['http/json', 'http/protobuf'] as const) {
      const t = new ClaudeCodeTelemetry({ endpoint: r.endpoint, protocol, temporality: 'delta', metricsGzip: false, logsGzip: true, logs: true, sessionInMetrics: true, session: `big-${protocol}`, host: 'box' });
      // 1,200 requests: the batch processor sends them in batches of 512.
      for (let i = 1; i <= 1_200; i++) t.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(i), costUsd: 0.01, durationMs: 10, asStrings: i % 2 === 0 });
      // Claude Code with a broken count: refused on its own, the rest kept.
      t.event('api_request', { model: 'claude-opus-4-6', request_id: `broken-${protocol}`, input_tokens: 'many' });
      await t.flushLogs();
      await t.shutdown();
      assert.deepEqual(t.failures(), []);
      assert.ok(t.results.filter((x) => x.signal === 'logs').length >= 3, 'several batches');
    }
    const partial = warnings.filter((w) => /Partial Success/i.test(w));
    assert.equal(partial.length, 2, warnings.join('\n'));
    for (const w of partial) assert.match(w, /"rejectedLogRecords":("1"|1)/);
    assert.match(partial.join('\n'), /token counts/);
    const sent = [...Array(1_200).keys()].map((i) => tokens(i + 1)).reduce((s, t) => s + t.input + t.output + t.cacheRead + t.cacheCreation, 0);
    assert.equal(r.engine.snapshot(Date.now()).window_5h_tokens, 2 * sent);
    assert.equal(r.src.health().skipped_lines, 2);
  } finally {
    diag.disable();
    await r.src.close();
  }
});

test('bad bodies at the daemon\'s default limits: clear 4xx answers, nothing lost, the daemon keeps serving', async () => {
  const state = await tempDir('otelsdk-bad');
  const served = await daemon(state, await freePort());
  const b = served.otlp;
  try {
    const ok = logsRequest([apiRequest({ at: Date.now(), session: 'B', requestId: 'good', input: 10, output: 20 })]);
    const answer = async (path: string, body: Uint8Array | string, headers: Record<string, string>) => {
      const r = await post(b, path, body, headers);
      return { status: r.status, error: r.status === 200 ? null : r.error().reason };
    };
    const pb = pbLogs(ok);
    // a real message cut short, a JSON body labelled protobuf and the reverse, an empty JSON body
    assert.deepEqual(await answer('/v1/logs', pb.slice(0, pb.length - 7), PB), { status: 400, error: 'bad_body' });
    assert.deepEqual(await answer('/v1/logs', JSON.stringify(ok), PB), { status: 400, error: 'bad_body' });
    assert.deepEqual(await answer('/v1/logs', pb, JSONH), { status: 400, error: 'bad_body' });
    assert.deepEqual(await answer('/v1/metrics', '', JSONH), { status: 400, error: 'bad_body' });
    assert.deepEqual(await answer('/v1/logs', JSON.stringify(ok), { 'Content-Type': 'application/x-www-form-urlencoded' }), { status: 415, error: 'unsupported_media_type' });
    // the default limits: 4 MiB on the wire and once inflated (body.ts)
    const padded = (bytes: number) => JSON.stringify({ ...ok, pad: 'x'.repeat(bytes - JSON.stringify(ok).length - 10) });
    assert.deepEqual(await answer('/v1/logs', padded(4 * 1024 * 1024 - 1024), JSONH), { status: 200, error: null }, 'just under 4 MiB is taken');
    assert.deepEqual(await answer('/v1/logs', padded(4 * 1024 * 1024 + 1024), JSONH), { status: 413, error: 'payload_too_large' });
    const inflatesTo17MiB = new Uint8Array(gzipSync(padded(17 * 1024 * 1024)));
    assert.ok(inflatesTo17MiB.byteLength < 1024 * 1024);
    assert.deepEqual(await answer('/v1/logs', inflatesTo17MiB, { ...JSONH, 'Content-Encoding': 'gzip' }), { status: 413, error: 'payload_too_large' });
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 })); // 64 MiB of zeros in ~64 KiB
    const t0 = Date.now();
    assert.deepEqual(await answer('/v1/metrics', bomb, { ...PB, 'Content-Encoding': 'gzip' }), { status: 413, error: 'payload_too_large' });
    assert.ok(Date.now() - t0 < 5_000, 'inflation stops at the limit');
    // still serving; the one good request counted
    const u = await getJson(`${served.url}/usage`);
    assert.equal(u.window_5h_tokens, 30);
    assert.equal(u.source.ok, true);
    assert.match(served.stderr(), /OTLP\/HTTP receiver/);
  } finally {
    await served.stop();
    await fs.rm(state, { recursive: true, force: true });
  }
});

test('latency: an api_request exported by the SDK is in /usage within a fraction of a second', async (t) => {
  const state = await tempDir('otelsdk-lat');
  const served = await daemon(state, await freePort());
  const sdk = new ClaudeCodeTelemetry({ endpoint: served.otlp, protocol: 'http/protobuf', temporality: 'delta', metricsGzip: true, logsGzip: true, logs: true, sessionInMetrics: true, session: 'lat', host: 'box' });
  const ms: number[] = [];
  try {
    let expected = 0;
    for (let i = 1; i <= 30; i++) {
      const tk = tokens(i);
      expected += tk.input + tk.output + tk.cacheRead + tk.cacheCreation;
      const t0 = performance.now();
      sdk.apiRequest({ model: 'claude-opus-4-6', tokens: tk, costUsd: 0.01, durationMs: 1000 });
      void sdk.flushLogs(); // Claude Code's batch processor exporting (every 5 s by default)
      await waitFor(async () => (await getJson(`${served.url}/usage`)).window_5h_tokens === expected, 10_000, 1);
      ms.push(performance.now() - t0);
      await sleep(20);
    }
    ms.sort((a, b) => a - b);
    const median = (ms[14] + ms[15]) / 2;
    const p95 = ms[Math.ceil(0.95 * ms.length) - 1];
    t.diagnostic(`api_request emitted -> /usage: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms over ${ms.length}`);
    assert.ok(median < 1_000, `median ${median} ms`);
    assert.deepEqual(sdk.failures(), []);
  } finally {
    await sdk.shutdown().catch(() => {});
    await served.stop();
    await fs.rm(state, { recursive: true, force: true });
  }
});
