// Seven-segment digits for the VFD skin. Every segment is always drawn: unlit ones stay as the
// faint "ghost" a real vacuum-fluorescent tube shows, lit ones get the `on` class.
import { el } from '../svg.js';

const DIGITS = {
  0: 'abcdef',
  1: 'bc',
  2: 'abged',
  3: 'abgcd',
  4: 'fgbc',
  5: 'afgcd',
  6: 'afgedc',
  7: 'abc',
  8: 'abcdefg',
  9: 'abcdfg',
  '-': 'g',
  ' ': '',
};

/** A hexagonal segment along a line from (x0, y0) to (x1, y1), thickness t. */
function segment(x0, y0, x1, y1, t) {
  const h = t / 2;
  const pts =
    y0 === y1
      ? [[x0, y0], [x0 + h, y0 - h], [x1 - h, y0 - h], [x1, y0], [x1 - h, y0 + h], [x0 + h, y0 + h]]
      : [[x0, y0], [x0 + h, y0 + h], [x0 + h, y1 - h], [x0, y1], [x0 - h, y1 - h], [x0 - h, y0 + h]];
  return pts.map((p) => p.map((v) => v.toFixed(2)).join(',')).join(' ');
}

/** One digit cell at (x, y), w x h, thickness t: segments a-g plus a decimal point. */
function cell(x, y, w, h, t) {
  const g = t * 0.18; // the hairline gap between segments
  const [l, r, top, mid, bot] = [x + t / 2, x + w - t / 2, y + t / 2, y + h / 2, y + h - t / 2];
  const shapes = {
    a: segment(l + g, top, r - g, top, t),
    b: segment(r, top + g, r, mid - g, t),
    c: segment(r, mid + g, r, bot - g, t),
    d: segment(l + g, bot, r - g, bot, t),
    e: segment(l, mid + g, l, bot - g, t),
    f: segment(l, top + g, l, mid - g, t),
    g: segment(l + g, mid, r - g, mid, t),
  };
  const group = el('g', { class: 'cell' });
  const segs = {};
  for (const [name, points] of Object.entries(shapes)) {
    segs[name] = el('polygon', { class: 'seg', points });
    group.append(segs[name]);
  }
  segs.dp = el('circle', { class: 'seg', cx: (x + w + t * 0.95).toFixed(2), cy: (bot).toFixed(2), r: (t * 0.62).toFixed(2) });
  group.append(segs.dp);
  return { group, segs };
}

/**
 * A row of `count` digits, right-aligned, slanted like a real display.
 * Returns the group and set(text): digits, '-', ' ' and '.' (lights the previous digit's point).
 */
export function segmentDisplay({ x, y, count, w, h, t, pitch = w + t * 2.2, slant = -7 }) {
  const cells = Array.from({ length: count }, (_, i) => cell(x + i * pitch, y, w, h, t));
  // Slant about the baseline, so the digits lean without drifting sideways.
  const shift = (-Math.tan((slant * Math.PI) / 180) * (y + h)).toFixed(2);
  const group = el('g', { class: 'segments', transform: `translate(${shift} 0) skewX(${slant})` }, cells.map((c) => c.group));
  let shown = null;
  return {
    group,
    set(text) {
      if (text === shown) return;
      shown = text;
      // Pair each character with an optional decimal point that follows it.
      const glyphs = [];
      for (const ch of String(text)) {
        if (ch === '.' && glyphs.length && !glyphs[glyphs.length - 1].dp) glyphs[glyphs.length - 1].dp = true;
        else glyphs.push({ ch: ch in DIGITS ? ch : ' ', dp: false });
      }
      const start = count - glyphs.length;
      cells.forEach((c, i) => {
        const gl = glyphs[i - start] ?? { ch: ' ', dp: false };
        const lit = DIGITS[gl.ch];
        for (const [name, node] of Object.entries(c.segs)) {
          node.classList.toggle('on', name === 'dp' ? gl.dp : lit.includes(name));
        }
      });
    },
  };
}
