// `claude-gauge faces` as a user runs it: the files it writes, read back by Debian's poppler
// (pdfinfo, pdftotext) and drawn by real Chromium.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkip, launch } from './helpers/browser.js';
import { ROOT, isolatedEnv, runCli, tempDir } from './helpers/cli.js';

const ARTIFACTS = path.join(ROOT, 'artifacts');
const POPPLER = ['/usr/bin/pdfinfo', '/usr/bin/pdftotext'];
const popplerSkip = POPPLER.every((p) => existsSync(p)) ? false : process.env.CI ? false : 'no pdfinfo/pdftotext (apt-get install poppler-utils); skipped outside CI';
const PT_PER_MM = 72 / 25.4;

let out: string;
let stdout: string;
let browser: Browser | undefined;

before(async () => {
  out = path.join(await tempDir('faces'), 'out');
  // The redline comes from the environment, as `serve` would resolve it.
  const r = await runCli(['faces', '--out', out], { env: isolatedEnv({ CLAUDE_GAUGE_TACH_REDLINE: '50000', CLAUDE_GAUGE_CONFIG: path.join(out, 'none.json') }) });
  assert.equal(r.code, 0, r.stderr);
  stdout = r.stdout;
});

after(async () => {
  await browser?.close();
});

test('faces writes one SVG per gauge, the A4 sheet, and the PDFs, and lists them', async () => {
  const names = (await fs.readdir(out)).sort();
  assert.deepEqual(names, ['boost.svg', 'faces.pdf', 'fuel.svg', 'sheet-a4.pdf', 'sheet-a4.svg', 'tach.svg', 'temp.svg']);
  for (const n of names) assert.ok(stdout.includes(path.join(out, n)), `stdout lists ${n}`);
  assert.match(stdout, /42 mm faces/);
  assert.match(stdout, /redline 50,000 tokens\/min/);
});

test('--format, --paper and the config file choose what is written; bad values exit 2 with one line', async () => {
  const dir = await tempDir('faces-opts');
  const config = path.join(dir, 'config.json');
  await fs.writeFile(config, JSON.stringify({ tachRedline: 80000 }));
  const env = isolatedEnv({ CLAUDE_GAUGE_CONFIG: config });
  const r = await runCli(['faces', '--out', path.join(dir, 'a'), '--format', 'svg', '--paper', 'letter'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await fs.readdir(path.join(dir, 'a'))).sort(), ['boost.svg', 'fuel.svg', 'sheet-letter.svg', 'tach.svg', 'temp.svg']);
  // 80,000 from the config file: full scale 100k, and the note names the redline.
  const tach = await fs.readFile(path.join(dir, 'a', 'tach.svg'), 'utf8');
  assert.match(tach, />100k</);
  assert.match(tach, />REDLINE 80k</);
  assert.match(await fs.readFile(path.join(dir, 'a', 'sheet-letter.svg'), 'utf8'), /width="215.9mm" height="279.4mm"/);
  // The flag beats the config file.
  const flag = await runCli(['faces', '--out', path.join(dir, 'b'), '--format', 'svg', '--redline', '2000000'], { env });
  assert.equal(flag.code, 0, flag.stderr);
  assert.match(await fs.readFile(path.join(dir, 'b', 'tach.svg'), 'utf8'), />2.5M</);
  for (const [args, message] of [
    [['--format', 'png'], /unknown format "png"/],
    [['--paper', 'a3'], /unknown paper "a3"/],
    [['--redline', 'fast'], /invalid --redline "fast": must be a number/],
    [['--redline=0'], /invalid --redline "0": must be greater than 0/],
  ] as const) {
    const bad = await runCli(['faces', '--out', path.join(dir, 'bad'), ...args], { env });
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, message);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  }
  assert.equal(existsSync(path.join(dir, 'bad')), false, 'nothing written on bad input');
  // An output folder that cannot be made: one line naming it, exit 1.
  await fs.writeFile(path.join(dir, 'file'), 'x');
  const blocked = await runCli(['faces', '--out', path.join(dir, 'file', 'sub')], { env });
  assert.equal(blocked.code, 1, blocked.stderr);
  assert.match(blocked.stderr, /^claude-gauge: cannot write the faces to .*file\/sub: ENOTDIR/);
  assert.equal(blocked.stderr.trim().split('\n').length, 1, blocked.stderr);
  assert.match((await runCli(['--help'], { env })).stdout, /\bfaces\b/, '--help lists faces');
});

