// The virtual cluster's layout, measured in real Chromium against a real daemon: no needle ever
// crosses a dial's title, unit, LCD or odometer; every odometer text fits its window; no text is under 9 px at 1x on a desktop or a phone; a pegged
// needle leaves the full-scale numeral readable; the cluster fills a desktop page; on a phone the
// page scrolls down through the dials with the lamps kept in view.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launch } from './helpers/browser.js';
import { ROOT, fixtureCopy, isolatedEnv, startServe, tempDir, type Served } from './helpers/cli.js';
import { assistant, prompt } from './helpers/lines.js';

// The page model's dial: its sweep and full scale come from spec/motor.json.
const MODEL = (await import(new URL(`file://${path.join(ROOT, 'web', 'model.js')}`).href)).CONSTANTS;

const ARTIFACTS = path.join(ROOT, 'artifacts');
const DESKTOPS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const PHONES = [
  { width: 390, height: 844 },
  { width: 360, height: 740 },
];
const MIN_PX = 9;

let browser: Browser;
let served: Served;
let file: string;

before(async () => {
  if (browserSkip) return;
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const home = await fixtureCopy();
  file = path.join(home, 'projects', '-home-dev-layout', 'session.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, prompt(Date.now() - 5000, 'hi', 'layout') + '\n');
  // Tiny ceiling and redline, so one response can peg every needle for the last test.
  served = await startServe(
    isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state'), CLAUDE_GAUGE_TACH_REDLINE: '1000', CLAUDE_GAUGE_5H_CEILING: '1000' }),
  );
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await served?.stop();
});

async function open(viewport: { width: number; height: number }, skin: string): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  await page.goto(`${served.url}/?skin=${skin}`);
  await page.waitForFunction(() => /live/i.test(document.querySelector('[data-status]')?.textContent ?? ''), null, { timeout: 5000 });
  await page.waitForTimeout(300);
  return page;
}

/** Every rendered text on the page with its size in CSS px: computed font size times the SVG's scale. */
function textSizes(page: Page) {
  return page.evaluate(() => {
    const out: { text: string; px: number }[] = [];
    for (const node of document.body.querySelectorAll('*')) {
      const own = [...node.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent!.trim() !== '');
      if (!own || node.closest('svg.defs, [hidden], noscript') || node.getClientRects().length === 0) continue;
      const style = getComputedStyle(node);
      if (style.visibility !== 'visible' || style.display === 'none') continue;
      let px = parseFloat(style.fontSize);
      if (node instanceof SVGGraphicsElement) {
        const m = node.getScreenCTM()!;
        px *= Math.hypot(m.a, m.b);
      }
      out.push({ text: node.textContent!.trim().slice(0, 24), px: Math.round(px * 100) / 100 });
    }
    return out;
  });
}

/**
 * For each classic dial, in the dial's own units: the least gap between the needle (its polygons,
 * rotated about the hub over the whole sweep in 1/4 degree steps) and the title, the unit and the
 * LCD readout; and between the needle at rest / pegged and the first / last numeral.
 * A negative gap is an overlap. Separating-axis distances: exact for these convex shapes' overlap.
 */
