// The lines of a chunk of transcript that carry a usage object, the only ones a bulk scan decodes,
// each compacted in place when it is plain JSON (plain-json.ts), else with where to cut its
// content out (see findMarked). Found by the WebAssembly module compiled from usage-lines.as.ts,
// which needs the bytes in its own memory: a finder therefore also hands out the buffer to read
// into (and rewrites lines in it). Where the module cannot load (no dist/wasm after a bare tsc,
// an engine without WebAssembly SIMD), Buffer.indexOf and plain-json.ts find the same, several
// times slower; the tests hold the two to the same answers, byte for byte.
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { packageFile } from '../../util/package-files.js';
import { NOT_UTF8 } from './lines.js';
import { TRUSTED } from './parse.js';
import { compactLine, plainLine, plainValue } from './plain-json.js';

const NEWLINE = 0x0a;
// Quotes inside JSON strings are escaped, so this byte run only occurs as structure.
export const USAGE_MARK = Buffer.from('"usage":{');

export interface LineFinder {
  /**
   * The buffer to read into, at least `bytes` long. Growing keeps what it held; a buffer handed
   * out earlier must not be used after a call that grows it.
   */
  area(bytes: number): Buffer;
  /**
   * The lines of area[0, lastNl] holding the mark (see findCompacted), plain ones compacted in
   * the area. Valid until the next call.
   */
  find(lastNl: number): Uint32Array;
}

/** The fast finder where the module loads, else the plain one. */
export function lineFinder(): LineFinder {
  const module = wasmModule();
  return module ? new WasmFinder(module) : new PlainFinder();
}

const MESSAGE = Buffer.from('"message":{');
const CONTENT = Buffer.from('"content":[');
const STOP_REASON = Buffer.from(',"stop_reason":');

/**
 * Each line of chunk[0, lastNl] that holds the mark, as four numbers: its start, its end (at its
 * newline), and where its content can be cut out: the head ends at `cutFrom` and the tail starts
 * at `cutTo` (0 and 0: decode it whole). Claude Code writes a message's `content` just before its
 * `stop_reason`; the cut replaces the content array with `[]`, so the text and tool input that
 * make up most of a line never become a string, and everything else still goes through
 * JSON.parse (a torn or glued line still fails). A second `"message":{` inside the cut (two
 * records glued by a crashed write, or a message-shaped tool input) means no cut for that line,
 * and so does content that is not plain (plain-json.ts): what is cut out must not be able to
 * change the verdict on the line. The fourth number also carries PLAIN_LINE when the whole line
 * is plain (plainLine), which spares the parser ccusage's strict checks (strict-json.ts); a
 * finder then compacts it (compactPlain). With compactPlain, this is the plain version: the
 * reference for the module, and the fallback.
 */
export function findMarked(chunk: Buffer, lastNl: number): Uint32Array {
  const out: number[] = [];
  let from = 0;
  for (let hit = chunk.indexOf(USAGE_MARK, from); hit !== -1 && hit < lastNl; hit = chunk.indexOf(USAGE_MARK, from)) {
    const start = hit === 0 ? 0 : chunk.lastIndexOf(NEWLINE, hit) + 1;
    const end = chunk.indexOf(NEWLINE, hit);
    let [cutFrom, cutTo] = cutOf(chunk, start, end);
    let bit = 0;
    if (end < PLAIN_LINE && plainLine(chunk, start, end, cutFrom, cutTo)) bit = PLAIN_LINE;
    else if (cutFrom !== 0 && !plainValue(chunk, cutFrom, cutTo)) cutFrom = cutTo = 0;
    out.push(start, end, cutFrom, (cutTo | bit) >>> 0);
    from = end + 1;
  }
  return Uint32Array.from(out);
}

/** In a line's fourth number (offsets stay below it: the module's memory holds 4 GiB, its area a third). */
export const PLAIN_LINE = 0x80000000;
/** A compacted line's third number (compactPlain): no cut starts there. */
export const COMPACTED = 1;

function cutOf(chunk: Buffer, start: number, end: number): [number, number] {
  const m = chunk.indexOf(MESSAGE, start);
  const c = m === -1 || m >= end ? -1 : chunk.indexOf(CONTENT, m);
  const s = c === -1 || c >= end ? -1 : chunk.lastIndexOf(STOP_REASON, end - STOP_REASON.length);
  if (s === -1 || s < c) return [0, 0];
  // Cutting across a second message would join the first one's head to the second one's usage.
  const again = chunk.indexOf(MESSAGE, c);
  if (again !== -1 && again < s) return [0, 0];
  return [c + CONTENT.length - 1, s];
}

