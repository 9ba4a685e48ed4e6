// /stats (the dashboard), its JSON API under /api/ and the MCP endpoint at /mcp. Unlike /usage
// and /device these reveal what was worked on and when, so they answer only this machine
// (loopback, and a loopback Host header against DNS rebinding) unless an access token is set.
import { getConnInfo } from '@hono/node-server/conninfo';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Snapshot } from '../../core/snapshot.js';
import { FilterError, parseFilter } from './filter.js';
import { QUERIES, type StatsContext } from './registry.js';
import { runHere, type QueryRunner } from './runner.js';
import type { History } from '../../store/db.js';
import type { IngestStatus } from '../../store/follow.js';
import { loadStatic, webRoot, type StaticFile } from '../http/static.js';

export interface StatsDeps {
  history: History;
  snapshot?: () => Snapshot;
  ingest?: () => IngestStatus;
  /** CLAUDE_GAUGE_TOKEN: when set, other machines may connect with it. */
  token?: string | null;
  /** Page files; defaults to web/stats/ in the package. */
  files?: Map<string, StaticFile>;
  now?: () => number;
  /** Where the queries run (the daemon: a worker thread, runner.ts); this thread when absent. */
  runner?: QueryRunner;
}

const COOKIE = 'cg_token';

export function chartJsPath(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
}

export function mountStats(app: Hono, deps: StatsDeps): void {
  const ctx: StatsContext = { db: deps.history.db, snapshot: deps.snapshot, ingest: deps.ingest, now: deps.now };
  const runner = deps.runner ?? runHere(ctx);
  const now = ctx.now ?? Date.now;
  const token = deps.token || null;
  const guard = async (c: Context, next: () => Promise<void>) => {
    const why = refuse(c, token);
    if (why) return c.json({ error: 'forbidden', message: why }, 403);
    const q = c.req.query('token');
    // A link with ?token= opens the page; the cookie lets its scripts and API calls follow.
    if (token && q && same(q, token)) c.header('Set-Cookie', `${COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    await next();
  };
  for (const p of ['/stats', '/stats/*', '/api/*', '/mcp']) app.use(p, guard);

  const files = deps.files ?? loadStatic(path.join(webRoot(), 'stats'));
  const chart = readFileSync(chartJsPath());
  app.get('/stats', (c) => c.redirect(`/stats/${c.req.url.includes('?') ? c.req.url.slice(c.req.url.indexOf('?')) : ''}`, 302));
  app.get('/stats/vendor/chart.js', (c) => c.body(new Uint8Array(chart), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'max-age=86400' }));
  app.get('/stats/*', (c, next) => {
    const f = files.get(c.req.path.slice('/stats'.length));
    if (!f) return next();
    if (f.type.startsWith('text/html')) runner.warm?.(); // the page's queries follow once its scripts load
    return c.body(new Uint8Array(f.body), 200, { 'Content-Type': f.type });
  });

  app.get('/api', (c) => c.json({ routes: QUERIES.map((q) => ({ path: `/api/${q.path}`, tool: q.tool, description: q.description })) }));
  for (const q of QUERIES) {
    app.get(`/api/${q.path}`, async (c) => {
      let f;
      try {
        f = parseFilter((k) => c.req.query(k), now());
      } catch (err) {
        if (err instanceof FilterError) return c.json({ error: 'bad_request', message: err.message }, 400);
        throw err;
      }
      return c.json((await runner.run(q.path, f)) as object);
    });
  }

  // The MCP SDK loads on the first call, not with the daemon: most users never use it.
  app.post('/mcp', async (c) => (await import('./mcp.js')).handleMcp({ runner, now }, c.req.raw));
  // Stateless, with nothing to push: no standalone server stream to hold open.
  app.get('/mcp', (c) => c.json({ error: 'method_not_allowed', message: 'POST JSON-RPC messages' }, 405, { Allow: 'POST' }));
}

/** Why this request may not see the stats, or null when it may. */
export function refuse(c: Context, token: string | null): string | null {
  if (token) {
    const auth = c.req.header('authorization');
    const given = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : c.req.query('token') ?? cookie(c.req.header('cookie'), COOKIE);
    if (given && same(given, token)) return null;
  }
  let remote: string | undefined;
  try {
    remote = getConnInfo(c).remote.address;
  } catch {
    remote = undefined; // not served by @hono/node-server: trust nothing
  }
  const hostOk = isLoopbackHost(c.req.header('host') ?? new URL(c.req.url).host);
  const originOk = loopbackOrigin(c.req.header('origin'));
  if (remote && isLoopbackAddress(remote) && hostOk && originOk) return null;
  return token ? 'a valid access token is required (Authorization: Bearer <token> or ?token=)' : 'the stats answer this machine only; set CLAUDE_GAUGE_TOKEN to allow others';
}

export function isLoopbackAddress(a: string): boolean {
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A browser's Origin, when sent, must be a page of this machine too (a foreign page may not read the stats). */
function loopbackOrigin(origin: string | undefined): boolean {
  if (!origin) return true;
  try {
    return isLoopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