function needleClearances(page: Page) {
  return page.evaluate(async () => {
    const { CONSTANTS } = await import(String('/model.js'));
    const start = -CONSTANTS.sweepDeg / 2;
    const end = start + CONSTANTS.maxSteps / CONSTANTS.stepsPerDeg;
    type P = [number, number];
    const gap = (a: P[], b: P[]) => {
      let best = -Infinity;
      for (const poly of [a, b]) {
        for (let i = 0; i < poly.length; i++) {
          const [x0, y0] = poly[i];
          const [x1, y1] = poly[(i + 1) % poly.length];
          const len = Math.hypot(x1 - x0, y1 - y0);
          if (len === 0) continue;
          const [nx, ny] = [(y0 - y1) / len, (x1 - x0) / len];
          const pa = a.map(([x, y]) => x * nx + y * ny);
          const pb = b.map(([x, y]) => x * nx + y * ny);
          best = Math.max(best, Math.min(...pb) - Math.max(...pa), Math.min(...pa) - Math.max(...pb));
        }
      }
      return best;
    };
    const rect = (r: { x: number; y: number; width: number; height: number }): P[] => [
      [r.x, r.y],
      [r.x + r.width, r.y],
      [r.x + r.width, r.y + r.height],
      [r.x, r.y + r.height],
    ];
    return [...document.querySelectorAll<HTMLElement>('[data-gauge]')].map((figure) => {
      const svg = figure.querySelector<SVGSVGElement>('svg.dial')!;
      const rotor = svg.querySelector('.needle')!;
      const [, cx, cy] = /rotate\([^ ]+ ([\d.]+) ([\d.]+)\)/.exec(rotor.getAttribute('transform') ?? 'rotate(0 100 100)')!.map(Number);
      const polys = [...rotor.querySelectorAll('polygon')].map((p) => [...p.points].map((q): P => [q.x, q.y]));
      const at = (deg: number) => {
        const [s, c] = [Math.sin((deg * Math.PI) / 180), Math.cos((deg * Math.PI) / 180)];
        return polys.map((poly) => poly.map(([x, y]): P => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c]));
      };
      // The readout is HTML over the SVG: its box, brought into the dial's units.
      const inv = svg.getScreenCTM()!.inverse();
      const r = figure.querySelector('.readout')!.getBoundingClientRect();
      const toUser = (x: number, y: number): P => {
        const p = new DOMPoint(x, y).matrixTransform(inv);
        return [p.x, p.y];
      };
      const corners = (b: DOMRect): P[] => [toUser(b.left, b.top), toUser(b.right, b.top), toUser(b.right, b.bottom), toUser(b.left, b.bottom)];
      const boxes: Record<string, P[]> = {
        title: rect(svg.querySelector<SVGGraphicsElement>('.title')!.getBBox()),
        unit: rect(svg.querySelector<SVGGraphicsElement>('.unit')!.getBBox()),
        lcd: corners(r),
      };
      // The odometer (range under 5H PLAN, context under THINKING): its text and its window.
      const odo = figure.querySelector('.odometer');
      if (odo) {
        boxes.odometer = corners(odo.getBoundingClientRect());
        boxes.odometerWindow = rect(svg.querySelector<SVGGraphicsElement>('.odo-window')!.getBBox());
      }
      const swept: Record<string, number> = {};
      for (const [name, box] of Object.entries(boxes)) {
        let least = Infinity;
        for (let deg = start; deg <= end + 1e-9; deg += 0.25) for (const poly of at(deg)) least = Math.min(least, gap(poly, box));
        swept[name] = Math.round(least * 100) / 100;
      }
      const numerals = [...svg.querySelectorAll<SVGGraphicsElement>('.numeral')];
      const endGap = (deg: number, n: SVGGraphicsElement) => Math.round(Math.min(...at(deg).map((p) => gap(p, rect(n.getBBox())))) * 100) / 100;
      return {
        gauge: figure.dataset.gauge!,
        start,
        end,
        swept,
        restFirst: endGap(start, numerals[0]),
        peggedLast: endGap(end, numerals[numerals.length - 1]),
        title: Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, b.map((p) => p.map((v) => Math.round(v * 10) / 10))])),
      };
    });
  });
}

/** The texts an odometer can hold, its widest ones among them. */
const ODOMETER_TEXTS: Record<string, string[]> = { range: ['LASTS TO RESET', 'EMPTY 23:59', 'RUNS OUT', '—'], context: ['CTX 100%', 'CTX --'] };

/**
 * Each odometer, holding each text it can show in turn: whether the text fits its window (nothing
 * cut off), lies inside its gauge, and clears the gauge's value readout and digits.
 */
