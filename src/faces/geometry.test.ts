// The dial geometry against the motor, the engine's scale and the web cluster's gauges.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import PDFDocument from 'pdfkit';
import { gaugePositions } from '../engine/scale.js';
import { DIAL, faceDrawing, faceShapes, gaugeScales, labelWidth, sheetDrawing, shortTokens, ticks, type Shape } from './geometry.js';
import { toPdf } from './pdf.js';
import { toSvg } from './svg.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const webModel = await import(new URL(`file://${path.join(ROOT, 'web', 'model.js')}`).href);
const webGauges = await import(new URL(`file://${path.join(ROOT, 'web', 'gauges.js')}`).href);

// The printed sweep, worked out here from the motor table (travel less the two offsets from the stops).
const MOTOR = JSON.parse(readFileSync(path.join(ROOT, 'spec', 'motor.json'), 'utf8'));
const DIAL_SWEEP = MOTOR.motor.travelDeg - MOTOR.geometry.zeroOffsetDeg - MOTOR.geometry.fullScaleMarginDeg;

const REDLINES = [1_000_000, 50_000, 123_457, 7_500, 2_400_000];

/** Dial angle (degrees clockwise from 12 o'clock) of a point relative to a centre, from the drawn coordinates. */
const angleOf = (x: number, y: number, cx: number, cy: number) => (Math.atan2(x - cx, cy - y) * 180) / Math.PI;

/** Where the needle points for a payload value: the engine's permille, the firmware's microsteps, 12 per degree from the rest stop. */
function needleDeg(permille: number): number {
  const steps = webModel.permilleToSteps(permille);
  return steps / webModel.CONSTANTS.stepsPerDeg - webModel.CONSTANTS.sweepDeg / 2;
}

test('every scale: 21 ticks, the first and last exactly one dial sweep apart, symmetric about 12 o\'clock', () => {
  for (const s of gaugeScales(1_000_000)) {
    const t = ticks(s);
    assert.equal(t.length, 21, s.id);
    assert.equal(t[t.length - 1].deg - t[0].deg, DIAL_SWEEP, s.id);
    assert.equal(t[0].deg, -DIAL_SWEEP / 2, s.id);
    assert.deepEqual(t.filter((x) => x.kind === 'major').map((x) => x.label), s.labels, s.id);
  }
});

test('the drawn first and last major ticks are one dial sweep apart (measured from the line coordinates)', () => {
  const c = 25;
  for (const s of gaugeScales(1_000_000)) {
    const majors = faceShapes(s, c, c).filter((x): x is Extract<Shape, { kind: 'line' }> => x.kind === 'line' && x.role === 'tick tick-major');
    assert.equal(majors.length, 6);
    const first = angleOf(majors[0].x2, majors[0].y2, c, c);
    const last = angleOf(majors[5].x2, majors[5].y2, c, c);
    assert.ok(Math.abs(last - first - DIAL_SWEEP) < 0.01, `${s.id}: ${first} .. ${last}`);
    // Rest at the bottom left: the first tick is left of and below the centre.
    assert.ok(majors[0].x2 < c && majors[0].y2 > c);
  }
});

test('the dial sweep keeps off both stops and is the sweep the virtual cluster draws', () => {
  assert.equal(DIAL_SWEEP, webModel.CONSTANTS.sweepDeg);
  assert.equal(DIAL_SWEEP * MOTOR.motor.stepsPerDeg, webModel.CONSTANTS.maxSteps);
  assert.ok(MOTOR.geometry.zeroOffsetDeg > 0 && MOTOR.geometry.fullScaleMarginDeg >= 2);
  assert.ok(DIAL_SWEEP < MOTOR.motor.travelDeg - 2);
});

