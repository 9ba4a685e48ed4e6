// /stats, /api/* and /mcp: loopback only unless a token is set; every route answers JSON; MCP works.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Hono } from 'hono';
import { openHistory, type History } from '../../store/db.js';
import { ingestPaths, transcriptFiles } from '../../store/ingest.js';
import { QUERIES } from './registry.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureCopy, ROOT, tempDir } from '../../../test/helpers/cli.js';
import { createApp } from '../http/app.js';
import { mountStats } from './http.js';
import { Engine } from '../../engine/engine.js';

let history: History;
const snapshot = () => ({ window_5h_pct: 0.5, window_5h_source: 'statusline', window_5h_ceiling: 40_000_000, seven_day_pct: 0.21, seven_day_resets_at: '2026-03-01T00:00:00.000Z' }) as any;
const env = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remotePort: 5555, remoteFamily: remoteAddress.includes(':') ? 'IPv6' : 'IPv4' } } });
const LOCAL = env('127.0.0.1');
const REMOTE = env('203.0.113.7');

function app(token: string | null = null): Hono {
  const a = new Hono();
  mountStats(a, { history, snapshot, token });
  return a;
}

before(async () => {
  history = openHistory(await tempDir('stats-http'));
  ingestPaths(history.db, transcriptFiles([await fixtureCopy()]));
});

test('from another machine without a token: 403 on the page, its files, the API and MCP', async () => {
  const a = app();
  for (const p of ['/stats/', '/stats/app.js', '/stats/vendor/chart.js', '/api/daily', '/api', '/mcp']) {
    const res = await a.request(`http://192.168.1.5:8080${p}`, {}, REMOTE);
    assert.equal(res.status, 403, p);
  }
  assert.equal((await a.request('http://localhost:8080/api/daily', {}, LOCAL)).status, 200);
  // A loopback connection carrying a foreign Host (DNS rebinding) or a foreign page's Origin is refused too.
  assert.equal((await a.request('http://evil.example:8080/api/daily', {}, LOCAL)).status, 403);
  assert.equal((await a.request('http://localhost:8080/api/daily', { headers: { Origin: 'http://evil.example' } }, LOCAL)).status, 403);
});

test('with CLAUDE_GAUGE_TOKEN set, the token opens it from anywhere (header, query, then cookie)', async () => {
  const a = app('s3cret-token');
  assert.equal((await a.request('http://192.168.1.5:8080/api/daily', {}, REMOTE)).status, 403);
  assert.equal((await a.request('http://192.168.1.5:8080/api/daily', { headers: { Authorization: 'Bearer wrong' } }, REMOTE)).status, 403);
  assert.equal((await a.request('http://192.168.1.5:8080/api/daily', { headers: { Authorization: 'Bearer s3cret-token' } }, REMOTE)).status, 200);
  const page = await a.request('http://192.168.1.5:8080/stats/?token=s3cret-token', {}, REMOTE);
  assert.equal(page.status, 200);
  const cookie = page.headers.get('set-cookie')!.split(';')[0];
  assert.equal((await a.request('http://192.168.1.5:8080/stats/app.js', { headers: { Cookie: cookie } }, REMOTE)).status, 200);
});

test('/usage and /device stay open beside the stats; the page files are guarded inside the real app', async (t) => {
  let mounted = false;
  // The wiring asked of app.ts: AppDeps.mount, called before the static route (which also walks web/stats/).
  const real = new Engine({ ceiling: 1000, defaultCeiling: 1, redline: 100, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0.5, keepAllTicks: true }).snapshot(0);
  const a = createApp({ snapshot: () => ({ ...real, ...snapshot(), seq: 1 }) as any, ready: () => true, mount: (x: Hono) => ((mounted = true), mountStats(x, { history, snapshot, token: null })) } as any);
  if (!mounted) return t.skip('app.ts does not call deps.mount yet (see the wiring notes)');
  assert.equal((await a.request('http://192.168.1.5:8080/usage', {}, REMOTE)).status, 200);
  assert.equal((await a.request('http://192.168.1.5:8080/device', {}, REMOTE)).status, 200);
  for (const p of ['/api/daily', '/stats/', '/stats/app.js', '/stats/index.html']) assert.equal((await a.request(`http://192.168.1.5:8080${p}`, {}, REMOTE)).status, 403, p);
  assert.equal((await a.request('http://localhost:8080/stats/app.js', {}, LOCAL)).status, 200);
});

