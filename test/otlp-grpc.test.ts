// OTLP over gRPC against the real daemon: Claude Code's telemetry from the real OpenTelemetry SDK
// gRPC exporters gives the same /usage as the same telemetry over OTLP/HTTP; garbage, oversized
// and gzip-bomb messages get their gRPC status and the daemon serves on; a taken gRPC port is a
// problem in /usage, never a stop; the receiver listens where the HTTP one does, loopback by default.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import grpc from '@grpc/grpc-js';
import { SETTINGS } from '../src/config/index.js';
import { otelEnv, otelSetupText } from '../src/setup/otel.js';
import { otlpType } from '../src/sources/otlp/proto.js';
import { apiRequest, JSONH, logsRequest, pbLogs, post } from './helpers/otlp-fixtures.js';
import { ClaudeCodeTelemetry, expectedUsage, type Emitted, type TelemetryOptions, type Tokens } from './helpers/claude-telemetry.js';
import { getJson, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';
import { freePort } from './helpers/prometheus.js';

const GRACE_MS = 20_000; // the daemon's wait for a session's events before its metrics count (fallback.ts)
const LIMIT = 4 * 1024 * 1024; // the HTTP body limit (body.ts), which the gRPC receiver takes as its message limit

interface Daemon extends Served {
  http: number;
  grpc: number | null;
  state: string;
}

/** `serve --source otlp` on free ports; grpc: a port to listen on, or null for none. */
async function daemon(grpcPort: number | null, host = '127.0.0.1'): Promise<Daemon> {
  const state = await tempDir('otlp-grpc');
  const http = await freePort();
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_CONFIG_DIR: `${state}/no-claude`, HOME: state, CLAUDE_GAUGE_OTLP_GRPC_PORT: grpcPort === null ? 'off' : String(grpcPort) });
  const served = await startServe(env, ['--source', 'otlp', '--otlp-port', String(http), '--otlp-host', host, '--mdns', 'off', '--history', 'off']);
  // serve takes SIGTERM only once its banner is done (see reliability/otlp-serve.ts).
  await waitFor(async () => /receiving OpenTelemetry on/.test(served.stderr()) || served.child.exitCode !== null, 20_000);
  return { ...served, http, grpc: grpcPort, state };
}

async function stop(d: Daemon): Promise<void> {
  await d.stop();
  await fs.rm(d.state, { recursive: true, force: true });
}

function tokens(n: number): Tokens {
  return { input: 5 + ((n * 11) % 40), output: 200 + 29 * n, cacheRead: 15_000 + 977 * n, cacheCreation: n % 2 ? 0 : 500 + 13 * n };
}

/** What the daemon counts: every event, and the metric increments of sessions that send no events. */
const counted = (all: ClaudeCodeTelemetry[]): Emitted[] => all.flatMap((t) => t.emitted.filter((e) => e.via === 'event' || !t.o.logs));

async function usage(d: Daemon): Promise<any> {
  return getJson(`${d.url}/usage`);
}

/** /usage against what the SDK exported, computed from its ledger at the snapshot's own time. */
async function assertUsage(d: Daemon, sdk: ClaudeCodeTelemetry[], what: string): Promise<any> {
  const u = await usage(d);
  const want = expectedUsage(counted(sdk), Date.parse(u.updated_at));
  assert.ok(want.window_5h_tokens > 0);
  assert.deepEqual({ rate_1m: u.rate_1m, tokens_5m: u.tokens_5m, window_5h_tokens: u.window_5h_tokens, cache_hit_rate: u.cache_hit_rate, last_model: u.last_model }, want, what);
  assert.equal(u.source.kind, 'otlp');
  assert.deepEqual(u.source.problems, [], what);
  return u;
}

/** A gRPC client that sends raw bytes to a method and reports the status (and the answer, decoded). */
function rawCall(port: number, path: string, body: Uint8Array, o: { gzip?: boolean; host?: string } = {}): Promise<{ code: number; details: string; response: Buffer | null }> {
  const client = new grpc.Client(`${o.host ?? '127.0.0.1'}:${port}`, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...(o.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
  });
  const bytes = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, bytes, bytes, Buffer.from(body), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, response) => {
      client.close();
      resolve(err ? { code: err.code, details: err.details, response: null } : { code: grpc.status.OK, details: '', response: response ?? null });
    });
  });
}

