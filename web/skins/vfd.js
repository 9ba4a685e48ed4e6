// Retro VFD skin: a black glass panel of vacuum-fluorescent modules. Each gauge is a big
// seven-segment readout over a segmented bar graph; the bar is driven by the same needle
// microsteps as the dials (so it moves like the motors), the digits by the payload.
import { el } from '../svg.js';
import { CONSTANTS } from '../model.js';
import { odometerOutput, showOdometer } from './odometer.js';
import { segmentDisplay } from './segments.js';

const W = 240;
const H = 150;
const BAR = { x: 16, y: 100, w: 208, h: 22, n: 25 };
/** A small dot-matrix sub-display left of the digits, for the odometer (range, context). */
const SUB = { x: 14, y: 33, w: 60, h: 52 };
const FONT = "'Eurostile', 'Bahnschrift', 'DIN Alternate', 'Roboto Condensed', 'Arial Narrow', 'Liberation Sans Narrow', 'DejaVu Sans Condensed', system-ui, sans-serif";

/** Per gauge: digit cells, fixed unit legends, and status legends lit from the payload. */
const LAYOUT = {
  fuel: {
    cells: 3,
    units: [{ text: '%', size: 26, y: 82 }],
    flags: [
      { text: 'OFFICIAL', on: (p) => p?.window_5h_source === 'statusline' },
      { text: 'EST', on: (p) => p?.window_5h_source === 'estimate' },
    ],
  },
  tach: {
    cells: 4,
    units: [
      { text: 'k', size: 18, y: 52, on: (v) => v.endsWith('k') },
      { text: 'M', size: 18, y: 73, on: (v) => v.endsWith('M') || v.endsWith('G') },
      { text: 'TOK/MIN', size: 7.5, y: 86 },
    ],
    ramp: true,
    flags: [{ text: 'REDLINE', on: (p) => !!p?.hot }],
  },
  temp: {
    cells: 3,
    units: [{ text: 'RATIO', size: 9, y: 84 }],
    flags: [
      { text: 'REPORTED', on: (p) => p?.thinking_source === 'reported' || p?.thinking_source === 'mixed' },
      { text: 'EST', on: (p) => p?.thinking_source === 'estimated' || p?.thinking_source === 'mixed' },
    ],
  },
  boost: { cells: 3, units: [{ text: '%', size: 26, y: 82 }], flags: [] },
};