function odometers(page: Page) {
  return page.evaluate((texts) => {
    const apart = (a: DOMRect, b: DOMRect) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    const out: { gauge: string; text: string; fits: boolean; inside: boolean; clear: boolean; px: string }[] = [];
    for (const node of document.querySelectorAll<HTMLElement>('.odometer')) {
      const figure = node.closest<HTMLElement>('[data-gauge]')!;
      const was = node.textContent;
      for (const text of texts[node.dataset.odometer!]) {
        node.textContent = text;
        const r = node.getBoundingClientRect();
        const f = figure.getBoundingClientRect();
        const others = [figure.querySelector('.readout')!, ...figure.querySelectorAll('.segments')].map((e) => e.getBoundingClientRect());
        out.push({
          gauge: figure.dataset.gauge!,
          text,
          fits: node.scrollWidth <= node.clientWidth + 1 && node.scrollHeight <= node.clientHeight + 1,
          inside: r.left >= f.left - 0.5 && r.right <= f.right + 0.5 && r.top >= f.top - 0.5 && r.bottom <= f.bottom + 0.5,
          clear: others.every((o) => apart(r, o)),
          px: getComputedStyle(node).fontSize,
        });
      }
      node.textContent = was;
    }
    return out;
  }, ODOMETER_TEXTS);
}

async function checkOdometers(page: Page, where: string): Promise<void> {
  const seen = await odometers(page);
  assert.deepEqual([...new Set(seen.map((o) => o.gauge))].sort(), ['fuel', 'temp'], `${where}: the range and context odometers are drawn`);
  for (const o of seen) {
    assert.ok(o.fits, `${where} ${o.gauge}: "${o.text}" is cut off in its odometer`);
    assert.ok(o.inside, `${where} ${o.gauge}: the odometer sticks out of its gauge`);
    assert.ok(o.clear, `${where} ${o.gauge}: the odometer overlaps the value readout or its digits`);
    assert.ok(parseFloat(o.px) >= MIN_PX, `${where} ${o.gauge}: the odometer's type is ${o.px}`);
  }
  console.log(`${where}: odometers ${seen.length} texts fit, type ${Math.min(...seen.map((o) => parseFloat(o.px))).toFixed(2)} px at least`);
}

/** The cluster's box and whether the page scrolls sideways. */
function layout(page: Page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-cluster]')!.getBoundingClientRect();
    const dials = [...document.querySelectorAll('[data-gauge]')].map((g) => g.getBoundingClientRect());
    return {
      cluster: { top: c.top, bottom: c.bottom, left: c.left, right: c.right },
      dialsTop: Math.min(...dials.map((d) => d.top)),
      dialsBottom: Math.max(...dials.map((d) => d.bottom)),
      dialWidths: dials.map((d) => Math.round(d.width)),
      scrollWidth: document.documentElement.scrollWidth,
    };
  });
}

test('desktop: nothing under 9 px, the needle never crosses a title, unit, LCD or odometer, the cluster fills the page', { skip: browserSkip }, async () => {
  for (const viewport of DESKTOPS) {
    for (const skin of ['classic', 'vfd']) {
      const page = await open(viewport, skin);
      const where = `${skin} at ${viewport.width}x${viewport.height}`;
      await page.screenshot({ path: path.join(ARTIFACTS, `cluster-layout-${skin}-${viewport.width}x${viewport.height}.png`) });

      const sizes = await textSizes(page);
      assert.ok(sizes.length > 30, `${where}: the page's texts were found (${sizes.length})`);
      const small = sizes.filter((s) => s.px < MIN_PX);
      assert.deepEqual(small, [], `${where}: texts under ${MIN_PX} px`);
      const least = sizes.reduce((a, b) => (b.px < a.px ? b : a));
      console.log(`${where}: smallest text ${least.px} px (${least.text}); ${sizes.length} texts`);
      await checkOdometers(page, where);

      if (skin === 'classic') {
        for (const d of await needleClearances(page)) {
          assert.equal(d.end - d.start, MODEL.sweepDeg, 'the sweep comes from the page model');
          for (const [name, g] of Object.entries(d.swept)) assert.ok(g > 0, `${where} ${d.gauge}: the needle crosses the ${name} (gap ${g})`);
          assert.equal('odometer' in d.swept, d.gauge === 'fuel' || d.gauge === 'temp', `${where} ${d.gauge}: the odometer's clearance was measured where there is one`);
          assert.ok(d.restFirst > 0, `${where} ${d.gauge}: the needle at rest covers the first numeral (gap ${d.restFirst})`);
          assert.ok(d.peggedLast > 0, `${where} ${d.gauge}: the pegged needle covers the last numeral (gap ${d.peggedLast})`);
          console.log(`${where} ${d.gauge}: least gap to the swept needle, dial units: ${JSON.stringify(d.swept)}; rest/first ${d.restFirst}, pegged/last ${d.peggedLast}`);
        }
      }

      const l = await layout(page);
      const h = viewport.height;
      assert.ok(l.cluster.bottom <= h, `${where}: the cluster fits the screen (bottom ${l.cluster.bottom})`);
      assert.ok(l.cluster.bottom >= 0.75 * h, `${where}: the cluster reaches the lower quarter (bottom ${l.cluster.bottom} of ${h})`);
      assert.ok(l.dialsBottom - l.dialsTop >= 0.55 * h, `${where}: the dials take ${Math.round(l.dialsBottom - l.dialsTop)} px of ${h}`);
      assert.ok(l.scrollWidth <= viewport.width, `${where}: no sideways scroll (${l.scrollWidth})`);
      console.log(`${where}: cluster ${Math.round(l.cluster.top)}-${Math.round(l.cluster.bottom)} px, dials ${Math.round(l.dialsTop)}-${Math.round(l.dialsBottom)} px, widths ${l.dialWidths.join('/')}`);
      await page.close();
    }
  }
});

