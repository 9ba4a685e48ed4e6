// Classic skin: chrome-ringed round dials with cream faces, burgundy redline hairlines and
// hex-head screws, set in a brushed-aluminium plate (the plate itself is CSS).
import { arcPath, bandPath, el, fracToDeg, polar, radial, stepsToDeg } from '../svg.js';
import { odometerOutput, showOdometer } from './odometer.js';

const C = 100; // dial centre in the 200 x 200 face space; screws reach into the margin
const FONT = "'Bahnschrift', 'DIN Alternate', 'Barlow Condensed', 'Roboto Condensed', 'Arial Narrow', 'Liberation Sans Narrow', 'DejaVu Sans Condensed', system-ui, sans-serif";
const INK = '#231e19';
const BURGUNDY = '#7c1a2b';
const ZONE_FILL = { red: BURGUNDY, hot: '#8f1c2c', cool: '#2d5f92' };
/**
 * The needle sweeps 308 degrees (spec/motor.json) and reaches r 82, so the only face it never crosses
 * is the 52 degree gap below the hub (beyond its tail, r 21). The LCD, title and unit sit there, each inside the gap
 * with its corners clear of the needle's edge. The end numerals sit this far inside their ticks, so
 * the needle at rest or pegged lies beside them, not across them.
 */
const END_INSET_DEG = 14;
const LCD = { x: 86, y: 141, w: 28, h: 13 };
const TITLE = { y: 173.4, size: 9.6 };
/**
 * The odometer window (range under 5H PLAN, context under THINKING): set into the foot of the
 * bezel like a car's trip LCD, below the face the needle reaches (r 82), between the lower screws.
 */
const ODO = { x: 56, y: 193, w: 88, h: 17 };
const UNIT = { y: 183.6, size: 9.5 };

/** Gradients, filters and clips, defined once for every dial on the page. */
function defs() {
  const stop = (offset, color, opacity = 1) => el('stop', { offset, 'stop-color': color, 'stop-opacity': opacity });
  return el(
    'defs',
    {},
    el('linearGradient', { id: 'cl-ring', x1: 0, y1: 0, x2: 0.35, y2: 1 }, stop(0, '#fbfcfd'), stop(0.3, '#c6c9cd'), stop(0.55, '#8b8f95'), stop(0.78, '#d9dbde'), stop(1, '#676b70')),
    el('linearGradient', { id: 'cl-ring-in', x1: 0.35, y1: 1, x2: 0, y2: 0 }, stop(0, '#f4f5f6'), stop(0.45, '#a9adb2'), stop(1, '#55595e')),
    el('radialGradient', { id: 'cl-face', cx: 0.5, cy: 0.4, r: 0.62 }, stop(0, '#fffaf0'), stop(0.55, '#f5ecd5'), stop(1, '#e2d3b0')),
    el('radialGradient', { id: 'cl-vignette', cx: 0.5, cy: 0.5, r: 0.5 }, stop(0.82, '#3a2810', 0), stop(1, '#3a2810', 0.38)),
    el('linearGradient', { id: 'cl-glare', x1: 0, y1: 0, x2: 0.4, y2: 1 }, stop(0, '#ffffff', 0.5), stop(1, '#ffffff', 0)),
    el('radialGradient', { id: 'cl-hub', cx: 0.38, cy: 0.32, r: 0.75 }, stop(0, '#6d6f72'), stop(0.45, '#2a2b2d'), stop(1, '#070708')),
    el('linearGradient', { id: 'cl-needle', x1: 0, y1: 0, x2: 1, y2: 0 }, stop(0, '#b3300f'), stop(0.5, '#f06a3a'), stop(1, '#c23a17')),
    el('linearGradient', { id: 'cl-screw', x1: 0, y1: 0, x2: 1, y2: 1 }, stop(0, '#f2f3f4'), stop(0.5, '#a3a7ac'), stop(1, '#5d6166')),
    el('linearGradient', { id: 'cl-lcd', x1: 0, y1: 0, x2: 0, y2: 1 }, stop(0, '#0c0d0e'), stop(1, '#25282b')),
    el('linearGradient', { id: 'cl-odo', x1: 0, y1: 0, x2: 0, y2: 1 }, stop(0, '#050606'), stop(0.5, '#15181a'), stop(1, '#22262a')),
    el('clipPath', { id: 'cl-face-clip' }, el('circle', { cx: C, cy: C, r: 88 })),
    el('filter', { id: 'cl-soft', x: -0.2, y: -0.2, width: 1.4, height: 1.4 }, el('feGaussianBlur', { stdDeviation: 2.6 })),
    el(
      'filter',
      { id: 'cl-needle-shadow', x: -0.5, y: -0.5, width: 2, height: 2 },
      el('feDropShadow', { dx: 1.6, dy: 2.6, stdDeviation: 1.3, 'flood-color': '#2b1a08', 'flood-opacity': 0.38 }),
    ),
  );
}