test('the tach redline zone starts where the needle points at the configured redline', () => {
  for (const redline of REDLINES) {
    const tach = gaugeScales(redline).find((s) => s.id === 'tach')!;
    const zone = faceShapes(tach, 0, 0).find((x): x is Extract<Shape, { kind: 'path' }> => x.kind === 'path' && x.role.includes('zone-red'));
    assert.ok(zone, 'a red zone is drawn');
    const [, sx, sy] = /^M(-?[\d.]+) (-?[\d.]+)/.exec(zone.d)!.map(Number);
    const zoneStart = angleOf(sx, sy, 0, 0);
    const atRedline = needleDeg(gaugePositions({ fuel: 0, rate: redline, redline, thinkingRatio: 0, cacheHit: 0 }).tach);
    // The needle moves in 1/12 degree microsteps: it may sit half a step off the exact redline.
    assert.ok(Math.abs(zoneStart - atRedline) <= 0.5 / 12 + 0.005, `redline ${redline}: zone at ${zoneStart}, needle at ${atRedline}`);
    // And the zone ends at full scale, where the needle stops.
    const full = needleDeg(gaugePositions({ fuel: 0, rate: redline * 10, redline, thinkingRatio: 0, cacheHit: 0 }).tach);
    const end = /L(-?[\d.]+) (-?[\d.]+)A/.exec(zone.d)!.slice(1).map(Number);
    assert.ok(Math.abs(angleOf(end[0], end[1], 0, 0) - full) < 0.01);
  }
});

test('the tach labels read the engine\'s full scale: the top label is the rate that pins the needle', () => {
  const tachAt = (rate: number, redline: number) => gaugePositions({ fuel: 0, rate, redline, thinkingRatio: 0, cacheHit: 0 }).tach;
  for (const redline of REDLINES) {
    // The lowest rate that pins the needle, found by bisection on the engine alone.
    let [lo, hi] = [0, redline * 10];
    while (hi - lo > 1e-6 * redline) {
      const mid = (lo + hi) / 2;
      if (tachAt(mid, redline) === 1000) hi = mid;
      else lo = mid;
    }
    const tach = gaugeScales(redline).find((s) => s.id === 'tach')!;
    const top = tach.labels[tach.labels.length - 1];
    const value = Number.parseFloat(top) * ({ k: 1e3, M: 1e6, G: 1e9 }[top.slice(-1)] ?? 1);
    // Labels keep three significant figures; the needle pins half a permille below full scale.
    assert.ok(Math.abs(value - hi) / hi < 0.0055, `${redline}: label ${top}, needle pins at ${hi.toFixed(0)}`);
  }
});

test('scales, labels and zones match the web cluster (web/gauges.js)', () => {
  for (const redline of REDLINES) {
    const payload = { tach_redline: redline };
    for (const mine of gaugeScales(redline)) {
      const web = webGauges.GAUGES.find((g: { id: string }) => g.id === mine.id);
      assert.equal(mine.title, web.title);
      assert.equal(mine.unit, web.unit);
      const webLabels = web.ticks(payload).major.map((t: { label: string }) => t.label);
      if (web.ends) [webLabels[0], webLabels[webLabels.length - 1]] = web.ends;
      assert.deepEqual(mine.labels, webLabels, `${mine.id} at ${redline}`);
      const webZones = web.zones(payload).map((z: { from: number; to: number; kind: string }) => ({ from: z.from, to: z.to, kind: z.kind }));
      assert.deepEqual(mine.zones, webZones, mine.id);
    }
  }
});

test('shortTokens formats as the web cluster does', async () => {
  const fmt = await import(new URL(`file://${path.join(ROOT, 'web', 'format.js')}`).href);
  for (const n of [0, 7, 850, 1000, 12_500, 62_500, 99_999, 250_000, 1_250_000, 3_000_000, 1.5e9]) assert.equal(shortTokens(n), fmt.fmtTokens(n), String(n));
});

test('labels stay clear of the major ticks, even the wide ones at 3 and 9 o\'clock', () => {
  const metrics = new PDFDocument({ autoFirstPage: false });
  for (const redline of REDLINES) {
    for (const s of gaugeScales(redline)) {
      const labels = faceShapes(s, 0, 0).filter((x): x is Extract<Shape, { kind: 'text' }> => x.kind === 'text' && x.role === 'label');
      assert.equal(labels.length, 6);
      for (const l of labels) {
        // The real advance width from Helvetica-Bold's metrics (what the PDF sets), not the module's estimate.
        const real = metrics.font('Helvetica-Bold').fontSize(l.size).widthOfString(l.text);
        assert.ok(Math.abs(real - labelWidth(l.text, l.size)) < 0.01, `${l.text}: width ${real} vs estimate ${labelWidth(l.text, l.size)}`);
        const halfW = real / 2;
        const top = l.y - l.size * 0.72;
        // The label's box corners must all lie inside the major ticks' inner ends.
        const corners = [
          [l.x - halfW, top],
          [l.x + halfW, top],
          [l.x - halfW, l.y],
          [l.x + halfW, l.y],
        ];
        for (const [x, y] of corners) assert.ok(Math.hypot(x, y) < DIAL.arcRadius - 2.75, `${s.id} ${l.text} corner at ${Math.hypot(x, y).toFixed(2)} mm`);
      }
    }
  }
});

