// Writes the printable dial faces: one file per face and one sheet with all four, as SVG and/or PDF.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { faceDrawing, gaugeScales, PAPER, sheetDrawing, type PaperId } from './geometry.js';
import { toPdf } from './pdf.js';
import { toSvg } from './svg.js';

export type FaceFormat = 'svg' | 'pdf';
export const FORMATS: readonly FaceFormat[] = ['svg', 'pdf'];

export interface FacesOptions {
  outDir: string;
  formats: FaceFormat[];
  paper: PaperId;
  /** Tach redline in tokens/min: the resolved CLAUDE_GAUGE_TACH_REDLINE. */
  redline: number;
}

/** Parses "svg,pdf"-style lists; throws with the word that is not a format. */
export function parseFormats(text: string): FaceFormat[] {
  const words = text.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  if (words.length === 0) throw new Error('no format given (use svg, pdf or svg,pdf)');
  for (const w of words) if (!FORMATS.includes(w as FaceFormat)) throw new Error(`unknown format "${w}" (use svg, pdf or svg,pdf)`);
  return [...new Set(words)] as FaceFormat[];
}

export function parsePaper(text: string): PaperId {
  const p = text.trim().toLowerCase();
  if (!(p in PAPER)) throw new Error(`unknown paper "${text}" (use a4 or letter)`);
  return p as PaperId;
}

/** Writes the files and returns their paths, in the order written. */
export async function writeFaces(o: FacesOptions): Promise<string[]> {
  const scales = gaugeScales(o.redline);
  const faces = scales.map(faceDrawing);
  const sheet = sheetDrawing(scales, o.paper, o.redline);
  const sheetName = `sheet-${o.paper}`;
  await fs.mkdir(o.outDir, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const file = path.join(o.outDir, name);
    await fs.writeFile(file, data);
    written.push(file);
  };
  if (o.formats.includes('svg')) {
    for (const [i, d] of faces.entries()) await write(`${scales[i].id}.svg`, toSvg(d));
    await write(`${sheetName}.svg`, toSvg(sheet));
  }
  if (o.formats.includes('pdf')) {
    await write('faces.pdf', await toPdf(faces, 'claude-gauge dial faces, one per page'));
    await write(`${sheetName}.pdf`, await toPdf([sheet], sheet.title));
  }
  return written;
}