test('phones: nothing under 9 px, the needle never crosses a title, unit, LCD or odometer, no sideways scroll, the lamps in view', { skip: browserSkip }, async () => {
  for (const viewport of PHONES) {
    for (const skin of ['classic', 'vfd']) {
      const page = await open(viewport, skin);
      const where = `${skin} at ${viewport.width}x${viewport.height}`;

      const sizes = await textSizes(page);
      assert.ok(sizes.length > 30, `${where}: the page's texts were found (${sizes.length})`);
      const least = sizes.reduce((a, b) => (b.px < a.px ? b : a));
      console.log(`${where}: smallest text ${least.px} px (${least.text}); ${sizes.length} texts`);
      assert.deepEqual(
        sizes.filter((s) => s.px < MIN_PX),
        [],
        `${where}: texts under ${MIN_PX} px`,
      );
      await checkOdometers(page, where);

      if (skin === 'classic') {
        for (const d of await needleClearances(page)) {
          for (const [name, g] of Object.entries(d.swept)) assert.ok(g > 0, `${where} ${d.gauge}: the needle crosses the ${name} (gap ${g})`);
          assert.ok(d.restFirst > 0 && d.peggedLast > 0, `${where} ${d.gauge}: a needle at rest or pegged covers an end numeral (${d.restFirst}, ${d.peggedLast})`);
        }
      }

      const l = await layout(page);
      assert.ok(l.scrollWidth <= viewport.width, `${where}: no sideways scroll (${l.scrollWidth})`);
      assert.equal(l.dialWidths.length, 4);
      // The page scrolls down through the dials; the lamps stay on screen all the way.
      const scrollable = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
      for (const [i, y] of [0, scrollable / 2, scrollable].entries()) {
        await page.evaluate((to) => scrollTo(0, to), y);
        await page.screenshot({ path: path.join(ARTIFACTS, `cluster-layout-${skin}-${viewport.width}x${viewport.height}-${['top', 'middle', 'end'][i]}.png`) });
        const lamps = await page.evaluate(() => {
          const r = document.querySelector('.annunciators')!.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom };
        });
        assert.ok(lamps.top >= 0 && lamps.bottom <= viewport.height, `${where}: scrolled to ${Math.round(y)}, the lamps are at ${Math.round(lamps.top)}-${Math.round(lamps.bottom)} px`);
      }
      console.log(`${where}: gauges ${l.dialWidths.join('/')} px wide, page ${scrollable + viewport.height} px tall`);
      await page.close();
    }
  }
});