test('the face fits the bezel: everything printed sits inside the cut circle, the scale inside the aperture', () => {
  assert.ok(DIAL.arcRadius < DIAL.apertureDiameter / 2 && DIAL.apertureDiameter < DIAL.cutDiameter);
  for (const s of gaugeScales(1_000_000)) {
    for (const x of faceShapes(s, 0, 0)) {
      if (x.kind === 'line') for (const [px, py] of [[x.x1, x.y1], [x.x2, x.y2]]) assert.ok(Math.hypot(px, py) <= DIAL.arcRadius + 0.001, `${s.id} ${x.role}`);
      if (x.kind === 'circle') assert.ok(x.r <= DIAL.cutDiameter / 2);
    }
  }
});

test('a bad redline is refused with the value named', () => {
  for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => gaugeScales(bad), /redline must be a positive number/);
});

test('SVG: true millimetres, one user unit per mm, the expected elements', () => {
  const face = toSvg(faceDrawing(gaugeScales(1_000_000)[1]));
  assert.match(face, /<svg[^>]* width="50mm" height="50mm" viewBox="0 0 50 50"/);
  assert.equal(face.match(/class="tick tick-major"/g)?.length, 6);
  assert.equal(face.match(/class="tick tick-(minor|half)"/g)?.length, 15);
  assert.equal(face.match(/class="cut"/g)?.length, 1);
  assert.equal(face.match(/class="shaft"/g)?.length, 1);
  assert.match(face, />REDLINE 1M</);
  const a4 = toSvg(sheetDrawing(gaugeScales(1_000_000), 'a4', 1_000_000));
  assert.match(a4, /width="210mm" height="297mm" viewBox="0 0 210 297"/);
  assert.equal(a4.match(/class="cut"/g)?.length, 4);
  assert.match(a4, /<rect class="scale-bar" x="[\d.]+" y="[\d.]+" width="50"/);
  assert.match(toSvg(sheetDrawing(gaugeScales(1_000_000), 'letter', 1_000_000)), /width="215.9mm" height="279.4mm"/);
});

test('SVG escapes text', () => {
  const svg = toSvg({ title: 'a < b & "c"', widthMm: 10, heightMm: 10, shapes: [{ kind: 'text', role: 'x', x: 1, y: 1, text: '<&>', size: 1, bold: false, fill: '#000', anchor: 'start' }] });
  assert.match(svg, /<title>a &lt; b &amp; &quot;c&quot;<\/title>/);
  assert.match(svg, />&lt;&amp;&gt;<\/text>/);
});

test('PDF: a PDF with one page per drawing, each page the drawing\'s size in points', async () => {
  const scales = gaugeScales(1_000_000);
  const pdf = await toPdf([...scales.map(faceDrawing), sheetDrawing(scales, 'letter', 1_000_000)], 'test');
  const text = pdf.toString('latin1');
  assert.equal(text.slice(0, 5), '%PDF-');
  assert.match(text.trimEnd(), /%%EOF$/);
  const boxes = [...text.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(boxes.length, 5);
  for (const [w, h] of boxes.slice(0, 4)) {
    assert.ok(Math.abs(w - (50 * 72) / 25.4) < 0.01 && Math.abs(h - (50 * 72) / 25.4) < 0.01, `${w} x ${h}`);
  }
  assert.ok(Math.abs(boxes[4][0] - 612) < 0.01 && Math.abs(boxes[4][1] - 792) < 0.01, `letter ${boxes[4]}`);
});