const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const METRICS = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

test('Claude Code telemetry through the SDK gRPC exporters: /usage equals what was exported, and what the same telemetry gives over OTLP/HTTP', { timeout: 60_000 }, async () => {
  const grpcPort = await freePort();
  const [overGrpc, overHttp] = await Promise.all([daemon(grpcPort), daemon(null)]);
  // The same four sessions to each daemon: events with and without gzip, and two metrics-only
  // sessions (delta and cumulative), which count once the fallback's grace is over.
  const rows: Omit<TelemetryOptions, 'endpoint' | 'protocol' | 'session' | 'host'>[] = [
    { temporality: 'delta', metricsGzip: true, logs: true, logsGzip: true, sessionInMetrics: true },
    { temporality: 'cumulative', metricsGzip: false, logs: true, logsGzip: false, sessionInMetrics: false },
    { temporality: 'delta', metricsGzip: false, logs: false, logsGzip: false, sessionInMetrics: true },
    { temporality: 'cumulative', metricsGzip: true, logs: false, logsGzip: false, sessionInMetrics: true },
  ];
  const make = (endpoint: string, protocol: TelemetryOptions['protocol']) => rows.map((r, i) => new ClaudeCodeTelemetry({ ...r, endpoint, protocol, session: `s${i}`, host: `box-${i}` }));
  const viaGrpc = make(`http://127.0.0.1:${grpcPort}`, 'grpc');
  const viaHttp = make(`http://127.0.0.1:${overHttp.http}`, 'http/protobuf');
  const drive = async (sdk: ClaudeCodeTelemetry[]) => {
    let n = 0;
    for (let round = 0; round < 2; round++) {
      for (const [i, t] of sdk.entries()) {
        t.userPrompt();
        t.apiRequest({ model: i % 2 ? 'claude-sonnet-4-5-20250929' : 'claude-opus-4-6', tokens: tokens(++n), costUsd: 0.01 * n, durationMs: 800 + n, asStrings: i === 1 });
        t.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(++n), costUsd: 0.02 * n, durationMs: 1200 + n });
        await Promise.all([t.flushMetrics(), t.flushLogs()]);
      }
    }
    await sleep(5);
    sdk[0].apiRequest({ model: 'claude-haiku-4-5-20251001', tokens: tokens(++n), costUsd: 0.001, durationMs: 300 });
    await sdk[0].flushLogs();
  };
  try {
    const sentAt = Date.now();
    await Promise.all([drive(viaGrpc), drive(viaHttp)]);
    assert.deepEqual(viaGrpc.flatMap((t) => t.failures()), [], 'every gRPC export acknowledged');
    assert.deepEqual(viaHttp.flatMap((t) => t.failures()), [], 'every HTTP export acknowledged');
    assert.ok(viaGrpc.every((t) => t.results.length > 0), 'each session exported over gRPC');

    // At once: the events count, the metrics wait for their grace, on both paths alike.
    const events = (sdk: ClaudeCodeTelemetry[]) => expectedUsage(sdk.flatMap((t) => t.emitted.filter((e) => e.via === 'event')), Date.now()).window_5h_tokens;
    const [early, earlyHttp] = await Promise.all([usage(overGrpc), usage(overHttp)]);
    assert.equal(early.window_5h_tokens, events(viaGrpc));
    assert.equal(early.window_5h_tokens, earlyHttp.window_5h_tokens);
    assert.equal(early.last_model, 'haiku');

    await sleep(Math.max(0, sentAt + GRACE_MS + 3_000 - Date.now()));
    const [g, h] = await Promise.all([assertUsage(overGrpc, viaGrpc, 'over gRPC'), assertUsage(overHttp, viaHttp, 'over HTTP')]);
    assert.ok(g.window_5h_tokens > events(viaGrpc), 'the metrics-only sessions counted after the grace');
    for (const k of ['window_5h_tokens', 'tokens_5m', 'cache_hit_rate', 'last_model'] as const) assert.deepEqual(g[k], h[k], `${k}: gRPC and HTTP agree`);
    assert.equal(g.source.records, h.source.records, 'the same records received');
  } finally {
    await Promise.all([...viaGrpc, ...viaHttp].map((t) => t.shutdown().catch(() => {})));
    await Promise.all([stop(overGrpc), stop(overHttp)]);
  }
});