test('every size between: nothing under 9 px, odometers that fit, and no sideways scroll, from a small tablet to a laptop and a phone on its side', { skip: browserSkip }, async () => {
  const sizes = [
    [480, 800],
    [540, 800],
    [620, 900],
    [700, 900],
    [820, 1000],
    [844, 390],
    [900, 700],
    [1024, 768],
    [1180, 820],
    [1280, 720],
    [1366, 768],
  ];
  /** The sizes worth a look in artifacts/: the other ones only measured, to keep the test quick. */
  const SHOWN = new Set(['540x800', '844x390', '1024x768']);
  for (const skin of ['classic', 'vfd']) {
    const page = await open(PHONES[0], skin);
    for (const [width, height] of sizes) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(50);
      const where = `${skin} at ${width}x${height}`;
      if (SHOWN.has(`${width}x${height}`)) await page.screenshot({ path: path.join(ARTIFACTS, `cluster-layout-${skin}-${width}x${height}.png`) });
      const texts = await textSizes(page);
      const least = texts.reduce((a, b) => (b.px < a.px ? b : a));
      console.log(`${where}: smallest text ${least.px} px (${least.text})`);
      assert.deepEqual(
        texts.filter((t) => t.px < MIN_PX),
        [],
        `${where}: texts under ${MIN_PX} px`,
      );
      await checkOdometers(page, where);
      const l = await layout(page);
      assert.ok(l.scrollWidth <= width, `${where}: no sideways scroll (${l.scrollWidth})`);
    }
    await page.close();
  }
});

test('pegged needles leave the full-scale numerals readable', { skip: browserSkip }, async () => {
  const page = await open(DESKTOPS[0], 'classic');
  // One response that pegs all four: 5h plan and tach far over their limits, all output thinking, all input cached.
  await fs.appendFile(file, assistant({ id: 'msg_peg', req: 'req_peg', at: Date.now(), cacheRead: 200_000, output: 4000, thinking: 4000, session: 'layout' }) + '\n');
  await page.waitForFunction((full) => [...document.querySelectorAll('[data-gauge]')].every((g) => g.getAttribute('data-steps') === full), String(MODEL.maxSteps), { timeout: 5000 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'cluster-layout-pegged.png') });
  const seen = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-gauge]')].map((figure) => {
      const numerals = figure.querySelectorAll<SVGGraphicsElement>('.numeral');
      const label = numerals[numerals.length - 1];
      const box = label.getBoundingClientRect();
      // Where the needle really is now, in screen pixels: its polygons through their own transforms.
      const polys = [...figure.querySelectorAll<SVGPolygonElement>('.needle polygon')].map((p) => {
        const m = p.getScreenCTM()!;
        return [...p.points].map((q) => {
          const s = new DOMPoint(q.x, q.y).matrixTransform(m);
          return [s.x, s.y];
        });
      });
      const corners = [
        [box.left, box.top],
        [box.right, box.top],
        [box.right, box.bottom],
        [box.left, box.bottom],
      ];
      const separated = polys.every((poly) =>
        [poly, corners].some((shape) =>
          shape.some(([x0, y0], i) => {
            const [x1, y1] = shape[(i + 1) % shape.length];
            const [nx, ny] = [y0 - y1, x1 - x0];
            const pa = poly.map(([x, y]) => x * nx + y * ny);
            const pb = corners.map(([x, y]) => x * nx + y * ny);
            return Math.min(...pb) > Math.max(...pa) || Math.min(...pa) > Math.max(...pb);
          }),
        ),
      );
      // Nothing painted over the numeral's middle: it is the top element there.
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return { gauge: figure.dataset.gauge, label: label.textContent, separated, onTop: top === label, box: [Math.round(box.left), Math.round(box.top), Math.round(box.width), Math.round(box.height)] };
    }),
  );
  for (const s of seen) {
    assert.ok(s.separated, `${s.gauge}: the pegged needle overlaps "${s.label}" at ${s.box}`);
    assert.ok(s.onTop, `${s.gauge}: something covers "${s.label}"`);
  }
  console.log(`pegged: ${JSON.stringify(seen)}`);
  await page.close();
});
