// Drawings as a PDF, one page each, page size in points from the drawing's millimetres.
// The page is scaled so one user unit is 1 mm: the same coordinates as the SVG.
import PDFDocument from 'pdfkit';
import type { Drawing, Shape } from './geometry.js';

export const PT_PER_MM = 72 / 25.4;

function draw(doc: PDFKit.PDFDocument, s: Shape): void {
  const finish = (p: { fill?: string; stroke?: string; width?: number }) => {
    if (p.stroke) doc.lineWidth(p.width ?? 0.1);
    if (p.fill && p.stroke) doc.fillAndStroke(p.fill, p.stroke);
    else if (p.fill) doc.fill(p.fill);
    else if (p.stroke) doc.stroke(p.stroke);
  };
  switch (s.kind) {
    case 'circle':
      doc.circle(s.cx, s.cy, s.r);
      return finish(s);
    case 'line':
      doc.moveTo(s.x1, s.y1).lineTo(s.x2, s.y2);
      return finish({ stroke: s.stroke, width: s.width });
    case 'path':
      doc.path(s.d);
      return finish(s);
    case 'rect':
      doc.rect(s.x, s.y, s.w, s.h);
      return finish(s);
    case 'text': {
      doc.font(s.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(s.size).fillColor(s.fill);
      const w = doc.widthOfString(s.text);
      const x = s.anchor === 'middle' ? s.x - w / 2 : s.anchor === 'end' ? s.x - w : s.x;
      doc.text(s.text, x, s.y, { lineBreak: false, baseline: 'alphabetic' });
      return;
    }
  }
}

/** Renders the drawings, one page each, to a PDF in memory. */
export function toPdf(drawings: Drawing[], title: string): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false, margin: 0, info: { Title: title, Creator: 'claude-gauge faces' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const d of drawings) {
    doc.addPage({ size: [d.widthMm * PT_PER_MM, d.heightMm * PT_PER_MM], margin: 0 });
    doc.save();
    doc.scale(PT_PER_MM);
    doc.lineCap('butt');
    for (const s of d.shapes) draw(doc, s);
    doc.restore();
  }
  doc.end();
  return done;
}
