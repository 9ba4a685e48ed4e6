import path from 'node:path';
import { defineCommand } from 'citty';
import { DIAL } from '../../faces/geometry.js';
import { parseFormats, parsePaper, writeFaces } from '../../faces/index.js';
import { configFrom } from '../args.js';
import { fail } from '../fail.js';

export default defineCommand({
  meta: { name: 'faces', description: 'Printable true-scale dial faces for the four gauges (SVG and PDF), and a sheet with all four' },
  args: {
    out: { type: 'string', description: 'folder to write into (default ./faces)' },
    format: { type: 'string', description: 'svg, pdf or svg,pdf (default both)' },
    paper: { type: 'string', description: 'sheet size: a4 (default) or letter' },
    redline: { type: 'string', description: 'tach redline in tokens/min (env CLAUDE_GAUGE_TACH_REDLINE; default: your configuration)' },
  },
  async run({ args }) {
    const config = configFrom({ redline: args.redline });
    let formats;
    let paper;
    try {
      formats = parseFormats(args.format ?? 'svg,pdf');
      paper = parsePaper(args.paper ?? 'a4');
    } catch (err) {
      fail((err as Error).message, 2);
    }
    const outDir = path.resolve(args.out ?? 'faces');
    let files: string[] = [];
    try {
      files = await writeFaces({ outDir, formats, paper, redline: config.redline });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      fail(`cannot write the faces to ${outDir}: ${e.code ? `${e.code} (${e.path ?? outDir})` : e.message}`, 1);
    }
    process.stdout.write(`${DIAL.cutDiameter} mm faces for the X27.168, tach redline ${config.redline.toLocaleString('en-US')} tokens/min:\n`);
    for (const f of files) process.stdout.write(`  ${f}\n`);
    process.stdout.write('Print at 100 % (actual size) and check the 50 mm bar on the sheet.\n');
  },
});
