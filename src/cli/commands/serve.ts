import os from 'node:os';
import { defineCommand } from 'citty';
import { Daemon, mainSource } from '../../daemon/index.js';
import { POLL_MS } from '../../sources/prometheus/index.js';
import { announce, withdraw } from '../../daemon/discovery.js';
import { createApp } from '../../sinks/http/app.js';
import { listen } from '../../sinks/http/server.js';
import { SnapshotFileWriter } from '../../sinks/snapshot-file.js';
import { alertsFromConfig, followDaemon } from '../../sinks/alerts/index.js';
import { mountStats } from '../../sinks/http/stats.js';
import { openHistory, type History } from '../../store/db.js';
import type { Ingest, IngestStatus } from '../../store/follow.js';
import { progressBar } from '../../sinks/terminal/progress.js';
import { configFrom, gaugeArgs, serverArgs } from '../args.js';
import { fail } from '../index.js';

const NOT_STARTED: IngestStatus = { files_total: 0, files_done: 0, backfilled: false, lines: 0, skipped_lines: 0, last_error: null };

export default defineCommand({
  meta: { name: 'serve', description: 'Run the daemon: GET /usage for the cluster, live from the transcripts' },
  args: { ...serverArgs, ...gaugeArgs, quiet: { type: 'boolean', description: 'no start-up banner or progress' } },
  async run({ args }) {
    const config = configFrom(args);
    const log = (m: string) => process.stderr.write(`claude-gauge: ${m}\n`);
    const bar = args.quiet ? null : progressBar(process.stderr, 'reading older history');
    // The durable history behind /stats reads the same files; the daemon's watcher tells it what grew.
    const history = config.history ? openHistorySafely(config.stateDir, log) : null;
    // Started once the gauges are served: its first run reads the whole history into SQLite.
    let ingest: Ingest | null = null;
    const daemon = new Daemon({ config, log, onProgress: bar?.update, onFileGrew: (p) => ingest?.touch(p) });
    const snapshotFile = new SnapshotFileWriter(config.stateDir);
    daemon.on('change', (s) => snapshotFile.offer(s));
    const started = Date.now();
    await daemon.start();
    const alerts = alertsFromConfig(config, log);
    if (alerts) followDaemon(alerts, daemon);
    const app = createApp({
      snapshot: () => daemon.snapshot(),
      ready: () => true,
      mount: history ? (a) => mountStats(a, { history, snapshot: () => daemon.snapshot(), ingest: () => ingest?.status() ?? NOT_STARTED, token: config.token }) : undefined,
      subscribe: (fn) => daemon.subscribe(fn),
    });
    const http = await listen(app, config.port, config.host).catch((err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? `port ${config.port} is already in use (another claude-gauge?); choose one with --port or CLAUDE_GAUGE_PORT`
        : err.code === 'EACCES' ? `no permission to listen on port ${config.port}; use a port above 1023`
        : `cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`;
      return fail(why, 2);
    });
    // Loaded once /usage answers: neither the mDNS stack nor the history ingest is on the way to the first reading.
    const mdns = config.mdns ? await import('../../sinks/mdns.js') : null;
    const advert = mdns && !mdns.isLoopback(config.host) ? mdns.advertise(http.port, log) : null;
    if (history && mainSource(config) === 'transcripts') ingest = (await import('../../store/follow.js')).startIngest({ history, configDirs: config.configDirs, log, rescanMs: 0 }); // fed by the daemon's watcher
    // A full or read-only state folder costs `statusline` and `doctor` the address, never the gauges.
    await announce(config.stateDir, { pid: process.pid, port: http.port, host: config.host, started_at: new Date().toISOString() }).catch((err: NodeJS.ErrnoException) =>
      log(`cannot write the daemon address in ${config.stateDir}: ${err.code ?? err.message}`),
    );
    if (!args.quiet) {
      const h = (daemon.otlp ?? daemon.prometheus ?? daemon.transcripts).health();
      log(`serving http://${displayHost(config.host)}:${http.port}/usage (ready in ${Date.now() - started} ms); the virtual cluster is at http://${displayHost(config.host)}:${http.port}/`);
      for (const ip of lanAddresses(config.host)) log(`  for the cluster on your network: http://${ip}:${http.port}/device`);
      if (advert) log('  announced over mDNS as _claude-gauge._tcp');
      if (daemon.fuel) log(`the 5-hour window comes from ${daemon.fuel.health().kind}${daemon.fuel.health().ok ? '' : ` (problem: ${daemon.fuel.health().problems[0]})`}`);
      if (daemon.prometheus) log(`reading ${config.prometheusUrl} every ${POLL_MS / 1000} s${config.prometheusSelector ? ` (${config.prometheusSelector})` : ' (every machine)'}`);
      else if (daemon.otlp) log(`receiving OpenTelemetry on http://${config.otlpHost}:${config.otlpPort}/v1/logs and /v1/metrics`);
      else log(`reading ${daemon.transcripts.watchedDirs.join(', ') || '(no transcript folder yet)'}: ${h.files} files, ${h.backfill.files_total} older in the background`);
      for (const p of h.problems) log(`problem: ${p}`);
    }
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      bar?.done();
      await advert?.stop();
      await http.close();
      await daemon.close();
      await ingest?.close();
      history?.close();
      await withdraw(config.stateDir);
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await daemon.transcripts.whenBackfilled();
    bar?.done();
  },
});

/** The history, or null when it cannot be opened (a full disk, no permission): the gauges run without it. */
function openHistorySafely(stateDir: string, log: (m: string) => void): History | null {
  try {
    return openHistory(stateDir, { onMovedAside: (to, why) => log(`the history was damaged (${why}); kept it as ${to} and rebuilding it from the transcripts`) });
  } catch (err) {
    log(`problem: the history behind /stats is off this run: cannot open it in ${stateDir}: ${(err as { code?: string }).code ?? (err as Error).message}`);
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
