// /stats in Debian's Chromium against a real server: loads with no console errors and draws every panel.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { mountStats } from '../src/sinks/stats/http.js';
import { openHistory, type History } from '../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../src/store/ingest.js';
import { browserSkip, launch } from './helpers/browser.js';
import { ROOT, fixtureCopy, tempDir } from './helpers/cli.js';

let browser: Browser;
let server: ServerType;
let url: string;
let history: History;

before(async () => {
  if (browserSkip) return;
  history = openHistory(await tempDir('stats-browser'));
  ingestPaths(history.db, transcriptFiles([await fixtureCopy()]));
  const app = new Hono();
  mountStats(app, { history, snapshot: () => ({ window_5h_pct: 0.3, window_5h_source: 'estimate', window_5h_tokens: 1_500_000, window_5h_ceiling: 5_000_000, seven_day_pct: 0.4, seven_day_resets_at: null }) as any });
  await new Promise<void>((r) => {
    // On every interface, so the same server can be reached from a non-loopback address too.
    server = serve({ fetch: app.fetch, port: 0, hostname: '0.0.0.0' }, () => r());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  history?.close();
});

test('/stats loads with no console errors and draws its charts and tables', { skip: browserSkip, timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(`${url}/stats`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const panels = await page.$$eval('[data-panel]', (els) => els.map((e) => [e.getAttribute('data-panel'), e.getAttribute('data-drawn')]));
  assert.ok(panels.length >= 12, `${panels.length} panels`);
  for (const [id, drawn] of panels) assert.equal(drawn, 'true', `${id} drawn`);
  const canvases = await page.$$eval('canvas', (cs) => cs.filter((c) => (c as HTMLCanvasElement).width > 0).length);
  assert.ok(canvases >= 10, `${canvases} charts drawn`);
  assert.equal(await page.locator('.heat .cell').count(), 7 * 24);
  // The deep panels draw the fixtures' figures: programs, files, languages, interrupts, denials, streaks, switching.
  for (const id of ['bash', 'files', 'languages', 'interrupts', 'denials', 'streaks', 'project-switching']) {
    const points = await page.$eval(`[data-panel="${id}"] canvas`, (c) => (globalThis as any).Chart.getChart(c).data.datasets[0].data.length);
    assert.ok(points > 0, `${id} charts its data`);
  }
  assert.match(await page.locator('[data-panel="streaks"] header p').innerText(), /longest \d+ days? \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)/);
  assert.match(await page.locator('[data-panel="bash"] header p').innerText(), /^\d[\d,]* Bash calls/);
  // Every chart has a table view.
  await page.click('[data-panel="tokens-daily"] button');
  assert.ok((await page.locator('[data-panel="tokens-daily"] .table tbody tr').count()) > 0);
  // A project filter changes the numbers.
  const cardsText = () => page.locator('[data-cards]').innerText();
  const all = await cardsText();
  await page.selectOption('select[name="project"]', '-home-dev-sample-project');
  await page.waitForFunction(() => document.querySelector('[data-status]')?.getAttribute('data-state') === 'ok');
  await page.waitForFunction((before) => (document.querySelector('[data-cards]') as HTMLElement).innerText !== before, all, { timeout: 5000 });
  assert.notEqual(await cardsText(), all);
  await page.screenshot({ path: path.join(ROOT, 'artifacts', 'stats.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('/stats from another machine, without a token, is refused', { skip: browserSkip, timeout: 30_000 }, async () => {
  const lan = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  assert.ok(lan, 'this machine has a non-loopback address to test from');
  const port = (server.address() as AddressInfo).port;
  const page = await browser.newPage();
  const res = await page.goto(`http://${lan}:${port}/stats`);
  assert.equal(res?.status(), 403);
  const api = await page.goto(`http://${lan}:${port}/api/daily`);
  assert.equal(api?.status(), 403);
});

/** Chart.js's own view of a panel's chart: labels, dataset colours, and the ticks it drew. */
async function chartOf(page: import('playwright-core').Page, id: string) {
  // Waits for the chart and reads it in one step: on a loaded machine the page can be marked ready
  // while a panel's chart is still being made or remade (a refresh while the history fills).
  const handle = await page.waitForFunction((sel) => {
    const ch = (globalThis as any).Chart?.getChart(document.querySelector(sel));
    if (!ch) return null;
    return {
      labels: ch.data.labels as string[],
      colors: Object.fromEntries(ch.data.datasets.map((d: any) => [d.label, d.backgroundColor])) as Record<string, string>,
      yTicks: ch.scales.y.ticks.map((t: any) => t.value) as number[],
      yLabels: ch.scales.y.ticks.map((t: any) => t.label) as string[],
      rows: (ch.data.labels as unknown[]).length,
    };
  }, `[data-panel="${id}"] canvas`, { timeout: 15_000 });
  const view = await handle.jsonValue();
  assert.ok(view, `the ${id} chart`);
  return view;
}

test('/stats reads true: a date axis without gaps, one colour per model in every range, whole-number counts, every bar named', { skip: browserSkip, timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/stats`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const all = await chartOf(page, 'tokens-daily');
  const step = all.labels.slice(1).map((d, i) => (Date.parse(d) - Date.parse(all.labels[i])) / 86_400_000);
  assert.ok(step.every((s) => s === 1), `consecutive days: ${all.labels.join(' ')}`);
  const sessions = await chartOf(page, 'sessions');
  assert.ok(sessions.yTicks.every((v) => Number.isInteger(v)), `session counts: ${sessions.yTicks}`);
  const tools = await chartOf(page, 'tools');
  assert.equal(tools.yLabels.length, tools.rows, 'every bar has its name');
  // A narrower range holds fewer models: each keeps its colour.
  const last = all.labels[all.labels.length - 1];
  await page.fill('input[name="from"]', last);
  await page.dispatchEvent('input[name="from"]', 'change');
  await page.waitForFunction((n) => ((globalThis as any).Chart.getChart(document.querySelector('[data-panel="tokens-daily"] canvas'))?.data.labels.length ?? n) < n, all.labels.length, { timeout: 10_000 });
  const one = await chartOf(page, 'tokens-daily');
  assert.ok(Object.keys(one.colors).length >= 1);
  for (const [model, c] of Object.entries(one.colors)) assert.equal(c, all.colors[model], `${model} keeps its colour`);
  assert.equal(new Set(Object.values(all.colors)).size, Object.keys(all.colors).length, 'no two models share a colour');
});

test('/stats with nothing to show says why: a range outside the history, and no history at all', { skip: browserSkip, timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}/stats`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  await page.click('[data-range="7"]'); // the fixtures are months old
  await page.waitForFunction(() => !(document.querySelector('[data-notice]') as HTMLElement).hidden, null, { timeout: 10_000 });
  assert.match(await page.locator('[data-notice]').innerText(), /No data in this range\. The history runs from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: try "all"/);
  assert.match(await page.locator('[data-status]').innerText(), /^no data · /);
  assert.ok((await page.locator('[data-panel][data-empty="true"]').count()) >= 10, 'panels say "no data" instead of drawing empty axes');
  assert.equal(await page.locator('[data-panel] canvas').count(), 0);
  await page.screenshot({ path: path.join(ROOT, 'artifacts', 'stats-range-empty.png'), fullPage: true });

  // A server whose history holds nothing at all.
  const none = openHistory(await tempDir('stats-none'));
  const app = new Hono();
  mountStats(app, { history: none, snapshot: () => ({ window_5h_pct: 0, window_5h_source: 'estimate', window_5h_ceiling: 5_000_000, seven_day_pct: null, seven_day_resets_at: null }) as any });
  const empty = await new Promise<ServerType>((r) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => r(s));
  });
  try {
    await page.goto(`http://127.0.0.1:${(empty.address() as AddressInfo).port}/stats`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    assert.match(await page.locator('[data-notice]').innerText(), /no Claude Code transcripts were found/);
    await page.screenshot({ path: path.join(ROOT, 'artifacts', 'stats-empty.png'), fullPage: true });
  } finally {
    empty.close();
    none.close();
  }
});
