// Printable dial faces as plain shapes in millimetres: scales, ticks, labels and zones for the four
// gauges. SVG and PDF both draw from these shapes, so the two outputs cannot disagree.
import { TACH_FULL_SCALE_OVER_REDLINE } from '../engine/scale.js';

/**
 * The dial's geometry, from the motor table (spec/motor.json) that the firmware and the virtual
 * cluster also follow; test/motor-table.test.ts holds these copies to it. (Copied, not imported:
 * the published package carries dist/src, not the spec.) The X27.168 travels 315 degrees stop to
 * stop; zero sits a defined offset off the zero stop and full scale a margin short of the far
 * stop, so the printed scale and the real needle agree.
 */
export const MOTOR_GEOMETRY = Object.freeze({ travelDeg: 315, zeroOffsetDeg: 5, fullScaleMarginDeg: 2 });
export const SWEEP_DEG = MOTOR_GEOMETRY.travelDeg - MOTOR_GEOMETRY.zeroOffsetDeg - MOTOR_GEOMETRY.fullScaleMarginDeg;
/** Angles are degrees clockwise from 12 o'clock, symmetric around the top (as web/svg.js draws them). */
export const START_DEG = -SWEEP_DEG / 2;

/**
 * The dial, in mm. A 200 mm bezel holds four gauges at a 47 mm pitch (enclosure/bezel.scad);
 * a 42 mm face leaves room for the bezel ring and the hex screws between neighbours, and sits
 * well over the X27.168's ~30 mm body. The bezel's 39 mm aperture hides the cut edge.
 */
export const DIAL = Object.freeze({
  cutDiameter: 42,
  apertureDiameter: 39,
  /** The X27.168's shaft is about 1 mm: a 1.2 mm hole lets the needle's hub seat on it. */
  shaftHoleDiameter: 1.2,
  /** Scale arc radius: inside the aperture with a margin for the ring's shadow. */
  arcRadius: 18.2,
});

export const INK = '#231e19';
export const CREAM = '#f5ecd5';
export const CUT = '#8a8a8a';
/** Zone colours of the web cluster's classic skin (web/skins/classic.js). */
export const ZONE_FILL = Object.freeze({ red: '#7c1a2b', hot: '#8f1c2c', cool: '#2d5f92' });

/** THINKING/OUTPUT zones as in web/gauges.js: blue while cruising, red while grinding. */
export const TEMP_COOL = 0.2;
export const TEMP_HOT = 0.7;
/** WARN lights above 80 % of the 5-hour window: the fuel dial's red zone. */
export const FUEL_WARN = 0.8;

export type GaugeId = 'fuel' | 'tach' | 'temp' | 'boost';
export type ZoneKind = keyof typeof ZONE_FILL;

export interface Zone {
  from: number;
  to: number;
  kind: ZoneKind;
}

export interface GaugeScale {
  id: GaugeId;
  title: string;
  unit: string;
  /** Extra line under the hub, e.g. the redline the face was printed for. */
  note?: string;
  /** Labelled intervals, each split into `minors` parts. */
  majors: number;
  minors: number;
  /** One label per major tick, rest to full scale. */
  labels: string[];
  zones: Zone[];
}

/** Tokens as a short figure (850, 12.5k, 1.25M), as the web cluster labels its tach. */
export function shortTokens(n: number): string {
  const short = (v: number, unit: string) => `${Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2))}${unit}`;
  if (n >= 1e9) return short(n / 1e9, 'G');
  if (n >= 1e6) return short(n / 1e6, 'M');
  if (n >= 1e3) return short(n / 1e3, 'k');
  return String(Math.round(n));
}

/** Fraction of the sweep at which the tach's red zone starts: the redline on a 1.25 x redline scale. */
export function redlineFraction(redline: number): number {
  return redline / (redline * TACH_FULL_SCALE_OVER_REDLINE);
}

