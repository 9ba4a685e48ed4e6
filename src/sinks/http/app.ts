// The HTTP surface as a hono app: routes only render the daemon's snapshot.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Snapshot } from '../../core/snapshot.js';
import { schemaPath } from '../../schema.js';
import { deviceLine } from '../device.js';
import { METRICS_CONTENT_TYPE, processStats, renderMetrics } from '../metrics.js';
import { VERSION } from '../../version.js';
import { fastGet } from '../../http/listen.js';
import { loadStatic, type StaticFile } from './static.js';

export interface AppDeps {
  snapshot: () => Snapshot;
  ready: () => boolean;
  /** Calls back with each new snapshot (seq changed); returns an unsubscribe function. */
  subscribe?: (fn: (s: Snapshot) => void) => () => void;
  /** Mounts more routes (the stats) before the page's files, so they keep their own guards. */
  mount?: (app: Hono) => void;
  /** The page's files; defaults to web/ in the package. */
  files?: Map<string, StaticFile>;
  heartbeatMs?: number;
  /** Live /events streams at once; past it 503 (each holds a socket: a flood must not starve the tailer of file descriptors). */
  maxEventClients?: number;
}

/** Enough for every browser tab and device a user has, far below any file-descriptor limit. */
export const MAX_EVENT_CLIENTS = 64;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const schema = readFileSync(schemaPath(), 'utf8');

  // Set before the handler runs: headers added after it make hono rebuild the response as a stream.
  app.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  deps.mount?.(app);

  // The daemon hands out the same snapshot object until it recomputes (about once a second):
  // serialize it once, not once per request.
  let lastSnap: Snapshot | null = null;
  let lastJson = '';
  const usageJson = () => {
    const snap = deps.snapshot();
    if (snap !== lastSnap) [lastSnap, lastJson] = [snap, JSON.stringify(snap)];
    return lastJson;
  };

  // Aggregates only: open to any origin so dashboards and the virtual cluster can read them.
  const USAGE_HEADERS = { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
  app.get('/usage', (c) => c.body(usageJson(), 200, USAGE_HEADERS));
  fastGet(app, '/usage', () => ({ body: usageJson(), headers: USAGE_HEADERS }));

  // Live push for the virtual cluster: the snapshot the moment it changes, and a heartbeat
  // every second so a silent daemon is told apart from a quiet one.
  let eventClients = 0;
  const maxEventClients = deps.maxEventClients ?? MAX_EVENT_CLIENTS;
  app.get('/events', (c) => {
    c.header('Access-Control-Allow-Origin', '*');
    if (eventClients >= maxEventClients) {
      return c.json({ error: 'too_many_clients', message: `at most ${maxEventClients} live /events streams at once; poll /usage instead` }, 503, { 'Retry-After': '5' });
    }
    eventClients++;
    let unsubscribe: (() => void) | undefined;
    let counted = true;
    // Once, whichever way the stream ends (client gone, write failed, handler done).
    const release = () => {
      if (counted) eventClients--;
      counted = false;
      unsubscribe?.();
      unsubscribe = undefined;
    };
    return streamSSE(c, async (stream) => {
      const queue: Snapshot[] = [];
      let wake: (() => void) | null = null;
      unsubscribe = !counted ? undefined : deps.subscribe?.((s) => {
        queue.push(s);
        wake?.();
      });
      stream.onAbort(() => {
        release();
        wake?.();
      });
      // A client that hangs up gives its place back at once, not at the next heartbeat's failed write.
      const socket = (c.env as { incoming?: { socket?: NodeJS.EventEmitter } } | undefined)?.incoming?.socket;
      socket?.once('close', () => {
        release();
        wake?.();
      });
      let sent = deps.snapshot();
      await stream.writeSSE({ event: 'usage', id: String(sent.seq), data: usageJson() });
      const beat = deps.heartbeatMs ?? 1000;
      while (!stream.aborted) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, beat);
        });
        wake = null;
        if (stream.aborted) break;
        const next = queue.length ? queue[queue.length - 1] : null;
        queue.length = 0;
        if (next && next.seq !== sent.seq) {
          sent = next;
          await stream.writeSSE({ event: 'usage', id: String(next.seq), data: JSON.stringify(next) });
        } else {
          await stream.writeSSE({ event: 'heartbeat', data: JSON.stringify({ seq: sent.seq, at: new Date().toISOString() }) });
        }
      }
      release();
    }, async () => release());
  });

  // The device line (see sinks/device.ts): what the ESP32 polls. Aggregates only, like /usage.
  app.get('/device', (c) => c.body(deviceLine(deps.snapshot(), Date.now()), 200, { 'Content-Type': 'text/plain; charset=us-ascii' }));

  // Prometheus text format: the gauges and the daemon's own health, for architecture-B users too.
  app.get('/metrics', (c) => c.body(renderMetrics({ snapshot: deps.snapshot(), process: processStats(), version: VERSION }), 200, { 'Content-Type': METRICS_CONTENT_TYPE }));

  app.get('/healthz', (c) => c.json({ ok: true, ready: deps.ready() }));

  app.get('/schema/usage.json', (c) => c.body(schema, 200, { 'Content-Type': 'application/schema+json' }));

  app.all('/usage', (c) => c.json({ error: 'method_not_allowed', message: 'use GET' }, 405, { Allow: 'GET, HEAD' }));

  const files = deps.files ?? loadStatic();
  app.get('*', (c, next) => {
    const f = files.get(c.req.path);
    if (!f) return next();
    return c.body(new Uint8Array(f.body), 200, { 'Content-Type': f.type });
  });

  app.notFound((c) => c.json({ error: 'not_found', message: `no such path: ${c.req.path}` }, 404));

  app.onError((err, c) => c.json({ error: 'internal', message: err.message }, 500));

  return app;
}
