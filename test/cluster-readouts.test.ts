// The cluster's live figures in real Chromium against a real daemon: the range odometer under
// 5H PLAN (EMPTY hh:mm while the window runs out, LASTS TO RESET while it lasts), the context
// odometer under THINKING, and the tooltips' range, cost, seven days and burn, each held to the
// daemon's own /usage. The page runs in a time zone other than the test's own (+05:30), so a
// clock read in the wrong zone shows.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launch } from './helpers/browser.js';
import { ROOT, fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';
import { assistant, prompt } from './helpers/lines.js';

const ARTIFACTS = path.join(ROOT, 'artifacts');
const ZONE = 'Asia/Kolkata';
const MINUTE = 60_000;
/** Per response: 2k input + 60k cache read (the context it sends), 1k output. */
const RESPONSE = { input: 2000, cacheRead: 60_000, output: 1000 };
const PER_RESPONSE = RESPONSE.input + RESPONSE.cacheRead + RESPONSE.output;

let browser: Browser;
let home: string;
let file: string;
const daemons: Served[] = [];

/** HH:MM of an ISO time in the page's zone, by Intl rather than by the page's own code. */
const clockIn = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

before(async () => {
  if (browserSkip) return;
  await fs.mkdir(ARTIFACTS, { recursive: true });
  home = await fixtureCopy();
  file = path.join(home, 'projects', '-home-dev-readouts', 'session.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  // A session at work right now: a response a minute over the last five minutes, so a block is
  // active and there is a burn (two busy minutes and more: a pace, not a burst).
  const now = Date.now();
  const lines = [prompt(now - 5 * MINUTE - 2000, 'go', 'readouts')];
  for (let i = 5; i >= 1; i--) lines.push(assistant({ id: `msg_r${i}`, req: `req_r${i}`, at: now - i * MINUTE + 30_000, ...RESPONSE, session: 'readouts' }));
  await fs.writeFile(file, lines.join('\n') + '\n');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const d of daemons) await d.stop();
});

async function serve(ceiling: string): Promise<Served> {
  const d = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_5H_CEILING: ceiling }));
  daemons.push(d);
  return d;
}

async function open(d: Served, skin: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: ZONE, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${d.url}/?skin=${skin}`);
  await page.waitForFunction(() => /live/i.test(document.querySelector('[data-status]')?.textContent ?? ''), null, { timeout: 5000 });
  return page;
}

const odometer = (page: Page, id: string) => page.locator(`[data-odometer="${id}"]`).textContent();

/** The fuel or tach tooltip's text, opened as a keyboard user does. */
async function tooltip(page: Page, gauge: string): Promise<string> {
  await page.locator(`[data-gauge="${gauge}"]`).focus();
  await page.waitForSelector('#tip:not([hidden])');
  const text = (await page.locator('#tip').textContent()) ?? '';
  await page.locator(`[data-gauge="${gauge}"]`).blur();
  return text;
}

test('a small ceiling: EMPTY at the time /usage projects, the context figure, and the tooltips hold the daemon\'s range, cost, burn and seven days', { skip: browserSkip }, async () => {
  // 5 x 63k = 315k tokens of a 1M ceiling, at about 63k a minute: empty in some 11 minutes, hours before the reset.
  const d = await serve('1000000');
  const { value: u } = await waitFor(async () => {
    const v = await getJson(`${d.url}/usage`);
    return v.cost_block_usd !== null && v.window_5h_runs_out === true && v;
  }, 10_000);
  assert.ok(u.window_5h_tokens >= 5 * PER_RESPONSE, `the block holds the appended responses (${u.window_5h_tokens})`);
  assert.ok(u.burn_rate_tpm > 0 && u.window_5h_empty_at && Date.parse(u.window_5h_empty_at) < Date.parse(u.window_5h_resets_at), 'the daemon projects the window to run out');
  assert.equal(u.context_tokens, RESPONSE.input + RESPONSE.cacheRead, "the context is the last request's");

  for (const skin of ['classic', 'vfd']) {
    const page = await open(d, skin);
    // empty_at moves with the clock (the burn's span is whole minutes): the page must show what
    // /usage said just before or just after it was read.
    const { value: seen } = await waitFor(async () => {
      const before = await getJson(`${d.url}/usage`);
      const shown = await odometer(page, 'range');
      const after = await getJson(`${d.url}/usage`);
      const want = [before, after].map((v) => `EMPTY ${clockIn(v.window_5h_empty_at)}`);
      return want.includes(shown ?? '') && { shown, want };
    }, 5000);
    assert.match(seen.shown!, /^EMPTY \d\d:\d\d$/);
    assert.equal(await page.locator('[data-odometer="range"]').getAttribute('data-alarm'), '', `${skin}: the range is drawn as an alarm`);
    assert.equal(await odometer(page, 'context'), `CTX ${Math.round(u.context_pct * 100)}%`, `${skin}: the context readout`);
    assert.equal(await page.locator('[data-odometer="context"]').getAttribute('data-alarm'), null, `${skin}: ${Math.round(u.context_pct * 100)} % is no warning`);
    assert.match((await page.locator('[data-gauge="fuel"]').getAttribute('aria-label')) ?? '', /range: empty at \d\d:\d\d, before the reset/, `${skin}: the range is in the gauge's label`);
    await page.screenshot({ path: path.join(ARTIFACTS, `cluster-readouts-${skin}-empty.png`) });

    const fuel = await tooltip(page, 'fuel');
    const now = await getJson(`${d.url}/usage`);
    assert.ok(fuel.includes(`$${now.cost_block_usd.toFixed(2)} this block`), `${skin}: the fuel tooltip has the block's cost $${now.cost_block_usd}: ${fuel}`);
    assert.ok(fuel.includes(`$${now.cost_today_usd.toFixed(2)} today`), `${skin}: and today's: ${fuel}`);
    assert.ok(fuel.includes(`/h at list prices`), `${skin}: and the burn in dollars: ${fuel}`);
    assert.match(fuel, /Range: at [\d.]+k tok\/min the window empties at \d\d:\d\d, before its reset at \d\d:\d\d\./, `${skin}: the range in words`);
    assert.ok(fuel.includes(`before its reset at ${clockIn(now.window_5h_resets_at)}`), `${skin}: the reset in the page's zone: ${fuel}`);
    assert.ok(fuel.includes(`${now.seven_day_tokens.toLocaleString('en-US')} tokens counted here`), `${skin}: the seven days' tokens ${now.seven_day_tokens}: ${fuel}`);
    assert.ok(fuel.includes('ceiling 1,000,000 tokens (configured)'), `${skin}: the ceiling and its basis: ${fuel}`);

    const { value: tach } = await waitFor(async () => {
      const t = await tooltip(page, 'tach');
      const v = await getJson(`${d.url}/usage`);
      return t.includes(`Burn: ${v.burn_rate_tpm.toLocaleString('en-US')} tokens/min`) && t;
    }, 5000);
    assert.match(tach, /\$\d+\.\d\d\/h at list prices/, `${skin}: the tach tooltip has the burn in dollars: ${tach}`);
    await page.context().close();
  }
});

