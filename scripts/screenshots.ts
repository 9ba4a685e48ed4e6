// The README's cluster screenshots (docs/img/cluster-classic.png, cluster-vfd.png): the real demo,
// seen by the project's Chromium at a 1280 x 800 desktop viewport, once the gauges are moving.
// Run after `npm run build`: node dist/scripts/screenshots.js [out-dir]  (default docs/img)
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../test/helpers/browser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claude-gauge.cjs');
const VIEWPORT = { width: 1280, height: 800 };
/** The demo's first bursts need a few seconds to put every needle off its rest. */
const SETTLE_MS = 12_000;

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'img'));
  await fs.mkdir(out, { recursive: true });
  const state = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-shots-'));
  const env = { PATH: process.env.PATH, HOME: state, LANG: 'C.UTF-8', CLAUDE_GAUGE_STATE_DIR: state };
  const demo = spawn(process.execPath, [BIN, 'demo', '--no-open', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start: ${err}`)), 20_000);
    demo.stderr.on('data', (c) => {
      err += c;
      const m = /cluster is at (http:\/\/\S+?)\/? \(/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    demo.on('exit', (code) => reject(new Error(`the demo exited ${code}: ${err}`)));
  });
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
    await page.goto(`${url}/?skin=classic`);
    await page.waitForFunction(() => /live/i.test(document.querySelector('[data-status]')?.textContent ?? ''), null, { timeout: 10_000 });
    await page.waitForTimeout(SETTLE_MS);
    for (const skin of ['classic', 'vfd']) {
      await page.evaluate((s) => {
        // The skin switch, as a user clicks it, until the wanted skin is on.
        const button = document.querySelector<HTMLButtonElement>('[data-skin-switch]')!;
        for (let i = 0; i < 4 && document.body.dataset.skin !== s; i++) button.click();
      }, skin);
      await page.waitForTimeout(1500);
      const file = path.join(out, `cluster-${skin}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await browser.close();
    demo.kill('SIGINT');
    await new Promise((r) => demo.once('exit', r));
    await fs.rm(state, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