function defs() {
  return el(
    'defs',
    {},
    // Phosphor bloom: a wide faint halo and a tight bright one under the sharp segment.
    el(
      'filter',
      { id: 'vfd-glow', x: -0.1, y: -0.2, width: 1.2, height: 1.4 },
      el('feGaussianBlur', { in: 'SourceGraphic', stdDeviation: 3.2, result: 'wide' }),
      el('feGaussianBlur', { in: 'SourceGraphic', stdDeviation: 0.9, result: 'tight' }),
      el('feMerge', {}, el('feMergeNode', { in: 'wide' }), el('feMergeNode', { in: 'tight' }), el('feMergeNode', { in: 'SourceGraphic' })),
    ),
    // The fine control-grid mesh every VFD shows in front of its segments.
    el(
      'pattern',
      { id: 'vfd-mesh', width: 2.4, height: 2.4, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      el('path', { d: 'M0 0H2.4M0 0V2.4', stroke: '#000', 'stroke-width': 0.45, 'stroke-opacity': 0.55, fill: 'none' }),
    ),
    el(
      'linearGradient',
      { id: 'vfd-glass', x1: 0, y1: 0, x2: 0.3, y2: 1 },
      el('stop', { offset: 0, 'stop-color': '#9fe', 'stop-opacity': 0.07 }),
      el('stop', { offset: 0.45, 'stop-color': '#9fe', 'stop-opacity': 0.015 }),
      el('stop', { offset: 0.46, 'stop-color': '#000', 'stop-opacity': 0 }),
    ),
  );
}

/** The bar graph: parallelogram segments; the tach's rise in height like an 80s dash. */
function bar(spec, ramp) {
  const zones = spec.zones(null);
  const pitch = BAR.w / BAR.n;
  const segs = [];
  const group = el('g', { class: 'bar' });
  for (let i = 0; i < BAR.n; i++) {
    const mid = (i + 0.5) / BAR.n;
    const zone = zones.find((z) => mid >= z.from && mid <= z.to);
    const h = ramp ? 8 + (BAR.h - 8) * (i / (BAR.n - 1)) : BAR.h;
    const x = BAR.x + i * pitch;
    const y = BAR.y + BAR.h - h;
    const sw = pitch * 0.72;
    const lean = 2.2;
    const node = el('polygon', {
      class: `seg${zone ? ` ${zone.kind}` : ''}`,
      points: `${(x + lean).toFixed(2)},${y.toFixed(2)} ${(x + lean + sw).toFixed(2)},${y.toFixed(2)} ${(x + sw).toFixed(2)},${BAR.y + BAR.h} ${x.toFixed(2)},${BAR.y + BAR.h}`,
    });
    segs.push(node);
    group.append(node);
  }
  return { group, segs };
}

/** Scale legends under the bar, from the same ticks as the dials. */
function scale(spec, payload) {
  const g = el('g', { class: 'legend scale' });
  const { major } = spec.ticks(payload);
  major.forEach((t, i) => {
    const x = BAR.x + t.f * BAR.w;
    let label = t.label;
    if (spec.ends && i === 0) label = spec.ends[0];
    if (spec.ends && i === major.length - 1) label = spec.ends[1];
    const anchor = i === 0 ? 'start' : i === major.length - 1 ? 'end' : 'middle';
    g.append(el('line', { x1: x.toFixed(1), x2: x.toFixed(1), y1: BAR.y + BAR.h + 3, y2: BAR.y + BAR.h + 6.5, stroke: 'currentColor', 'stroke-width': 0.9 }));
    g.append(el('text', { x: x.toFixed(1), y: BAR.y + BAR.h + 15.5, 'text-anchor': anchor, 'font-size': 8 }, label));
  });
  return g;
}

export const vfd = {
  id: 'vfd',
  name: 'VFD',
  defs,

  gauge(figure, spec) {
    const lay = LAYOUT[spec.id];
    const cw = 26;
    const pitch = 38;
    const digitsX = 184 - (lay.cells - 1) * pitch - cw;
    const digits = segmentDisplay({ x: digitsX, y: 34, count: lay.cells, w: cw, h: 50, t: 5.6, pitch });
    const units = lay.units.map((u) => ({ ...u, node: el('text', { class: `legend${u.on ? '' : ' on'}`, x: 196, y: u.y, 'font-size': u.size, 'font-weight': 700 }, u.text) }));
    let fx = W - 16;
    const flags = [...lay.flags].reverse().map((f) => {
      const node = el('text', { class: 'legend', x: fx, y: 22, 'text-anchor': 'end', 'font-size': 7.5, 'letter-spacing': 1 }, f.text);
      fx -= f.text.length * 6.2 + 8;
      return { ...f, node };
    });
    const bars = bar(spec, lay.ramp);
    const scaleSlot = el('g');
    const svg = el(
      'svg',
      { viewBox: `0 0 ${W} ${H}`, class: 'vfd-module', 'aria-hidden': 'true', focusable: 'false', 'font-family': FONT },
      el('rect', { x: 1, y: 1, width: W - 2, height: H - 2, rx: 7, class: 'vfd-window' }),
      spec.odometer && el('rect', { x: SUB.x, y: SUB.y, width: SUB.w, height: SUB.h, rx: 3, class: 'vfd-sub' }),
      el(
        'g',
        { filter: 'url(#vfd-glow)' },
        el('text', { class: 'legend on title', x: 16, y: 22, 'font-size': 12, 'font-weight': 700, 'letter-spacing': 2.4 }, spec.title),
        flags.map((f) => f.node),
        digits.group,
        units.map((u) => u.node),
        bars.group,
        scaleSlot,
      ),
      el('rect', { x: 1, y: 1, width: W - 2, height: H - 2, rx: 7, fill: 'url(#vfd-mesh)', 'pointer-events': 'none' }),
      el('rect', { x: 1, y: 1, width: W - 2, height: H - 2, rx: 7, fill: 'url(#vfd-glass)', 'pointer-events': 'none' }),
    );
    // The digits are drawn in SVG; the text layer over them carries the same characters for
    // selection, tests and assistive tools.
    const readout = document.createElement('output');
    readout.className = 'readout';
    readout.dataset.value = spec.id;
    readout.textContent = '--';
    readout.style.left = `${(digitsX / W) * 100}%`;
    readout.style.width = `${(((lay.cells - 1) * pitch + cw + 8) / W) * 100}%`;
    const odometer = spec.odometer ? odometerOutput(spec.odometer.id) : null;
    if (odometer) {
      Object.assign(odometer.style, {
        left: `${(SUB.x / W) * 100}%`,
        top: `${(SUB.y / H) * 100}%`,
        width: `${(SUB.w / W) * 100}%`,
        height: `${(SUB.h / H) * 100}%`,
      });
    }
    figure.replaceChildren(svg, readout, ...(odometer ? [odometer] : []));
    digits.set('--');
    let key = null;
    let lit = -1;
    return {
      readout,
      update(payload) {
        const k = spec.scaleKey(payload);
        if (k !== key) {
          key = k;
          scaleSlot.replaceChildren(scale(spec, payload));
        }
        for (const f of flags) f.node.classList.toggle('on', !!f.on(payload));
      },
      setValue(text) {
        readout.textContent = text;
        // Units are legends of their own; the digits show only the number.
        digits.set(text.replace(/[^0-9.\- ]/g, '').slice(0, 8));
        for (const u of units) if (u.on) u.node.classList.toggle('on', u.on(text));
      },
      setOdometer(o) {
        showOdometer(odometer, o);
      },
      setSteps(steps) {
        const n = Math.round((steps / CONSTANTS.maxSteps) * BAR.n);
        if (n === lit) return;
        lit = n;
        bars.segs.forEach((s, i) => s.classList.toggle('on', i < n));
      },
    };
  },
};