test('a huge ceiling: LASTS TO RESET; a context near compaction turns its readout amber', { skip: browserSkip }, async () => {
  const d = await serve('1000000000000');
  const page = await open(d, 'classic');
  const { value: u } = await waitFor(async () => {
    const v = await getJson(`${d.url}/usage`);
    return v.window_5h_resets_at && v.burn_rate_tpm > 0 && v;
  }, 10_000);
  assert.equal(u.window_5h_runs_out, false, 'a trillion tokens last to the reset');
  await page.waitForFunction(() => document.querySelector('[data-odometer="range"]')?.textContent === 'LASTS TO RESET', null, { timeout: 5000 });
  assert.equal(await page.locator('[data-odometer="range"]').getAttribute('data-alarm'), null, 'lasting is no alarm');
  assert.ok((await tooltip(page, 'fuel')).includes(`it lasts to its reset at ${clockIn(u.window_5h_resets_at)}.`), 'the tooltip says so');

  // The session's next request sends 170k of a 200k window: past the 80 % warning.
  await fs.appendFile(file, assistant({ id: 'msg_big', req: 'req_big', at: Date.now(), input: 1000, cacheRead: 169_000, output: 500, session: 'readouts' }) + '\n');
  const { value: v } = await waitFor(async () => {
    const w = await getJson(`${d.url}/usage`);
    return w.context_warn === true && w;
  }, 5000);
  const want = `CTX ${Math.round(v.context_pct * 100)}%`;
  await page.waitForFunction((t) => document.querySelector('[data-odometer="context"]')?.textContent === t, want, { timeout: 5000 });
  assert.equal(await page.locator('[data-odometer="context"]').getAttribute('data-alarm'), '', 'amber near compaction');
  const color = await page.locator('[data-odometer="context"]').evaluate((n) => getComputedStyle(n).color);
  const [r, g, b] = color.match(/\d+/g)!.map(Number);
  assert.ok(r > 200 && g > 120 && g < 220 && b < 120, `the readout is amber: ${color}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-readouts-classic-lasts.png') });

  // The daemon gone: the odometers have nothing to say.
  await d.stop();
  await page.waitForFunction(() => document.querySelector('[data-odometer="range"]')?.textContent === '—', null, { timeout: 5000 });
  assert.equal(await odometer(page, 'context'), 'CTX --');
  await page.context().close();
});