test('raw gRPC: garbage is INVALID_ARGUMENT, oversized and gzip bombs RESOURCE_EXHAUSTED, traces UNIMPLEMENTED, refused records in partial_success; the daemon serves on', { timeout: 30_000 }, async () => {
  const d = await daemon(await freePort());
  try {
    const port = d.grpc!;
    const garbage = await rawCall(port, LOGS, Buffer.from('\xff\xff\xff\xff not protobuf at all', 'latin1'));
    assert.equal(garbage.code, grpc.status.INVALID_ARGUMENT, garbage.details);
    assert.match(garbage.details, /^bad_body: /);
    const badMetrics = await rawCall(port, METRICS, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    assert.equal(badMetrics.code, grpc.status.INVALID_ARGUMENT, badMetrics.details);

    const big = await rawCall(port, LOGS, new Uint8Array(LIMIT + 1));
    assert.equal(big.code, grpc.status.RESOURCE_EXHAUSTED, big.details);
    // 64 MiB of zeros, a few tens of KiB once gzipped: cut off as it inflates past the limit.
    const bomb = await rawCall(port, LOGS, new Uint8Array(16 * LIMIT), { gzip: true });
    assert.equal(bomb.code, grpc.status.RESOURCE_EXHAUSTED, bomb.details);
    const traces = await rawCall(port, TRACES, new Uint8Array(0));
    assert.equal(traces.code, grpc.status.UNIMPLEMENTED, traces.details);
    const http = await post(`http://127.0.0.1:${d.http}`, '/v1/traces', '{}', JSONH);
    assert.equal(http.status, 404, 'OTLP/HTTP has no traces either');

    // One good record and one out of range (negative tokens): the good one kept, the other counted.
    const now = Date.now();
    const req = logsRequest([apiRequest({ at: now, session: 'raw', requestId: 'good', input: 10, output: 20, cacheRead: 300 }), apiRequest({ at: now, session: 'raw', requestId: 'bad', input: -5, output: 1 })]);
    const partial = await rawCall(port, LOGS, pbLogs(req));
    assert.equal(partial.code, grpc.status.OK, partial.details);
    const answer = otlpType('ExportLogsServiceResponse').toObject(otlpType('ExportLogsServiceResponse').decode(partial.response!), { longs: String }) as any;
    assert.equal(answer.partialSuccess.rejectedLogRecords, '1');
    assert.ok(answer.partialSuccess.errorMessage.length > 0);
    // The same bytes gzipped (what an exporter with compression sends): accepted, deduplicated by request id.
    const again = await rawCall(port, LOGS, pbLogs(req), { gzip: true });
    assert.equal(again.code, grpc.status.OK, again.details);

    const u = await usage(d);
    assert.equal(u.window_5h_tokens, 10 + 20 + 300, 'the good record once');
    assert.equal(u.source.ok, true);
    assert.equal(u.source.skipped_lines, 2, `the refused record, each time it was sent: ${JSON.stringify(u.source)}`);
    assert.match(u.source.problems.join('\n'), /2 OTLP record\(s\) refused/);
    assert.equal(d.child.exitCode, null, 'still running');
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    assert.match(metrics, /claude_gauge_source_up/);
  } finally {
    await stop(d);
  }
});

test('a taken gRPC port: the daemon starts, /usage names the problem, OTLP/HTTP still receives; the receiver listens on loopback only', { timeout: 30_000 }, async (t) => {
  // Someone else holds the port (a collector, say): an HTTP/2-less TCP listener is enough.
  const net = await import('node:net');
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const taken = (blocker.address() as import('node:net').AddressInfo).port;
  const d = await daemon(taken);
  try {
    const u = await usage(d);
    assert.equal(u.source.kind, 'otlp');
    assert.match(u.source.problems.join('\n'), new RegExp(`OTLP/gRPC receiver not listening: port ${taken} on 127.0.0.1 is already in use`));
    assert.match(d.stderr(), /OTLP\/gRPC: not listening/);
    const r = await post(`http://127.0.0.1:${d.http}`, '/v1/logs', pbLogs(logsRequest([apiRequest({ at: Date.now(), session: 'h', requestId: 'r1', input: 7, output: 8 })])), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(r.status, 200);
    assert.equal((await usage(d)).window_5h_tokens, 15);
  } finally {
    await stop(d);
    blocker.close();
  }
  // Loopback by default, as OTLP/HTTP: the LAN address has no gRPC listener.
  const lan = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!lan) {
    if (process.env.CI) assert.fail('no non-loopback IPv4 address on this machine');
    return t.skip('no non-loopback IPv4 address here; the loopback-only check skipped outside CI');
  }
  const local = await daemon(await freePort());
  // Claude Code set up by `setup otel --protocol grpc` (its endpoint moved to this test's port): the SDK reaches the daemon.
  const env = otelEnv({ to: 'otlp', protocol: 'grpc', endpoint: `http://127.0.0.1:${local.grpc}` });
  const claude = new ClaudeCodeTelemetry({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL as 'grpc', temporality: 'delta', metricsGzip: false, logs: true, logsGzip: false, sessionInMetrics: true, session: 'setup', host: 'box' });
  try {
    claude.apiRequest({ model: 'claude-opus-4-6', tokens: tokens(1), costUsd: 0.1, durationMs: 900 });
    await Promise.all([claude.flushLogs(), claude.flushMetrics()]);
    assert.deepEqual(claude.failures(), []);
    assert.equal((await usage(local)).window_5h_tokens, expectedUsage(claude.emitted.filter((e) => e.via === 'event'), Date.now()).window_5h_tokens);
    const body = pbLogs(logsRequest([apiRequest({ at: Date.now(), session: 'l', requestId: 'l1', input: 1 })]));
    assert.equal((await rawCall(local.grpc!, LOGS, body)).code, grpc.status.OK, 'loopback reaches it');
    const fromLan = await rawCall(local.grpc!, LOGS, body, { host: lan });
    assert.equal(fromLan.code, grpc.status.UNAVAILABLE, `the LAN address has no listener: ${fromLan.details}`);
  } finally {
    await claude.shutdown().catch(() => {});
    await stop(local);
  }
});

test('setup otel offers both: http/protobuf on the HTTP port (the default), grpc on the gRPC port serve listens on', () => {
  const fallback = (key: string) => SETTINGS.find((s) => s.key === key)!.fallback;
  const http = otelEnv({ to: 'otlp' });
  const viaGrpc = otelEnv({ to: 'otlp', protocol: 'grpc' });
  assert.equal(http.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
  assert.equal(new URL(http.OTEL_EXPORTER_OTLP_ENDPOINT).port, String(fallback('otlpPort')));
  assert.equal(viaGrpc.OTEL_EXPORTER_OTLP_PROTOCOL, 'grpc');
  assert.equal(new URL(viaGrpc.OTEL_EXPORTER_OTLP_ENDPOINT).port, String(fallback('otlpGrpcPort')));
  assert.deepEqual({ ...viaGrpc, OTEL_EXPORTER_OTLP_PROTOCOL: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' }, { ...http, OTEL_EXPORTER_OTLP_PROTOCOL: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'nothing else differs');
  assert.equal(otelEnv({ to: 'collector', protocol: 'grpc' }).OTEL_EXPORTER_OTLP_ENDPOINT, 'http://localhost:4317');
  assert.match(otelSetupText({ to: 'otlp', settingsPath: '/x/settings.json' }), /uses OTLP\/HTTP \(http\/protobuf\), the default.*setup otel --protocol grpc/s);
  assert.match(otelSetupText({ to: 'otlp', protocol: 'grpc', settingsPath: '/x/settings.json' }), /uses OTLP\/gRPC/);
});
