// --source prometheus / --fuel prometheus against a real Prometheus (Debian's 2.42) scraping an
// endpoint shaped exactly like the OpenTelemetry collector's prometheus exporter. Every expected
// figure is computed here from Prometheus's raw samples (and checked against the bumps made), with
// the 5-hour block rule re-derived independently.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';
import { assistant } from './helpers/lines.js';
import { backfill, ccLabels, CollectorExporter, METRIC, prometheusSkip, rawSamples, startPrometheus, type Labels, type RunningPrometheus } from './helpers/prometheus.js';
import { assertUsageSchema } from './helpers/schema.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const FIVE_H = 5 * HOUR;

interface Use { at: number; type: string; model: string; delta: number }

/** Usage from raw counter samples: a series' first sample counts (Prometheus holds nothing older), a drop is a restart. */
function usesOf(series: { labels: Labels; samples: { at: number; value: number }[] }[]): Use[] {
  const out: Use[] = [];
  for (const s of series) {
    let prev: number | null = null;
    for (const x of s.samples) {
      const delta = prev === null || x.value < prev ? x.value : x.value - prev;
      if (delta > 0) out.push({ at: x.at, type: s.labels.type, model: s.labels.model, delta });
      prev = x.value;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** ccusage's block rule, written again: start floored to the hour, new block after 5 h from start or 5 h of silence. */
function activeBlock(uses: Use[], now: number): { start: number; tokens: number } | null {
  let start: number | null = null;
  let prev = 0;
  let tokens = 0;
  for (const u of uses) {
    if (start === null || u.at - start > FIVE_H || u.at - prev > FIVE_H) {
      start = Math.floor(u.at / HOUR) * HOUR;
      tokens = 0;
    }
    tokens += u.delta;
    prev = u.at;
  }
  return start !== null && now - prev < FIVE_H && now < start + FIVE_H ? { start, tokens } : null;
}

function expectedFigures(uses: Use[], now: number) {
  const sum = (from: number, type?: string) => uses.filter((u) => u.at > from && u.at <= now && (!type || u.type === type)).reduce((a, u) => a + u.delta, 0);
  const read = sum(now - 5 * MIN, 'cacheRead');
  const denom = sum(now - 5 * MIN, 'input') + read + sum(now - 5 * MIN, 'cacheCreation');
  const newest = uses.filter((u) => u.at <= now).at(-1);
  return { rate_1m: sum(now - MIN), cache_hit_rate: denom > 0 ? read / denom : 0, block: activeBlock(uses.filter((u) => u.at <= now), now), last_model_id: newest?.model ?? null };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

interface Rig { exporter: CollectorExporter; prom: RunningPrometheus; serve: (args?: string[], extraEnv?: Record<string, string>) => Promise<Served>; close: () => Promise<void> }

/** The labels Prometheus stores for an exporter's series: its job and instance, the exporter's job as exported_job. */
function stored(labels: Labels, exporterPort: number): Labels {
  const { job, ...rest } = labels;
  return { ...rest, exported_job: job, job: 'otel-collector', instance: `127.0.0.1:${exporterPort}` };
}

type History = { labels: Labels; at: number; value: number }[];

async function rig(t: TestContext, o: { history?: (exporterPort: number) => History } = {}): Promise<Rig> {
  const exporter = new CollectorExporter();
  await exporter.start();
  const dataDir = await tempDir('prom-data');
  if (o.history) await backfill(dataDir, o.history(exporter.port));
  const prom = await startPrometheus({ target: `127.0.0.1:${exporter.port}`, scrapeSeconds: 1, dataDir });
  const served: Served[] = [];
  const serve = async (args: string[] = [], extraEnv: Record<string, string> = {}) => {
    const env = isolatedEnv({ CLAUDE_CONFIG_DIR: await tempDir('no-transcripts'), CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_HISTORY: 'off', ...extraEnv });
    const url = args.includes('--prometheus-url') ? [] : ['--prometheus-url', prom.url];
    const s = await startServe(env, ['--source', 'prometheus', ...url, ...args]);
    served.push(s);
    return s;
  };
  const close = async () => {
    for (const s of served) await s.stop();
    await prom.stop();
    await exporter.stop();
  };
  t.after(close);
  return { exporter, prom, serve, close };
}

/** Waits until Prometheus has scraped the exporter's current values. */
async function scraped(r: Rig, total: number): Promise<void> {
  await waitFor(async () => {
    const now = (await rawSamples(r.prom.url, `${METRIC}[1h]`)).reduce((a, s) => a + (s.samples.at(-1)?.value ?? 0), 0);
    return now === total;
  }, 15_000, 100);
}

/** Waits for a condition on the daemon; on time-out the error shows the last /usage seen. */
let lastSeen: unknown = null;
const usage = async (s: Served) => (lastSeen = await getJson(`${s.url}/usage`));
const until = <T>(probe: () => Promise<T | false | undefined>, ms = 20_000) =>
  waitFor(probe, ms, 25).then(
    (r) => r.value,
    (err: Error) => {
      throw new Error(`${err.message}; last /usage: ${JSON.stringify(lastSeen)}`);
    },
  );

test('live scrape: /usage equals the figures computed from the same samples; latency bump -> scrape -> poll -> /usage', { skip: prometheusSkip, timeout: 300_000 }, async (t) => {
  const r = await rig(t);
  const sonnet = (type: string) => ccLabels({ type, model: 'claude-sonnet-4-5', session: 'sess-1' });
  const opus = (type: string) => ccLabels({ type, model: 'claude-opus-4-6', session: 'sess-2' });
  const start = { input: 12, output: 340, cacheRead: 20_000, cacheCreation: 1_500 };
  for (const [type, v] of Object.entries(start)) r.exporter.set(sonnet(type), v);
  let total = Object.values(start).reduce((a, b) => a + b, 0);
  await scraped(r, total);
  const served = await r.serve();
  await until(async () => (await usage(served)).window_5h_tokens === total && true);

  const latencies: number[] = [];
  const types = ['input', 'output', 'cacheRead', 'cacheCreation'];
  for (let i = 0; i < 30; i++) {
    // The last bumps start a second session on another model: a new series' first sample is usage.
    const labels = i < 25 ? sonnet(types[i % 4]) : opus(i === 25 ? 'cacheRead' : types[i % 2 === 0 ? 1 : 2]);
    const amount = 100 + ((i * 7919) % 5000);
    // The previous bump was seen right after a poll: wait a random part of the poll period, so bumps
    // fall at every phase of scrape and poll (both repeat within 2 s).
    await new Promise((res) => setTimeout(res, Math.random() * 2_000));
    const bumped = Date.now();
    r.exporter.add(labels, amount);
    total += amount;
    await until(async () => (await usage(served)).window_5h_tokens === total && true);
    latencies.push(Date.now() - bumped);
  }
  const median = quantile(latencies, 0.5);
  const p95 = quantile(latencies, 0.95);
  t.diagnostic(`latency bump -> /usage over ${latencies.length} bumps (scrape 1 s, poll 2 s): median ${median} ms, p95 ${p95} ms, max ${Math.max(...latencies)} ms; all: ${latencies.join(' ')}`);
  assert.ok(p95 < 8_000, `p95 ${p95} ms`);

  const u = await usage(served);
  assertUsageSchema(u);
  const now = Date.parse(u.updated_at);
  const uses = usesOf(await rawSamples(r.prom.url, `${METRIC}[1h]`));
  const want = expectedFigures(uses, now);
  assert.equal(uses.reduce((a, x) => a + x.delta, 0), total, 'Prometheus holds every bump');
  assert.equal(u.window_5h_tokens, total);
  assert.equal(u.window_5h_tokens, want.block!.tokens);
  assert.equal(u.window_5h_block_start, new Date(want.block!.start).toISOString());
  assert.equal(u.rate_1m, want.rate_1m);
  assert.ok(Math.abs(u.cache_hit_rate - want.cache_hit_rate) < 1e-12, `${u.cache_hit_rate} vs ${want.cache_hit_rate}`);
  assert.equal(u.last_model_id, want.last_model_id);
  assert.equal(u.last_model, 'opus');
  assert.equal(u.thinking_ratio, 0);
  assert.equal(u.thinking_source, 'none');
  assert.equal(u.window_5h_tokens_from, 'local');
  assert.equal(u.source.kind, 'prometheus');
  assert.equal(u.source.ok, true);
  assert.equal(u.stall, false);
  const newest = Math.max(...(await rawSamples(r.prom.url, `${METRIC}[1m]`)).flatMap((s) => s.samples.map((x) => x.at)));
  assert.ok(Date.parse(u.source.newest_sample_at) <= newest && newest - Date.parse(u.source.newest_sample_at) < 5_000, 'the newest sample read is a recent scrape');
  assert.ok(u.source.lag_s >= 0 && u.source.lag_s < 6, `lag ${u.source.lag_s} s`);
});

test('history loaded with promtool: an activity chain reaching back 10 h sets the block start; a sparse series older than the read is a baseline', { skip: prometheusSkip, timeout: 120_000 }, async (t) => {
  const now = Date.now();
  const host = ccLabels({ type: 'cacheRead', model: 'claude-sonnet-4-5' }); // delta temporality: one long-running series per host
  const sparse = ccLabels({ type: 'output', model: 'claude-opus-4-6', session: 'idle' });
  const history = (port: number): History => {
    const out: History = [];
    // Scraped every 10 minutes from -10 h to -3.5 h; the counter grows at -10 h (its first sample), -6.5 h and -4 h.
    for (let at = now - 10 * HOUR; at <= now - 3.5 * HOUR; at += 10 * MIN) out.push({ labels: stored(host, port), at, value: at < now - 6.5 * HOUR ? 400 : at < now - 4 * HOUR ? 700 : 950 });
    out.push({ labels: stored(sparse, port), at: now - 30 * HOUR, value: 5_000 }); // exporter timestamps (send_timestamps): a sample only when it changes
    return out;
  };
  const r = await rig(t, { history });
  r.exporter.set(host, 950);
  await scraped(r, 950); // the live series; the sparse one is older than an hour
  const served = await r.serve();
  await until(async () => (await usage(served)).source.backfill.done && true);
  r.exporter.add(host, 2_000);
  r.exporter.set(sparse, 5_200, Date.now());
  await until(async () => (await usage(served)).window_5h_tokens === 250 + 2_000 + 200 && true);

  const u = await usage(served);
  const uses = usesOf(await rawSamples(r.prom.url, `${METRIC}[40h]`));
  const want = expectedFigures(uses, Date.parse(u.updated_at));
  assert.ok(want.block, 'a block is active');
  assert.equal(u.window_5h_block_start, new Date(want.block.start).toISOString());
  assert.equal(u.window_5h_tokens, want.block.tokens);
  // The block holding -10 h and -6.5 h ends before -4 h, which opens the active one; read only from
  // -7 h (the first chunk), -6.5 h would open a block holding -4 h, and the active one would start now.
  assert.equal(want.block.start, Math.floor((now - 4 * HOUR) / HOUR) * HOUR);
  const shortSighted = activeBlock(uses.filter((x) => x.at > now - 7 * HOUR), Date.parse(u.updated_at));
  assert.notEqual(shortSighted?.start, want.block.start);
  assert.equal(u.last_model_id, want.last_model_id);
});

test('Prometheus stopped (or hung) mid-test lights STALL with the reason; its return clears it and nothing counts twice', { skip: prometheusSkip, timeout: 180_000 }, async (t) => {
  const r = await rig(t);
  const labels = ccLabels({ type: 'input', model: 'claude-sonnet-4-5', session: 's' });
  r.exporter.set(labels, 1_000);
  await scraped(r, 1_000);
  const served = await r.serve();
  await until(async () => (await usage(served)).window_5h_tokens === 1_000 && true);

  await r.prom.stop();
  const broken = await until(async () => {
    const u = await usage(served);
    return u.stall && u;
  });
  assert.equal(broken.stall_reason, 'source-broken');
  assert.equal(broken.source.ok, false);
  assert.match(broken.source.problems[0], /Prometheus at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\)/);
  assert.equal(broken.window_5h_tokens, 1_000, 'the figures stand while it is away');
  assertUsageSchema(broken);
  r.exporter.add(labels, 500); // used while Prometheus was down: scraped once it is back

  await r.prom.start();
  const back = await until(async () => {
    const u = await usage(served);
    return !u.stall && u.window_5h_tokens === 1_500 && u;
  }, 40_000);
  assert.equal(back.source.ok, true);
  assert.deepEqual(back.source.problems, []);
  r.exporter.add(labels, 250);
  await until(async () => (await usage(served)).window_5h_tokens === 1_750 && true);

  // Slow: it accepts connections but does not answer.
  r.prom.pause();
  try {
    const slow = await until(async () => {
      const u = await usage(served);
      return u.stall && u;
    });
    assert.match(slow.source.problems[0], /did not answer within 5 s/);
  } finally {
    r.prom.resume();
  }
  await until(async () => !(await usage(served)).stall && true, 40_000);
  await new Promise((res) => setTimeout(res, 5_000)); // more polls over the same samples
  const later = await usage(served);
  assert.equal(later.window_5h_tokens, 1_750);
  assert.equal(usesOf(await rawSamples(r.prom.url, `${METRIC}[1h]`)).reduce((a, x) => a + x.delta, 0), 1_750);
});

test('the selector picks one of two hosts; empty sums every machine; a bad selector is refused', { skip: prometheusSkip, timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  const a = ccLabels({ type: 'cacheRead', model: 'claude-sonnet-4-5', host: 'studio', user: 'ada@example.com' });
  const b = ccLabels({ type: 'cacheRead', model: 'claude-sonnet-4-5', host: 'laptop', user: 'bob@example.com' });
  r.exporter.set(a, 3_000);
  r.exporter.set(b, 40_000);
  await scraped(r, 43_000);
  const one = await r.serve(['--prometheus-selector', 'host_name="studio"']);
  const all = await r.serve();
  const byUser = await r.serve([], { CLAUDE_GAUGE_PROMETHEUS_SELECTOR: 'user_email=~"bob@.*"' });
  r.exporter.add(a, 100);
  r.exporter.add(b, 7);
  await until(async () => (await usage(one)).window_5h_tokens === 3_100 && true);
  await until(async () => (await usage(all)).window_5h_tokens === 43_107 && true);
  await until(async () => (await usage(byUser)).window_5h_tokens === 40_007 && true);

  // Not label matchers: the daemon does not start (exit 2, one line).
  const bad = await runCli(['serve', '--source', 'prometheus', '--prometheus-url', r.prom.url, '--prometheus-selector', 'host_name=studio'], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: await tempDir('state') }) });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /--prometheus-selector "host_name=studio": the value of "host_name" must be quoted/);
  // Something else at that address: said so, not a crash.
  const notProm = await r.serve(['--prometheus-url', `http://127.0.0.1:${r.exporter.port}`]);
  const n = await until(async () => {
    const v = await usage(notProm);
    return v.stall && v;
  });
  assert.match(n.source.problems[0], /answered HTTP 200 without a Prometheus API body \(is it Prometheus\?\)/);
  // Well-formed but refused by Prometheus (a broken regular expression): STALL, with Prometheus's words.
  const refused = await r.serve(['--prometheus-selector', 'host_name=~"(studio"']);
  const u = await until(async () => {
    const v = await usage(refused);
    return v.stall && v;
  });
  assert.match(u.source.problems[0], /Prometheus refused the query \(HTTP 400 bad_data\): .*missing closing \).*check CLAUDE_GAUGE_PROMETHEUS_SELECTOR/);
});

