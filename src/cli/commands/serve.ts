import os from 'node:os';
import path from 'node:path';
import { defineCommand } from 'citty';
import { Daemon } from '../../daemon/index.js';
import { announce, withdraw } from '../../daemon/discovery.js';
import { createApp } from '../../sinks/http/app.js';
import { listen } from '../../http/listen.js';
import { SnapshotFileWriter } from '../../sinks/snapshot-file.js';
import { Hono, type Context } from 'hono';
import type { History } from '../../store/db.js';
import type { Ingest } from '../../store/follow.js';
import type { QueryRunner } from '../../sinks/stats/runner.js';
import { notStarted } from '../../store/ingest-status.js';
import { progressBar } from '../../sinks/terminal/progress.js';
import { configFrom, gaugeArgs, serverArgs } from '../args.js';
import { fail } from '../fail.js';
import { errorCode, errorText } from '../../util/errno.js';


export default defineCommand({
  meta: { name: 'serve', description: 'Run the daemon: GET /usage for the cluster, live from the transcripts' },
  args: { ...serverArgs, ...gaugeArgs, quiet: { type: 'boolean', description: 'no start-up banner or progress' } },
  async run({ args }) {
    const config = configFrom(args);
    const bar = args.quiet ? null : progressBar(process.stderr, 'reading older history');
    const log = (m: string) => {
      bar?.interrupt();
      process.stderr.write(`claude-gauge: ${m}\n`);
    };
    // The durable history behind /stats reads the same files; the daemon's watcher tells it what grew.
    // Opened once /usage answers (SQLite and the stats queries are not on the way to the first reading).
    let history: History | null = null;
    let historyOpened: (h: History | null) => void = () => {};
    const historyReady = new Promise<History | null>((resolve) => (historyOpened = resolve));
    // Started once the gauges are served: its first run reads the whole history into SQLite.
    let ingest: Ingest | null = null;
    const daemon = new Daemon({ config, log, onProgress: bar?.update, onFileGrew: (p) => ingest?.touch(p) });
    const snapshotFile = new SnapshotFileWriter(config.stateDir);
    daemon.on('change', (s) => snapshotFile.offer(s));
    const started = Date.now();
    await daemon.start();
    // /stats, /api and /mcp load on their first request, with the history they read; their
    // queries run in a thread of their own (runner.ts), never in the way of /usage.
    let queries: QueryRunner | null = null;
    const statsApp = lazy(async () => {
      const h = await historyReady;
      if (!h) return null;
      const [{ mountStats }, { QueryPool }] = await Promise.all([import('../../sinks/stats/http.js'), import('../../sinks/stats/runner.js')]);
      const live = { snapshot: () => daemon.snapshot(), ingest: () => ingest?.status() ?? notStarted() };
      const runner = (queries = new QueryPool({ file: h.file, live }));
      const sub = new Hono();
      mountStats(sub, { history: h, ...live, runner, token: config.token });
      return sub;
    });
    const app = createApp({
      snapshot: () => daemon.snapshot(),
      ready: () => true,
      mount: config.history ? (a) => mountLazily(a, statsApp) : undefined,
      subscribe: (fn) => daemon.subscribe(fn),
    });
    const http = await listen(app, config.port, config.host).catch((err: unknown) => {
      const code = errorCode(err);
      const why = code === 'EADDRINUSE' ? `port ${config.port} is already in use (another claude-gauge?); choose one with --port or CLAUDE_GAUGE_PORT`
        : code === 'EACCES' ? `no permission to listen on port ${config.port}; use a port above 1023`
        : `cannot listen on ${config.host}:${config.port}: ${errorText(err)}`;
      return fail(why, 2);
    });
    // Set before the serving line (a supervisor may stop us the moment it reads it): everything opened later is closed if it was.
    let stopping = false;
    let advert: { stop(): Promise<void> } | null = null;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      bar?.done();
      await advert?.stop();
      await http.close();
      await daemon.close();
      await ingest?.close();
      await queries?.close();
      history?.close();
      await withdraw(config.stateDir);
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Said once the handlers are set (the write wakes whoever waits for it, who may stop us at once),
    // the moment /usage answers (what a supervisor or a script waits for); the rest of the banner follows.
    if (!args.quiet) log(`serving http://${displayHost(config.host)}:${http.port}/usage (ready in ${Date.now() - started} ms); the virtual cluster is at http://${displayHost(config.host)}:${http.port}/`);
    // Loaded once /usage answers: neither the mDNS stack nor the history ingest is on the way to the first reading.
    history = config.history ? await openHistorySafely(config.stateDir, log) : null;
    historyOpened(history);
    if (stopping) return; // stop() is closing what it found and ends the process
    if (config.alerts) {
      const { alertsFromConfig, followDaemon } = await import('../../sinks/alerts/index.js');
      const alerts = alertsFromConfig(config, log);
      if (alerts) followDaemon(alerts, daemon);
    }
    const mdns = config.mdns ? await import('../../sinks/mdns.js') : null;
    advert = mdns && !mdns.isLoopback(config.host) ? mdns.advertise(http.port, { log, onUp: (name) => !args.quiet && log(`announced over mDNS as "${name}" (_claude-gauge._tcp)`) }) : null;
    if (history && daemon.main.kind === 'transcripts') ingest = (await import('../../store/follow.js')).startIngest({ history, configDirs: config.configDirs, log, rescanMs: 0 }); // fed by the daemon's watcher
    // A full or read-only state folder costs `statusline` and `doctor` the address, never the gauges.
    await announce(config.stateDir, { pid: process.pid, port: http.port, host: config.host, started_at: new Date().toISOString() }).catch((err: unknown) =>
      log(`cannot write the daemon address in ${config.stateDir}: ${errorText(err)}`),
    );
    if (!args.quiet) {
      const h = daemon.main.health();
      for (const ip of lanAddresses(config.host)) log(`  for the cluster on your network: http://${ip}:${http.port}/device`);
      const fuel = daemon.fuel?.health();
      if (fuel) log(`the 5-hour window comes from ${fuel.kind}${fuel.ok ? '' : ` (problem: ${fuel.problems[0]})`}`);
      log(daemon.main.describe());
      for (const p of h.problems) log(`problem: ${p}`);
    }
    // The progress bar is the transcripts' backfill; the other sources have none to wait for.
    await daemon.main.whenBackfilled();
    bar?.done();
  },
});