/** The four scales, left to right, for a given tach redline (tokens/min). */
export function gaugeScales(redline: number): GaugeScale[] {
  if (!(redline > 0) || !Number.isFinite(redline)) throw new RangeError(`redline must be a positive number, got ${redline}`);
  const full = redline * TACH_FULL_SCALE_OVER_REDLINE;
  const pct = Array.from({ length: 6 }, (_, i) => String(i * 20));
  return [
    { id: 'fuel', title: '5H PLAN', unit: '% USED', majors: 5, minors: 4, labels: pct, zones: [{ from: FUEL_WARN, to: 1, kind: 'red' }] },
    {
      id: 'tach',
      title: 'TOKENS/MIN',
      unit: 'LAST 60 s',
      note: `REDLINE ${shortTokens(redline)}`,
      majors: 5,
      minors: 4,
      labels: Array.from({ length: 6 }, (_, i) => shortTokens((full * i) / 5)),
      zones: [{ from: redlineFraction(redline), to: 1, kind: 'red' }],
    },
    {
      id: 'temp',
      title: 'THINKING',
      unit: '/ OUTPUT',
      majors: 5,
      minors: 4,
      // The ends read C and H, like a car's temperature gauge (and the web cluster).
      labels: ['C', '.2', '.4', '.6', '.8', 'H'],
      zones: [
        { from: 0, to: TEMP_COOL, kind: 'cool' },
        { from: TEMP_HOT, to: 1, kind: 'hot' },
      ],
    },
    { id: 'boost', title: 'CACHE HIT', unit: '% CACHED', majors: 5, minors: 4, labels: pct, zones: [] },
  ];
}

/** Dial angle of a fraction (0-1) of the sweep. */
export const fracToDeg = (f: number): number => START_DEG + f * SWEEP_DEG;

/** Point at radius r and dial angle deg around (cx, cy); y grows downwards as in SVG. */
export function polar(cx: number, cy: number, r: number, deg: number): [number, number] {
  const a = (deg * Math.PI) / 180;
  return [cx + r * Math.sin(a), cy - r * Math.cos(a)];
}

export interface Tick {
  f: number;
  deg: number;
  kind: 'major' | 'half' | 'minor';
  label?: string;
}

/** Every tick of a scale, rest to full scale: majors carry the labels, halves sit mid-interval. */
export function ticks(scale: GaugeScale): Tick[] {
  const n = scale.majors * scale.minors;
  const out: Tick[] = [];
  for (let i = 0; i <= n; i++) {
    const f = i / n;
    const major = i % scale.minors === 0;
    const half = !major && scale.minors % 2 === 0 && i % scale.minors === scale.minors / 2;
    out.push({ f, deg: fracToDeg(f), kind: major ? 'major' : half ? 'half' : 'minor', ...(major ? { label: scale.labels[i / scale.minors] } : {}) });
  }
  return out;
}

// Shapes, in mm. `role` names what a shape is for (SVG class, test hooks).
export type Shape =
  | { kind: 'circle'; role: string; cx: number; cy: number; r: number; fill?: string; stroke?: string; width?: number }
  | { kind: 'line'; role: string; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number }
  | { kind: 'path'; role: string; d: string; fill?: string; stroke?: string; width?: number }
  | { kind: 'rect'; role: string; x: number; y: number; w: number; h: number; fill?: string; stroke?: string; width?: number }
  | { kind: 'text'; role: string; x: number; y: number; text: string; size: number; bold: boolean; fill: string; anchor: 'start' | 'middle' | 'end' };