function hexScrew(x, y, turn) {
  const pts = (r) =>
    Array.from({ length: 6 }, (_, i) => polar(x, y, r, turn + i * 60).map((v) => v.toFixed(2)).join(',')).join(' ');
  return el(
    'g',
    { class: 'screw' },
    el('circle', { cx: x + 0.6, cy: y + 1, r: 6.2, fill: '#000', opacity: 0.25 }),
    el('polygon', { points: pts(6), fill: 'url(#cl-screw)', stroke: '#4d5155', 'stroke-width': 0.5 }),
    el('polygon', { points: pts(2.4), fill: '#2b2d30', transform: `rotate(${turn / 3} ${x} ${y})` }),
  );
}

/** The scale: zones, ticks and numerals for the current payload (the tach's depend on the redline). */
function scale(spec, payload) {
  const g = el('g', { class: 'scale' });
  for (const z of spec.zones(payload)) {
    g.append(el('path', { d: bandPath(C, C, 80.6, 84, fracToDeg(z.from), fracToDeg(z.to)), fill: ZONE_FILL[z.kind], opacity: z.kind === 'cool' ? 0.85 : 0.95 }));
  }
  g.append(el('path', { d: arcPath(C, C, 84, fracToDeg(0), fracToDeg(1)), fill: 'none', stroke: INK, 'stroke-width': 0.7 }));
  const zones = spec.zones(payload);
  const tint = (f) => {
    const z = zones.find((zz) => zz.kind !== 'cool' && f >= zz.from - 1e-9);
    return z ? BURGUNDY : INK;
  };
  const { major, minor } = spec.ticks(payload);
  for (const t of minor) {
    g.append(el('line', { ...radial(C, C, t.half ? 76.5 : 78.8, 84, fracToDeg(t.f)), stroke: tint(t.f), 'stroke-width': t.half ? 1.3 : 0.9 }));
  }
  const long = major.some((t) => t.label.length > 3);
  major.forEach((t, i) => {
    g.append(el('line', { ...radial(C, C, 71.5, 84, fracToDeg(t.f)), stroke: tint(t.f), 'stroke-width': 2.2 }));
    let label = t.label;
    let fill = tint(t.f);
    if (spec.ends && i === 0) [label, fill] = [spec.ends[0], ZONE_FILL.cool];
    if (spec.ends && i === major.length - 1) [label, fill] = [spec.ends[1], BURGUNDY];
    const inset = i === 0 ? END_INSET_DEG : i === major.length - 1 ? -END_INSET_DEG : 0;
    const [x, y] = polar(C, C, long ? 60 : 61.5, fracToDeg(t.f) + inset);
    g.append(
      el('text', { class: 'numeral', x: x.toFixed(2), y: y.toFixed(2), 'text-anchor': 'middle', 'dominant-baseline': 'central', 'font-size': long ? 11 : 13.5, 'font-weight': 600, fill }, label),
    );
  });
  return g;
}

function needle() {
  return el(
    'g',
    { filter: 'url(#cl-needle-shadow)' },
    el(
      'g',
      { class: 'needle' },
      el('polygon', { points: '98.6,100 101.4,100 102.4,121 97.6,121', fill: '#1c1c1d' }),
      el('polygon', { points: '99.35,18 100.65,18 102.1,100 97.9,100', fill: 'url(#cl-needle)' }),
      el('polygon', { points: '99.85,24 100.15,24 100.45,96 99.55,96', fill: '#ffd2bd', opacity: 0.55 }),
    ),
    el('circle', { cx: C, cy: C, r: 9.5, fill: 'url(#cl-hub)', stroke: '#000', 'stroke-opacity': 0.55, 'stroke-width': 0.6 }),
    el('ellipse', { cx: 97, cy: 96.5, rx: 3.6, ry: 2.2, fill: '#fff', opacity: 0.22, transform: 'rotate(-30 97 96.5)' }),
  );
}