/**
 * Line `i` of what a finder (or findMarked) returned, for parseLine(…, cut: true): a plain line
 * comes marked TRUSTED, compacted or with its content cut out; any other line with its content
 * cut out where it can be, after a check for UTF-8 of the whole line (a bad byte in the content
 * cut out drops the line all the same).
 */
export function decodeCut(chunk: Buffer, lines: Uint32Array, i: number): string {
  const start = lines[4 * i];
  const end = lines[4 * i + 1];
  const cutFrom = lines[4 * i + 2];
  const last = lines[4 * i + 3];
  const plain = (last & PLAIN_LINE) !== 0; // UTF-8 already
  const to = (last & ~PLAIN_LINE) >>> 0;
  if (plain && cutFrom === COMPACTED) return chunk.toString('utf8', start, to); // TRUSTED already
  if (!plain && !isUtf8(chunk.subarray(start, end))) return NOT_UTF8;
  const mark = plain ? TRUSTED : '';
  if (cutFrom === 0) return chunk.toString('utf8', start, end) + mark;
  return `${chunk.toString('utf8', start, cutFrom)}[]${chunk.toString('utf8', to, end)}${mark}`;
}

/**
 * Line `i` of what a finder returned, decoded whole (NOT_UTF8 when it is not UTF-8); a compacted
 * line is gone, and reads as compacted (the same for every reading without detail).
 */
export function decodeWhole(chunk: Buffer, lines: Uint32Array, i: number): string {
  const start = lines[4 * i];
  const end = lines[4 * i + 1];
  if (lines[4 * i + 2] === COMPACTED && lines[4 * i + 3] & PLAIN_LINE) return chunk.toString('utf8', start, (lines[4 * i + 3] & ~PLAIN_LINE) >>> 0);
  return isUtf8(chunk.subarray(start, end)) ? chunk.toString('utf8', start, end) : NOT_UTF8;
}

export class PlainFinder implements LineFinder {
  private buf = Buffer.alloc(0);

  area(bytes: number): Buffer {
    if (bytes > this.buf.length) {
      const bigger = Buffer.allocUnsafe(bytes);
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    return this.buf;
  }

  find(lastNl: number): Uint32Array {
    return findCompacted(this.buf, lastNl);
  }
}

/**
 * What a finder hands out for chunk[0, lastNl]: findMarked's lines, but each plain one (plainLine,
 * no cut needed) compacted in place (compactLine in plain-json.ts), its third number COMPACTED and
 * its fourth PLAIN_LINE and where it now ends.
 */
export function findCompacted(chunk: Buffer, lastNl: number): Uint32Array {
  const lines = findMarked(chunk, lastNl);
  for (let i = 0; i < lines.length; i += 4) {
    const end = compactLine(chunk, lines[i], lines[i + 1]);
    if (end === 0) {
      lines[i + 3] = (lines[i + 3] & ~PLAIN_LINE) >>> 0; // plain with its cut only, or not at all
      continue;
    }
    lines[i + 2] = COMPACTED;
    lines[i + 3] = (end | PLAIN_LINE) >>> 0;
  }
  return lines;
}

const PAGE = 65536;
// The module keeps its patterns and its walk's scratch (under 28 KB) in the first page, left to it.
const BASE = PAGE;

interface UsageLinesExports {
  memory: WebAssembly.Memory;
  find(input: number, len: number, out: number): number;
}

/** Its memory: a page, then the reading area, then twice as much for the lines (16 bytes each, one per ten bytes at most). */
export class WasmFinder implements LineFinder {
  private exports: UsageLinesExports;
  private cap = 0;
  private view = Buffer.alloc(0);

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module).exports as unknown as UsageLinesExports;
  }

  area(bytes: number): Buffer {
    if (bytes > this.cap) {
      bytes = Math.ceil(bytes / 8) * 8; // the lines behind it are read as 32-bit words
      const { memory } = this.exports;
      const need = BASE + 3 * bytes;
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      // The lines move behind the larger area; the area itself stays in place, contents and all.
      this.cap = bytes;
      this.view = Buffer.from(memory.buffer, BASE, bytes);
    }
    return this.view;
  }

  find(lastNl: number): Uint32Array {
    if (lastNl < 0) return new Uint32Array(0);
    const lines = this.exports.find(BASE, lastNl + 1, BASE + this.cap);
    return new Uint32Array(this.exports.memory.buffer, BASE + this.cap, 4 * lines);
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, once per thread; null when it is missing or the engine rejects it. */
export function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(packageFile('dist', 'wasm', 'usage-lines.wasm')));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}