export interface Drawing {
  title: string;
  widthMm: number;
  heightMm: number;
  shapes: Shape[];
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

/** Arc from dial angle a0 to a1 (clockwise) at radius r, as SVG path data (PDFKit reads it too). */
export function arcPath(cx: number, cy: number, r: number, a0: number, a1: number): string {
  const [x0, y0] = polar(cx, cy, r, a0);
  const [x1, y1] = polar(cx, cy, r, a1);
  return `M${r3(x0)} ${r3(y0)}A${r} ${r} 0 ${a1 - a0 > 180 ? 1 : 0} 1 ${r3(x1)} ${r3(y1)}`;
}

/** Closed band between radii r0 < r1 from a0 to a1: a zone. */
export function bandPath(cx: number, cy: number, r0: number, r1: number, a0: number, a1: number): string {
  const [ax, ay] = polar(cx, cy, r1, a0);
  const [bx, by] = polar(cx, cy, r1, a1);
  const [qx, qy] = polar(cx, cy, r0, a1);
  const [dx, dy] = polar(cx, cy, r0, a0);
  const large = a1 - a0 > 180 ? 1 : 0;
  return `M${r3(ax)} ${r3(ay)}A${r1} ${r1} 0 ${large} 1 ${r3(bx)} ${r3(by)}L${r3(qx)} ${r3(qy)}A${r0} ${r0} 0 ${large} 0 ${r3(dx)} ${r3(dy)}Z`;
}

/** Baseline offset that centres capital letters on a point (Helvetica caps are 0.72 em tall). */
const capMiddle = (size: number) => size * 0.36;

/** Helvetica-Bold advance widths (em) of the characters the labels use; others count as 0.6. */
const BOLD_WIDTH: Record<string, number> = { '.': 0.278, k: 0.556, M: 0.833, G: 0.778, C: 0.722, H: 0.722 };
export const labelWidth = (text: string, size: number) => [...text].reduce((w, ch) => w + (/[0-9]/.test(ch) ? 0.556 : BOLD_WIDTH[ch] ?? 0.6), 0) * size;

/** Radius that keeps a label's box `gap` mm inside radius `inner` at dial angle deg (wide labels sit further in at 3 and 9 o'clock). */
export function labelRadius(inner: number, gap: number, text: string, size: number, deg: number): number {
  const a = (deg * Math.PI) / 180;
  const reach = Math.abs(Math.sin(a)) * (labelWidth(text, size) / 2) + Math.abs(Math.cos(a)) * (size * 0.36);
  return inner - gap - reach;
}

/** One face centred on (cx, cy): the cut circle, cream ground, zones, ticks, labels, words and shaft mark. */
export function faceShapes(scale: GaugeScale, cx: number, cy: number): Shape[] {
  const R = DIAL.arcRadius;
  const band = [R - 0.75, R] as const;
  const len = { major: 2.75, half: 1.65, minor: 1.15 };
  const stroke = { major: 0.48, half: 0.3, minor: 0.2 };
  const shapes: Shape[] = [{ kind: 'circle', role: 'ground', cx, cy, r: DIAL.cutDiameter / 2, fill: CREAM }];
  for (const z of scale.zones) {
    shapes.push({ kind: 'path', role: `zone zone-${z.kind}`, d: bandPath(cx, cy, band[0], band[1], fracToDeg(z.from), fracToDeg(z.to)), fill: ZONE_FILL[z.kind] });
  }
  shapes.push({ kind: 'path', role: 'scale-arc', d: arcPath(cx, cy, R, START_DEG, START_DEG + SWEEP_DEG), stroke: INK, width: 0.15 });
  // Ticks inside a red zone are red too, as on the web cluster; the cool zone keeps ink ticks.
  const tint = (f: number) => (scale.zones.some((z) => z.kind !== 'cool' && f >= z.from - 1e-9 && f <= z.to + 1e-9) ? ZONE_FILL.red : INK);
  const long = scale.labels.some((l) => l.length > 3);
  const labelSize = long ? 2.4 : 3;
  for (const t of ticks(scale)) {
    const [x1, y1] = polar(cx, cy, R - len[t.kind], t.deg);
    const [x2, y2] = polar(cx, cy, R, t.deg);
    shapes.push({ kind: 'line', role: `tick tick-${t.kind}`, x1: r3(x1), y1: r3(y1), x2: r3(x2), y2: r3(y2), stroke: tint(t.f), width: stroke[t.kind] });
    if (t.label === undefined) continue;
    const [lx, ly] = polar(cx, cy, labelRadius(R - len.major, 0.9, t.label, labelSize, t.deg), t.deg);
    const fill = scale.id === 'temp' && (t.f === 0 || t.f === 1) ? ZONE_FILL[t.f === 0 ? 'cool' : 'red'] : tint(t.f);
    shapes.push({ kind: 'text', role: 'label', x: r3(lx), y: r3(ly + capMiddle(labelSize)), text: t.label, size: labelSize, bold: true, fill, anchor: 'middle' });
  }
  shapes.push({ kind: 'text', role: 'title', x: cx, y: r3(cy - 6.6 + capMiddle(2.3)), text: scale.title, size: 2.3, bold: true, fill: INK, anchor: 'middle' });
  shapes.push({ kind: 'text', role: 'unit', x: cx, y: r3(cy - 4.1 + capMiddle(1.4)), text: scale.unit, size: 1.4, bold: false, fill: '#6f6457', anchor: 'middle' });
  if (scale.note) shapes.push({ kind: 'text', role: 'note', x: cx, y: r3(cy + 6.8 + capMiddle(1.3)), text: scale.note, size: 1.3, bold: true, fill: ZONE_FILL.red, anchor: 'middle' });
  // Shaft: a hole circle and a cross to centre the punch on.
  const h = DIAL.shaftHoleDiameter / 2;
  shapes.push({ kind: 'circle', role: 'shaft', cx, cy, r: h, stroke: INK, width: 0.12 });
  shapes.push({ kind: 'line', role: 'shaft-cross', x1: cx - 1.6, y1: cy, x2: cx + 1.6, y2: cy, stroke: INK, width: 0.08 });
  shapes.push({ kind: 'line', role: 'shaft-cross', x1: cx, y1: cy - 1.6, x2: cx, y2: cy + 1.6, stroke: INK, width: 0.08 });
  shapes.push({ kind: 'circle', role: 'cut', cx, cy, r: DIAL.cutDiameter / 2, stroke: CUT, width: 0.1 });
  return shapes;
}

/** One face on its own page: the cut circle plus a 4 mm margin. */
export function faceDrawing(scale: GaugeScale): Drawing {
  const size = DIAL.cutDiameter + 8;
  return { title: `claude-gauge dial face: ${scale.title} ${scale.unit}`, widthMm: size, heightMm: size, shapes: faceShapes(scale, size / 2, size / 2) };
}

export const PAPER = Object.freeze({ a4: { name: 'A4', widthMm: 210, heightMm: 297 }, letter: { name: 'Letter', widthMm: 215.9, heightMm: 279.4 } });
export type PaperId = keyof typeof PAPER;
export const SCALE_BAR_MM = 50;

/** All four faces at true scale on one page, with a 50 mm bar to check the printer's scaling. */
export function sheetDrawing(scales: GaugeScale[], paper: PaperId, redline: number): Drawing {
  const p = PAPER[paper];
  const midX = p.widthMm / 2;
  const pitch = DIAL.cutDiameter + 26;
  const shapes: Shape[] = [];
  const text = (role: string, x: number, y: number, s: string, size: number, bold = false, anchor: 'start' | 'middle' | 'end' = 'middle'): Shape => ({ kind: 'text', role, x, y, text: s, size, bold, fill: INK, anchor });
  shapes.push(text('heading', midX, 28, 'claude-gauge dial faces', 6, true));
  shapes.push(text('hint', midX, 36, `${p.name}, print at 100 % (actual size, no fit to page). Cut on the grey circles; punch the centre for the shaft.`, 2.8));
  shapes.push(text('hint', midX, 41, `Tach redline ${redline.toLocaleString('en-US')} tokens/min, full scale ${(redline * TACH_FULL_SCALE_OVER_REDLINE).toLocaleString('en-US')}; dial ${DIAL.cutDiameter} mm for the X27.168, ${SWEEP_DEG} degree sweep.`, 2.8));
  const top = 58 + DIAL.cutDiameter / 2;
  scales.forEach((s, i) => {
    const cx = midX + (i % 2 === 0 ? -pitch / 2 : pitch / 2);
    const cy = top + Math.floor(i / 2) * (pitch + 6);
    shapes.push(...faceShapes(s, cx, cy));
    shapes.push(text('caption', cx, cy + DIAL.cutDiameter / 2 + 7, `${i + 1}  ${s.title} ${s.unit}`, 3));
  });
  // The scale bar: 50 mm, with a tick every 10 mm.
  const barY = top + 2 * (pitch + 6) + 8;
  const x0 = midX - SCALE_BAR_MM / 2;
  shapes.push({ kind: 'rect', role: 'scale-bar', x: x0, y: barY, w: SCALE_BAR_MM, h: 2.5, fill: INK });
  for (let mm = 0; mm <= SCALE_BAR_MM; mm += 10) shapes.push({ kind: 'line', role: 'scale-bar-tick', x1: x0 + mm, y1: barY - 2, x2: x0 + mm, y2: barY, stroke: INK, width: 0.25 });
  shapes.push(text('scale-bar-label', midX, barY + 8, `${SCALE_BAR_MM} mm: measure this bar; if it is not ${SCALE_BAR_MM} mm, the faces are not true scale.`, 3));
  return { title: `claude-gauge dial faces (${p.name})`, widthMm: p.widthMm, heightMm: p.heightMm, shapes };
}