test('a counter reset (the exporter restarting) is neither negative nor counted twice', { skip: prometheusSkip, timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  const labels = ccLabels({ type: 'cacheRead', model: 'claude-sonnet-4-5' });
  r.exporter.set(labels, 10_000);
  await scraped(r, 10_000);
  const served = await r.serve();
  await until(async () => (await usage(served)).window_5h_tokens === 10_000 && true);
  r.exporter.set(labels, 300); // restarted: a new counter that already holds 300 tokens
  await until(async () => (await usage(served)).window_5h_tokens === 10_300 && true);
  r.exporter.add(labels, 50);
  await until(async () => (await usage(served)).window_5h_tokens === 10_350 && true);
  await new Promise((res) => setTimeout(res, 4_000));
  const u = await usage(served);
  assert.equal(u.window_5h_tokens, 10_350);
  const uses = usesOf(await rawSamples(r.prom.url, `${METRIC}[1h]`));
  assert.equal(uses.reduce((a, x) => a + x.delta, 0), 10_350);
  assert.ok(u.rate_1m >= 0 && u.rate_1m <= 10_350);
});

test('hybrid: the tach from the transcript tail, the 5-hour window from Prometheus', { skip: prometheusSkip, timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  const labels = ccLabels({ type: 'cacheRead', model: 'claude-sonnet-4-5', session: 'h' });
  r.exporter.set(labels, 7_777_000);
  await scraped(r, 7_777_000);
  const home = await fixtureCopy();
  const file = path.join(home, 'projects', '-home-dev-hybrid', 'hybrid.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_HISTORY: 'off' });
  const served = await startServe(env, ['--source', 'transcripts', '--fuel', 'prometheus', '--prometheus-url', r.prom.url]);
  t.after(() => served.stop());
  await fs.appendFile(file, assistant({ id: 'msg_h1', req: 'req_h1', at: Date.now(), input: 7, cacheRead: 12_000, output: 300, session: 'h', model: 'claude-haiku-4-5-20251001' }) + '\n');
  const u = await until(async () => {
    const v = await usage(served);
    return v.rate_1m === 12_307 && v.window_5h_tokens_from === 'prometheus' && v;
  });
  const want = expectedFigures(usesOf(await rawSamples(r.prom.url, `${METRIC}[1h]`)), Date.parse(u.updated_at));
  assert.equal(u.window_5h_tokens, want.block!.tokens);
  assert.equal(u.window_5h_tokens, 7_777_000);
  assert.equal(u.window_5h_block_start, new Date(want.block!.start).toISOString());
  assert.equal(u.last_model_id, 'claude-haiku-4-5-20251001', 'the tach and model come from the transcripts');
  assert.equal(u.source.kind, 'transcripts');
  assert.equal(u.fuel_source.kind, 'prometheus');
  assert.equal(u.fuel_source.ok, true);
  assertUsageSchema(u);
  r.exporter.add(labels, 1_000);
  await until(async () => (await usage(served)).window_5h_tokens === 7_778_000 && true);
});
