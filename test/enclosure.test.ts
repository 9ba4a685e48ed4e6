// The enclosure as CI builds it: enclosure/render.sh runs Debian's OpenSCAD, and the STL files
// and the PNG preview it writes are read back here (closed meshes, true sizes, a real picture).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { before, test } from 'node:test';
import { DIAL } from '../src/faces/geometry.js';
import { ROOT, tempDir } from './helpers/cli.js';

const SCAD = path.join(ROOT, 'enclosure', 'cluster.scad');
const RENDER = path.join(ROOT, 'enclosure', 'render.sh');
const hasTools = existsSync('/usr/bin/openscad') && (Boolean(process.env.DISPLAY) || existsSync('/usr/bin/xvfb-run'));
const skip = hasTools || process.env.CI ? false : 'no openscad or xvfb-run (apt-get install openscad xvfb xauth); skipped outside CI';
const PARTS = ['bezel', 'dial_plate', 'back', 'bracket'];

/** The numeric parameters at the top of the .scad file: `name = 12.5;`. */
function scadParams(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of readFileSync(SCAD, 'utf8').matchAll(/^([a-z_]+)\s*=\s*(-?[\d.]+)\s*;/gm)) out[m[1]] = Number(m[2]);
  return out;
}

interface Mesh {
  facets: number;
  min: number[];
  max: number[];
  /** Edges not shared by exactly two triangles: 0 for a closed, manifold mesh. */
  openEdges: number;
}

/** Reads an ASCII STL (what OpenSCAD writes). */
function readStl(text: string): Mesh {
  assert.match(text, /^solid /, 'ASCII STL');
  const v = [...text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
  assert.equal(v.length % 3, 0);
  assert.equal(text.match(/endfacet/g)?.length, v.length / 3, 'every facet has three vertices');
  const min = [0, 1, 2].map((i) => Math.min(...v.map((p) => p[i])));
  const max = [0, 1, 2].map((i) => Math.max(...v.map((p) => p[i])));
  const edges = new Map<string, number>();
  for (let i = 0; i < v.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const [a, b] = [v[i + k].join(','), v[i + ((k + 1) % 3)].join(',')];
      const e = a < b ? `${a}|${b}` : `${b}|${a}`;
      edges.set(e, (edges.get(e) ?? 0) + 1);
    }
  }
  return { facets: v.length / 3, min, max, openEdges: [...edges.values()].filter((n) => n !== 2).length };
}

