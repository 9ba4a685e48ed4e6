// A real Prometheus (Debian's /usr/bin/prometheus) for tests, and an HTTP endpoint that exposes
// Claude Code's token counter exactly as the OpenTelemetry collector's prometheus exporter does.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './cli.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const METRIC = 'claude_code_token_usage_tokens_total';

/** In CI a missing Prometheus fails the test; locally it is skipped with this message. */
export const prometheusSkip: string | false =
  existsSync(PROMETHEUS) && existsSync(PROMTOOL) ? false : process.env.CI ? false : 'Debian prometheus not installed (apt-get install prometheus); CI runs this';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export type Labels = Record<string, string>;

/**
 * The collector's exporter: one counter per label set (resource attributes become labels with
 * resource_to_telemetry_conversion; `job` is service.name, which Prometheus files as exported_job).
 * Classic text format, or OpenMetrics when the scraper asks for it (enable_open_metrics: true).
 */
export class CollectorExporter {
  readonly counters = new Map<string, { labels: Labels; value: number; at?: number }>();
  private server: http.Server | null = null;
  port = 0;

  /** `at`: the exporter's own timestamp (send_timestamps: true), in ms. */
  set(labels: Labels, value: number, at?: number): void {
    this.counters.set(labelText(labels), { labels, value, at });
  }

  add(labels: Labels, delta: number): void {
    this.set(labels, (this.counters.get(labelText(labels))?.value ?? 0) + delta);
  }

  render(openMetrics: boolean): string {
    const family = openMetrics ? METRIC.replace(/_total$/, '') : METRIC;
    const lines = [`# HELP ${family} Number of tokens used`, `# TYPE ${family} counter`];
    for (const { labels, value, at } of this.counters.values()) {
      const ts = at === undefined ? '' : openMetrics ? ` ${(at / 1000).toFixed(3)}` : ` ${at}`;
      lines.push(`${METRIC}{${labelText(labels)}} ${value}${ts}`);
    }
    if (openMetrics) lines.push('# EOF');
    return lines.join('\n') + '\n';
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const om = /application\/openmetrics-text/.test(req.headers.accept ?? '');
      res.setHeader('content-type', om ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8');
      res.end(this.render(om));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export function labelText(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
}

/** Claude Code's labels after the collector, for one session of one host. */
export function ccLabels(o: { type: string; model: string; session?: string; host?: string; user?: string }): Labels {
  const l: Labels = { job: 'claude-code', service_name: 'claude-code', host_name: o.host ?? 'studio', user_email: o.user ?? 'ada@example.com', model: o.model, type: o.type };
  if (o.session) l.session_id = o.session;
  return l;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start: () => Promise<void>;
  /** SIGSTOP / SIGCONT: a Prometheus that accepts connections but does not answer. */
  pause: () => void;
  resume: () => void;
}

export async function startPrometheus(o: { target?: string; scrapeSeconds?: number; dataDir?: string }): Promise<RunningPrometheus> {
  const dataDir = o.dataDir ?? (await tempDir('prom'));
  const config = path.join(dataDir, '..', `${path.basename(dataDir)}.yml`);
  const s = o.scrapeSeconds ?? 1;
  const targets = o.target ? `\n  - job_name: otel-collector\n    static_configs:\n      - targets: ["${o.target}"]` : ' []';
  await fs.writeFile(config, `global:\n  scrape_interval: ${s}s\n  scrape_timeout: ${s}s\nscrape_configs:${targets}\n`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let log = '';
  const start = async () => {
    child = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=30d', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (c) => (log += c));
    const until = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${log}`);
      const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`prometheus not ready: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = () =>
    new Promise<void>((done) => {
      const c = child;
      if (!c || c.exitCode !== null) return done();
      c.once('exit', () => done());
      c.kill('SIGTERM');
    });
  await start();
  return { url, port, dataDir, stop, start, pause: () => child?.kill('SIGSTOP'), resume: () => child?.kill('SIGCONT') };
}

/** History written straight into a data folder with promtool (OpenMetrics, times in seconds, `# EOF`). */
export async function backfill(dataDir: string, samples: { labels: Labels; at: number; value: number }[]): Promise<void> {
  const family = METRIC.replace(/_total$/, '');
  const body = [`# HELP ${family} Number of tokens used`, `# TYPE ${family} counter`];
  for (const s of samples) body.push(`${METRIC}{${labelText(s.labels)}} ${s.value} ${(s.at / 1000).toFixed(3)}`);
  body.push('# EOF');
  const file = `${dataDir}.om`;
  await fs.writeFile(file, body.join('\n') + '\n');
  await new Promise<void>((resolve, reject) =>
    execFile(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], (err, _out, stderr) => (err ? reject(new Error(`promtool: ${stderr}`)) : resolve())),
  );
}

/** Raw samples straight from Prometheus's API, for the tests' own arithmetic. */
export async function rawSamples(url: string, query: string): Promise<{ labels: Labels; samples: { at: number; value: number }[] }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { data: { result: { metric: Labels; values: [number, string][] }[] } };
  return body.data.result.map((r) => ({ labels: r.metric, samples: r.values.map(([t, v]) => ({ at: Math.round(t * 1000), value: Number(v) })) }));
}