export const classic = {
  id: 'classic',
  name: 'Classic',
  defs,

  /** Fills a gauge element with its dial; returns the parts the panel drives. */
  gauge(figure, spec) {
    const face = el('g', { 'clip-path': 'url(#cl-face-clip)' }, el('circle', { cx: C, cy: C, r: 88, fill: 'url(#cl-face)' }));
    const scaleSlot = el('g');
    const needleGroup = needle();
    const rotor = needleGroup.querySelector('.needle');
    const svg = el(
      'svg',
      { viewBox: '-12 -12 224 224', class: 'dial', 'aria-hidden': 'true', focusable: 'false' },
      el('circle', { cx: C + 1.5, cy: C + 3, r: 100, fill: '#000', opacity: 0.42, filter: 'url(#cl-soft)' }),
      [45, 135, 225, 315].map((a, i) => hexScrew(...polar(C, C, 108.5, a), i * 17 + 8)),
      el('circle', { cx: C, cy: C, r: 99, fill: 'url(#cl-ring)' }),
      el('circle', { cx: C, cy: C, r: 94, fill: 'url(#cl-ring-in)' }),
      el('circle', { cx: C, cy: C, r: 90, fill: '#141312' }),
      face,
      scaleSlot,
      el('rect', { x: LCD.x, y: LCD.y, width: LCD.w, height: LCD.h, rx: 2.2, fill: 'url(#cl-lcd)', stroke: '#9c9079', 'stroke-width': 0.8 }),
      el('text', { class: 'title', x: C, y: TITLE.y, 'text-anchor': 'middle', 'font-size': TITLE.size, 'font-weight': 700, fill: INK }, spec.title),
      el('text', { class: 'unit', x: C, y: UNIT.y, 'text-anchor': 'middle', 'font-size': UNIT.size, 'font-weight': 600, 'letter-spacing': 0.5, fill: '#6f6457' }, spec.unit),
      needleGroup,
      el('circle', { cx: C, cy: C, r: 88, fill: 'url(#cl-vignette)', 'pointer-events': 'none' }),
      el('ellipse', { cx: 74, cy: 50, rx: 74, ry: 36, transform: 'rotate(-28 74 50)', fill: 'url(#cl-glare)', opacity: 0.35, 'clip-path': 'url(#cl-face-clip)' }),
      spec.odometer &&
        el(
          'g',
          { class: 'odo-window' },
          el('rect', { x: ODO.x - 1.6, y: ODO.y - 1.6, width: ODO.w + 3.2, height: ODO.h + 3.2, rx: 4, fill: '#2b2d30', stroke: '#0008', 'stroke-width': 0.6 }),
          el('rect', { x: ODO.x, y: ODO.y, width: ODO.w, height: ODO.h, rx: 2.6, fill: 'url(#cl-odo)', stroke: '#9c9079', 'stroke-width': 0.7 }),
        ),
    );
    const readout = document.createElement('output');
    readout.className = 'readout';
    readout.dataset.value = spec.id;
    readout.textContent = '--';
    const odometer = spec.odometer ? odometerOutput(spec.odometer.id) : null;
    figure.replaceChildren(svg, readout, ...(odometer ? [odometer] : []));
    figure.style.fontFamily = FONT;
    svg.setAttribute('font-family', FONT);
    let key = null;
    return {
      readout,
      update(payload) {
        const k = spec.scaleKey(payload);
        if (k === key) return;
        key = k;
        scaleSlot.replaceChildren(scale(spec, payload));
      },
      setValue(text) {
        readout.textContent = text;
      },
      setOdometer(o) {
        showOdometer(odometer, o);
      },
      setSteps(steps) {
        rotor.setAttribute('transform', `rotate(${stepsToDeg(steps).toFixed(2)} ${C} ${C})`);
      },
    };
  },
};