/** Decodes an 8-bit RGB or RGBA PNG's pixels (no interlace), as OpenSCAD writes them. */
function readPng(buf: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
  let off = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  assert.ok(ihdr, 'IHDR');
  const [width, height, depth, colour, , , interlace] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  assert.equal(depth, 8);
  assert.equal(interlace, 0);
  const channels = colour === 6 ? 4 : colour === 2 ? 3 : assert.fail(`colour type ${colour}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (cur + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

let out: string;
let renderMs = 0;

before(async () => {
  if (skip) return;
  out = await tempDir('enclosure');
  const started = Date.now();
  const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve, reject) => {
    const child = spawn('bash', [RENDER, out], { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, log }));
  });
  renderMs = Date.now() - started;
  assert.equal(code, 0, `render.sh failed:\n${log}`);
});

test('the enclosure\'s parameters agree with the printed faces and the cluster', { skip }, () => {
  const p = scadParams();
  assert.equal(p.dial_d, DIAL.cutDiameter, 'the bezel recess takes the faces `claude-gauge faces` prints');
  assert.equal(p.aperture_d, DIAL.apertureDiameter);
  assert.ok(DIAL.arcRadius * 2 < p.aperture_d, 'the whole scale shows through the aperture');
  assert.equal(p.gauge_count, 4);
  // Four gauges with their rings and screw heads fit the width, with a wall to spare.
  const span = (p.gauge_count - 1) * p.gauge_pitch + p.ring_od;
  assert.ok(span + 2 * p.wall_t < p.plate_w, `gauges span ${span} mm of ${p.plate_w}`);
  assert.ok(p.screw_r - p.hex_af / 2 / Math.cos(Math.PI / 6) > p.ring_od / 2, 'screw heads clear the rings');
  const gap = p.gauge_pitch - 2 * p.screw_r * Math.cos(Math.PI / 4);
  assert.ok(gap > p.hex_af / Math.cos(Math.PI / 6) + 1, `neighbouring screw heads ${gap.toFixed(1)} mm apart`);
  // The five lamps, in the order the web cluster and the firmware show them.
  const lamps = /^lamps\s*=\s*\[([^\]]*)\]/m.exec(readFileSync(SCAD, 'utf8'))![1].match(/"([^"]+)"/g)!.map((s) => s.slice(1, -1));
  assert.deepEqual(lamps, ['MODEL', 'HOT', 'WARN', 'STALL', 'IDLE']);
});

test('render.sh writes a closed, manifold STL for every part, the bezel about 200 x 95 mm', { skip }, async () => {
  const p = scadParams();
  const meshes: Record<string, Mesh> = {};
  for (const part of PARTS) {
    const file = path.join(out, `${part}.stl`);
    const stat = await fs.stat(file);
    assert.ok(stat.size > 1000, `${part}.stl: ${stat.size} bytes`);
    meshes[part] = readStl(await fs.readFile(file, 'utf8'));
    assert.ok(meshes[part].facets >= 12, `${part}: ${meshes[part].facets} facets`);
    assert.equal(meshes[part].openEdges, 0, `${part}: edges not shared by exactly two facets`);
  }
  const size = (m: Mesh) => m.max.map((v, i) => v - m.min[i]);
  const [w, h, d] = size(meshes.bezel);
  assert.ok(Math.abs(w - 200) < 0.01 && Math.abs(h - 95) < 0.01, `bezel ${w} x ${h} mm`);
  assert.ok(Math.abs(d - (p.depth + p.plate_t + p.ring_h)) < 0.01, `bezel depth ${d}`);
  assert.ok(meshes.bezel.facets > 2000, 'rings, pockets and lettering are there');
  // The dial plate fits inside the walls; the back cover closes the whole outline.
  const [dw, dh, dt] = size(meshes.dial_plate);
  assert.ok(dw < 200 - 2 * p.wall_t && dh < 95 - 2 * p.wall_t && Math.abs(dt - p.dial_plate_t) < 0.01, `dial plate ${dw} x ${dh} x ${dt}`);
  const [bw, bh, bt] = size(meshes.back);
  assert.ok(Math.abs(bw - 200) < 0.01 && Math.abs(bh - 95) < 0.01 && Math.abs(bt - p.back_t) < 0.01, `back ${bw} x ${bh} x ${bt}`);
  // The bracket's U spans the monitor's edge plus two walls.
  assert.ok(Math.abs(size(meshes.bracket)[2] - p.bracket_w) < 0.01);
});

test('render.sh writes a real PNG preview: the right size, and a picture rather than a blank', { skip }, async () => {
  const png = readPng(await fs.readFile(path.join(out, 'preview.png')));
  assert.equal(png.width, 1600);
  assert.equal(png.height, 1000);
  const colours = new Set<number>();
  let background = 0;
  const { pixels, channels } = png;
  const bg = [pixels[0], pixels[1], pixels[2]];
  for (let i = 0; i < pixels.length; i += channels) {
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    if (Math.abs(pixels[i] - bg[0]) + Math.abs(pixels[i + 1] - bg[1]) + Math.abs(pixels[i + 2] - bg[2]) < 6) background++;
  }
  const share = 1 - background / (png.width * png.height);
  assert.ok(colours.size > 200, `${colours.size} colours`);
  assert.ok(share > 0.1 && share < 0.95, `the model covers ${(share * 100).toFixed(0)} % of the picture`);
  // The cream faces are in the picture.
  let cream = 0;
  for (let i = 0; i < pixels.length; i += channels) if (pixels[i] > 215 && pixels[i + 1] > 200 && pixels[i + 2] > 160 && pixels[i] - pixels[i + 2] > 18) cream++;
  assert.ok(cream > 10_000, `${cream} cream pixels`);
  process.stdout.write(`# enclosure rendered in ${(renderMs / 1000).toFixed(1)} s\n`);
});