const STATS_PATHS = ['/stats', '/stats/*', '/api', '/api/*', '/mcp'];

/** Routes that hand their requests to an app made on first use; 404 when there is none (history off). */
function mountLazily(app: Hono, sub: () => Promise<Hono | null>): void {
  const handler = async (c: Context) => {
    const target = await sub();
    return target ? target.fetch(c.req.raw, c.env) : c.json({ error: 'not_found', message: 'the history behind /stats is off this run' }, 404);
  };
  for (const p of STATS_PATHS) app.all(p, handler);
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

/** The history, or null when it cannot be opened (a full disk, no permission): the gauges run without it. */
async function openHistorySafely(stateDir: string, log: (m: string) => void): Promise<History | null> {
  const [{ openHistory, HISTORY_FILE }, { checkHistory }] = await Promise.all([import('../../store/db.js'), import('../../store/check.js')]);
  const cannot = (why: string) => log(`problem: the history behind /stats is off this run: cannot open it in ${stateDir}: ${why}`);
  const movedAside = (to: string, why: string) => log(`the history was damaged (${why}); kept it as ${to} and rebuilding it from the transcripts`);
  // Checked in a worker thread, /usage answering meanwhile; then opened here without a second check.
  const checked = await checkHistory(path.join(stateDir, HISTORY_FILE));
  if (checked && !checked.ok) {
    cannot(checked.error);
    return null;
  }
  if (checked?.movedAside) movedAside(checked.movedAside.to, checked.movedAside.why);
  try {
    return openHistory(stateDir, { checked: checked !== null, onMovedAside: movedAside });
  } catch (err) {
    cannot(errorText(err));
    return null;
  }
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
}

function lanAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [];
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}
