// Tiny SVG helpers shared by the skins: element creation and dial geometry.
import { CONSTANTS } from './model.js';

export const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes and optional children (elements or text). */
export function el(name, attrs = {}, ...children) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c);
  return node;
}

/** Every element id in a page must be unique, and each gauge has its own gradients. */
let seq = 0;
export const uid = (prefix) => `${prefix}-${++seq}`;

// The dial's sweep (308 degrees of the X27.168's 315, spec/motor.json) as a car dial: rest at the bottom left, full scale at the
// bottom right, symmetric around the top. Angles are degrees clockwise from 12 o'clock.
export const SWEEP = CONSTANTS.sweepDeg;
export const START_DEG = -SWEEP / 2;

/** Dial angle of a fraction (0-1) of the sweep. */
export const fracToDeg = (f) => START_DEG + f * SWEEP;

/** Dial angle of a needle at `steps` microsteps: steps / 12 degrees from the rest stop. */
export const stepsToDeg = (steps) => START_DEG + steps / CONSTANTS.stepsPerDeg;

/** Point at radius r and dial angle deg around (cx, cy). */
export function polar(cx, cy, r, deg) {
  const a = (deg * Math.PI) / 180;
  return [cx + r * Math.sin(a), cy - r * Math.cos(a)];
}

const f2 = (n) => Math.round(n * 100) / 100;

/** Arc path from dial angle a0 to a1 (clockwise) at radius r. */
export function arcPath(cx, cy, r, a0, a1) {
  const [x0, y0] = polar(cx, cy, r, a0);
  const [x1, y1] = polar(cx, cy, r, a1);
  const large = a1 - a0 > 180 ? 1 : 0;
  return `M${f2(x0)} ${f2(y0)}A${r} ${r} 0 ${large} 1 ${f2(x1)} ${f2(y1)}`;
}

/** Closed band between radii r0 < r1 from a0 to a1: zone fills on the dial. */
export function bandPath(cx, cy, r0, r1, a0, a1) {
  const [ax, ay] = polar(cx, cy, r1, a0);
  const [bx, by] = polar(cx, cy, r1, a1);
  const [cx2, cy2] = polar(cx, cy, r0, a1);
  const [dx, dy] = polar(cx, cy, r0, a0);
  const large = a1 - a0 > 180 ? 1 : 0;
  return (
    `M${f2(ax)} ${f2(ay)}A${r1} ${r1} 0 ${large} 1 ${f2(bx)} ${f2(by)}` +
    `L${f2(cx2)} ${f2(cy2)}A${r0} ${r0} 0 ${large} 0 ${f2(dx)} ${f2(dy)}Z`
  );
}

/** Line segment between radii r0 and r1 at one dial angle: ticks. */
export function radial(cx, cy, r0, r1, deg) {
  const [x0, y0] = polar(cx, cy, r0, deg);
  const [x1, y1] = polar(cx, cy, r1, deg);
  return { x1: f2(x0), y1: f2(y0), x2: f2(x1), y2: f2(y1) };
}
