// A drawing as a standalone SVG document in true millimetres (width="..mm", user unit = 1 mm).
import type { Drawing, Shape } from './geometry.js';

/** Helvetica first: the PDF uses its metrics, and Liberation Sans and Arial share them. */
export const FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif";

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
}

function paint(s: { fill?: string; stroke?: string; width?: number }) {
  return { fill: s.fill ?? 'none', stroke: s.stroke, 'stroke-width': s.stroke ? s.width : undefined };
}

function shape(s: Shape): string {
  switch (s.kind) {
    case 'circle':
      return `<circle${attrs({ class: s.role, cx: s.cx, cy: s.cy, r: s.r, ...paint(s) })}/>`;
    case 'line':
      return `<line${attrs({ class: s.role, x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2, stroke: s.stroke, 'stroke-width': s.width })}/>`;
    case 'path':
      return `<path${attrs({ class: s.role, d: s.d, ...paint(s) })}/>`;
    case 'rect':
      return `<rect${attrs({ class: s.role, x: s.x, y: s.y, width: s.w, height: s.h, ...paint(s) })}/>`;
    case 'text':
      return `<text${attrs({ class: s.role, x: s.x, y: s.y, 'font-size': s.size, 'font-weight': s.bold ? 'bold' : undefined, fill: s.fill, 'text-anchor': s.anchor })}>${esc(s.text)}</text>`;
  }
}

export function toSvg(d: Drawing): string {
  const head = attrs({
    xmlns: 'http://www.w3.org/2000/svg',
    width: `${d.widthMm}mm`,
    height: `${d.heightMm}mm`,
    viewBox: `0 0 ${d.widthMm} ${d.heightMm}`,
    'font-family': FONT_FAMILY,
    'stroke-linecap': 'butt',
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg${head}>\n<title>${esc(d.title)}</title>\n${d.shapes.map(shape).join('\n')}\n</svg>\n`;
}
