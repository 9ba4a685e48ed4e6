// The virtual cluster in real Chromium against a real daemon: it loads cleanly, follows appended
// transcript lines within 2 s, shows STALL when the daemon dies, and passes the shared vectors.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launch } from './helpers/browser.js';
import { ROOT, fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';
import { assistant, prompt } from './helpers/lines.js';

const ARTIFACTS = path.join(ROOT, 'artifacts');
let browser: Browser;
let page: Page;
let served: Served;
let file: string;
const errors: string[] = [];
let daemonKilled = false;

before(async () => {
  if (browserSkip) return;
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const home = await fixtureCopy();
  file = path.join(home, 'projects', '-home-dev-browser', 'session.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, prompt(Date.now() - 5000, 'hi', 'b') + '\n');
  served = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_TACH_REDLINE: '50000' }));
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (m) => {
    if ((m.type() === 'error' || m.type() === 'warning') && !daemonKilled) errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${served.url}/`);
});

after(async () => {
  await browser?.close();
  await served?.stop();
});


test('the page loads with no console errors, connected, and draws four gauges and five lamps', { skip: browserSkip }, async () => {
  await page.waitForFunction(() => /live/i.test(document.querySelector('[data-status]')?.textContent ?? ''), null, { timeout: 5000 });
  for (const g of ['fuel', 'tach', 'temp', 'boost']) assert.equal(await page.locator(`[data-gauge="${g}"]`).count() >= 1, true, g);
  for (const l of ['model', 'hot', 'warn', 'stall', 'idle']) assert.equal(await page.locator(`[data-lamp="${l}"]`).count() >= 1, true, l);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-idle.png') });
  assert.deepEqual(errors, []);
});

test('appended transcript lines move the tach needle and its digital value within 2 s', { skip: browserSkip }, async () => {
  const now = Date.now();
  await fs.appendFile(file, assistant({ id: 'msg_b1', req: 'req_b1', at: now, input: 20, cacheRead: 80_000, output: 30, session: 'b' }) + '\n');
  const started = Date.now();
  const { value: u } = await waitFor(async () => {
    const v = await getJson(`${served.url}/usage`);
    return v.gauges.tach > 500 && v;
  }, 2000);
  const { CONSTANTS } = await import(new URL(`file://${path.join(ROOT, 'web', 'model.js')}`).href);
  const expected = Math.trunc((u.gauges.tach * CONSTANTS.maxSteps + 500) / 1000);
  assert.ok(u.gauges.tach > 500, `tach at ${u.gauges.tach}`);
  await page.waitForFunction(
    (want) => Number(document.querySelector('[data-gauge="tach"]')?.getAttribute('data-steps')) === want,
    expected,
    { timeout: 2000 },
  );
  const ms = Date.now() - started;
  assert.ok(ms <= 2000, `needle settled in ${ms} ms`);
  const shown = await page.locator('[data-value="tach"]').first().textContent();
  assert.match(shown ?? '', /80(\.\d)?k/i, `digital tach shows ${shown}`);
  assert.equal(u.hot, true, '80k tokens/min is over the 50k redline');
  // HOT flashes: poll until the lamp is caught lit.
  await page.waitForFunction(() => document.querySelector('[data-lamp="hot"]')?.getAttribute('data-on') === 'true', null, { timeout: 2000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-busy.png') });
});

test('the page runs the shared test vectors through its own model', { skip: browserSkip }, async () => {
  const vectors = JSON.parse(await fs.readFile(path.join(ROOT, 'spec', 'cluster-vectors.json'), 'utf8'));
  const failures = await page.evaluate(async (v) => {
    const m = await import(String('/model.js')); // the page's own copy, as the browser loads it
    const bad: string[] = [];
    for (const c of v.cases) {
      const cluster = m.createCluster();
      for (const s of c.steps) {
        if (s.expect) {
          cluster.advance(s.t);
          const st = cluster.state();
          const got = { needles: st.needles, targets: st.targets, lamps: { model: st.lamps.model, rgb: st.lamps.rgb, hot: st.lamps.hot, warn: st.lamps.warn, stall: st.lamps.stall, idle: st.lamps.idle } };
          if (JSON.stringify(got) !== JSON.stringify(s.expect)) bad.push(`${c.name} @${s.t}`);
        } else cluster.feed(s.t, s.feed, s.link ?? 'ok');
      }
    }
    return bad;
  }, vectors);
  assert.deepEqual(failures, []);
});

test('the page lamp row flashes WARN while the window runs out and holds it steady for warn alone', { skip: browserSkip }, async () => {
  // The page's own panel and model, on a scratch root: the lamp's data-on at times across the flash.
  const seen = await page.evaluate(async () => {
    const m = await import(String('/model.js'));
    const { createPanel } = await import(String('/panel.js'));
    const root = document.createElement('div');
    root.innerHTML = '<div class="dials"></div><div class="annunciators"></div>';
    const panel = createPanel(root);
    const warnLamp = root.querySelector('[data-lamp="warn"]') as HTMLElement;
    const cluster = m.createCluster();
    const p = (extra: object) => ({ gauges: { fuel: 900, tach: 0, temp: 0, boost: 0 }, last_model: 'opus', ...extra });
    const at = (t: number) => {
      cluster.advance(t);
      panel.render(cluster.state());
      return warnLamp.dataset.on;
    };
    cluster.feed(0, p({ warn: true, window_5h_runs_out: true }));
    const flashing = [0, 499, 500, 999, 1000, 1500].map(at);
    cluster.feed(2000, p({ warn: true }));
    const steady = [2000, 2500, 3000].map(at);
    return { flashing, steady };
  });
  assert.deepEqual(seen, { flashing: ['true', 'true', 'false', 'false', 'true', 'false'], steady: ['true', 'true', 'true'] });
});

test('killing the daemon lights STALL on the page and says it is unreachable', { skip: browserSkip }, async () => {
  daemonKilled = true;
  await served.stop();
  await page.waitForFunction(() => document.querySelector('[data-lamp="stall"]')?.getAttribute('data-on') === 'true', null, { timeout: 5000 });
  await page.waitForFunction(() => /unreachable/i.test(document.querySelector('[data-status]')?.textContent ?? ''), null, { timeout: 5000 });
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-gauge]')].every((g) => Number(g.getAttribute('data-steps')) === 0),
    null,
    { timeout: 3000 },
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-stalled.png') });
});