test('every /api route answers JSON, with and without filters; a bad filter is a 400', async () => {
  const a = app();
  const index = await (await a.request('http://localhost/api', {}, LOCAL)).json();
  assert.equal(index.routes.length, QUERIES.length);
  for (const q of QUERIES) {
    for (const search of ['', '?from=2026-02-10&to=2026-02-12&tz=Europe/Rome&project=-home-dev-spotter']) {
      const res = await a.request(`http://localhost/api/${q.path}${search}`, {}, LOCAL);
      assert.equal(res.status, 200, `${q.path}${search}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = await res.json();
      assert.equal(typeof body, 'object', q.path);
    }
  }
  const daily = await (await a.request('http://localhost/api/daily?tz=UTC', {}, LOCAL)).json();
  const sum = daily.rows.reduce((s: number, r: any) => s + r.total, 0);
  assert.equal(sum, (history.db.prepare('SELECT sum(input + output + cache_create + cache_read) t FROM responses').get() as any).t);
  const now = await (await a.request('http://localhost/api/now', {}, LOCAL)).json();
  assert.equal(now.seven_day_pct, 0.21);
  assert.equal((await a.request('http://localhost/api/daily?from=yesterday', {}, LOCAL)).status, 400);
  assert.equal((await a.request('http://localhost/api/daily?tz=Mars/Olympus', {}, LOCAL)).status, 400);
});

test('MCP: initialize, tools/list, tools/call, notifications and errors over POST /mcp', async () => {
  const a = app();
  const rpc = async (body: unknown) => a.request('http://localhost/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify(body) }, LOCAL);
  const init = await (await rpc({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })).json();
  assert.equal(init.result.protocolVersion, '2025-06-18');
  assert.equal(init.result.serverInfo.name, 'claude-gauge');
  assert.ok(init.result.capabilities.tools);
  assert.equal((await rpc({ jsonrpc: '2.0', method: 'notifications/initialized' })).status, 202);
  const list = await (await rpc({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).json();
  const names = list.result.tools.map((t: any) => t.name);
  for (const n of ['usage_now', 'blocks', 'daily', 'sessions', 'projects']) assert.ok(names.includes(n), n);
  for (const t of list.result.tools) assert.equal(t.inputSchema.type, 'object');
  const call = await (await rpc({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'daily', arguments: { from: '2026-02-10', tz: 'UTC' } } })).json();
  assert.equal(call.result.isError, false);
  assert.deepEqual(JSON.parse(call.result.content[0].text), call.result.structuredContent);
  assert.ok(call.result.structuredContent.rows.every((r: any) => r.date >= '2026-02-10'));
  const bad = await (await rpc({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'daily', arguments: { tz: 'Nowhere/Land' } } })).json();
  assert.equal(bad.result.isError, true);
  const unknown = await (await rpc({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'nope' } })).json();
  assert.equal(unknown.result.isError, true); // tool errors come back as results, as the spec asks
  assert.match(unknown.result.content[0].text, /Tool nope not found/);
  const missing = await (await rpc({ jsonrpc: '2.0', id: 6, method: 'resources/list' })).json();
  assert.equal(missing.error.code, -32601);
  const batch = await (await rpc([{ jsonrpc: '2.0', id: 7, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/cancelled' }])).json();
  assert.deepEqual([batch].flat().map((m: any) => [m.id, m.result]), [[7, {}]]);
  const parse = await a.request('http://localhost/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{oops' }, LOCAL);
  assert.equal(parse.status, 400);
  assert.equal((await parse.json()).error.code, -32700);
  // A client that accepts neither JSON nor an event stream is refused, as the transport requires.
  const rude = await a.request('http://localhost/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }, LOCAL);
  assert.equal(rude.status, 406);
  assert.equal((await a.request('http://localhost/mcp', { headers: { Accept: 'text/event-stream' } }, LOCAL)).status, 405);
});

test('docs/stats-api.md lists every route with its MCP tool', () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'stats-api.md'), 'utf8');
  for (const q of QUERIES) assert.ok(doc.includes(`| \`/api/${q.path}\` | \`${q.tool}\` |`), `${q.path} / ${q.tool}`);
});

test('asking for the page starts the query threads ahead; its other files and the API do not', async () => {
  let warmed = 0;
  const runner = { run: async () => ({ rows: [] }), warm: () => void warmed++, close: async () => {} };
  const a = new Hono();
  mountStats(a, { history, snapshot, token: null, runner });
  assert.equal((await a.request('http://localhost:8080/stats/app.js', {}, LOCAL)).status, 200);
  assert.equal((await a.request('http://localhost:8080/api/daily', {}, LOCAL)).status, 200);
  assert.equal(warmed, 0);
  assert.equal((await a.request('http://localhost:8080/stats/', {}, LOCAL)).status, 200);
  assert.equal(warmed, 1);
});