test('pdfinfo: the sheet is one A4 page, faces.pdf four 50 mm pages', { skip: popplerSkip }, () => {
  const sheet = execFileSync('pdfinfo', [path.join(out, 'sheet-a4.pdf')], { encoding: 'utf8' });
  assert.match(sheet, /^Pages:\s+1$/m);
  assert.match(sheet, /^Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/m);
  const faces = execFileSync('pdfinfo', ['-f', '1', '-l', '4', path.join(out, 'faces.pdf')], { encoding: 'utf8' });
  assert.match(faces, /^Pages:\s+4$/m);
  const sizes = [...faces.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(sizes.length, 4);
  for (const [w, h] of sizes) assert.ok(Math.abs(w - 50 * PT_PER_MM) < 0.01 && Math.abs(h - 50 * PT_PER_MM) < 0.01, `${w} x ${h}`);
});

test('pdftotext finds every gauge\'s words and labels, and the tach scale for the configured redline', { skip: popplerSkip }, () => {
  const sheet = execFileSync('pdftotext', [path.join(out, 'sheet-a4.pdf'), '-'], { encoding: 'utf8' });
  for (const word of ['5H PLAN', '% USED', 'TOKENS/MIN', 'LAST 60 s', 'THINKING', '/ OUTPUT', 'CACHE HIT', '% CACHED', 'REDLINE 50k', '62.5k', '37.5k', '50 mm']) {
    assert.ok(sheet.includes(word), `sheet has "${word}"`);
  }
  const pages = execFileSync('pdftotext', ['-layout', path.join(out, 'faces.pdf'), '-'], { encoding: 'utf8' }).split('\f');
  assert.match(pages[0], /5H PLAN/);
  assert.match(pages[1], /TOKENS\/MIN[\s\S]*12\.5k/);
  assert.match(pages[2], /THINKING[\s\S]*\bC\b[\s\S]*\bH\b|\bC\b[\s\S]*THINKING/);
  assert.match(pages[3], /CACHE HIT/);
});

interface Rendered {
  name: string;
  parseError: string | null;
  counts: Record<string, number>;
  width: number;
  height: number;
  ink: number;
  red: number;
  blue: number;
}

test('Chromium parses every SVG as XML, sizes it in true millimetres, and draws ink, the red zones and the blue zone', { skip: browserSkip }, async () => {
  browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1200, height: 1700 } });
  const files = ['fuel.svg', 'tach.svg', 'temp.svg', 'boost.svg', 'sheet-a4.svg'];
  const svgs = await Promise.all(files.map(async (name) => ({ name, text: await fs.readFile(path.join(out, name), 'utf8') })));
  const rendered: Rendered[] = await page.evaluate(async (list) => {
    const out = [];
    for (const { name, text } of list) {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const err = doc.querySelector('parsererror');
      const counts: Record<string, number> = {};
      for (const sel of ['.tick-major', '.tick-minor', '.tick-half', '.label', '.cut', '.shaft', '.zone', '.scale-bar']) counts[sel] = doc.querySelectorAll(sel).length;
      const img = new Image();
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
      await img.decode();
      // Draw at 4 px per CSS px and count what was drawn.
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth * 4;
      canvas.height = img.naturalHeight * 4;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
        if (r < 80 && g < 80 && b < 80) ink++;
        if (r > 90 && r < 170 && g < 60 && b < 70) red++;
        if (b > 110 && r < 80 && g < 120) blue++;
      }
      out.push({ name, parseError: err ? err.textContent : null, counts, width: img.naturalWidth, height: img.naturalHeight, ink, red, blue });
    }
    return out;
  }, svgs);
  const mmPx = 96 / 25.4; // CSS: 1 mm = 96/25.4 px
  for (const r of rendered) {
    assert.equal(r.parseError, null, r.name);
    const faces = r.name.startsWith('sheet') ? 4 : 1;
    assert.equal(r.counts['.tick-major'], 6 * faces, r.name);
    assert.equal(r.counts['.tick-minor'] + r.counts['.tick-half'], 15 * faces, r.name);
    assert.equal(r.counts['.label'], 6 * faces, r.name);
    assert.equal(r.counts['.cut'], faces, r.name);
    assert.equal(r.counts['.shaft'], faces, r.name);
    const [wMm, hMm] = faces === 4 ? [210, 297] : [50, 50];
    assert.ok(Math.abs(r.width - wMm * mmPx) <= 1 && Math.abs(r.height - hMm * mmPx) <= 1, `${r.name}: ${r.width} x ${r.height} px`);
    assert.ok(r.ink > 2000 * faces, `${r.name}: ${r.ink} ink pixels`);
  }
  const by = Object.fromEntries(rendered.map((r) => [r.name, r]));
  assert.equal(by['sheet-a4.svg'].counts['.scale-bar'], 1);
  assert.equal(by['boost.svg'].counts['.zone'], 0);
  // Red zones on fuel, tach and temp; the blue (cool) zone only on temp.
  for (const n of ['fuel.svg', 'tach.svg', 'temp.svg']) assert.ok(by[n].red > 500, `${n}: ${by[n].red} red pixels`);
  assert.ok(by['boost.svg'].red < 50, `boost: ${by['boost.svg'].red} red pixels`);
  assert.ok(by['temp.svg'].blue > 300 && by['fuel.svg'].blue < 50, `blue: temp ${by['temp.svg'].blue}, fuel ${by['fuel.svg'].blue}`);

  // A picture for people: the sheet as it prints, and the four faces in a row.
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const dataUrl = (n: string) => `data:image/svg+xml;base64,${Buffer.from(svgs.find((s) => s.name === n)!.text).toString('base64')}`;
  await page.setContent(`<body style="margin:0;background:#fff"><img id="sheet" src="${dataUrl('sheet-a4.svg')}" style="width:1190px"></body>`);
  await page.locator('#sheet').evaluate((img: HTMLImageElement) => img.decode());
  await page.locator('#sheet').screenshot({ path: path.join(ARTIFACTS, 'faces-sheet.png') });
  const row = ['fuel.svg', 'tach.svg', 'temp.svg', 'boost.svg'].map((n) => `<img src="${dataUrl(n)}" style="width:300px">`).join('');
  await page.setContent(`<body style="margin:0;background:#2b2d30"><div id="row" style="display:inline-flex;padding:8px">${row}</div></body>`);
  await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
  await page.locator('#row').screenshot({ path: path.join(ARTIFACTS, 'faces.png') });
  for (const f of ['faces-sheet.png', 'faces.png']) {
    const png = await fs.readFile(path.join(ARTIFACTS, f));
    assert.equal(png.subarray(1, 4).toString(), 'PNG', f);
    assert.ok(png.length > 20_000, `${f}: ${png.length} bytes`);
  }
});
