// The lines of a chunk of transcript that carry a usage object, the only ones a bulk scan decodes.
// Found by the WebAssembly module compiled from usage-lines.as.ts, which needs the bytes in its
// own memory: a finder therefore also hands out the buffer to read into. Where the module cannot
// load (no dist/wasm after a bare tsc, an engine without WebAssembly SIMD), Buffer.indexOf finds
// the same lines, about three times slower; the tests hold the two to the same answers.
import { readFileSync } from 'node:fs';
import { packageFile } from '../../util/package-files.js';

const NEWLINE = 0x0a;
// Quotes inside JSON strings are escaped, so this byte run only occurs as structure.
export const USAGE_MARK = Buffer.from('"usage":{');

export interface LineFinder {
  /**
   * The buffer to read into, at least `bytes` long. Growing keeps what it held; a buffer handed
   * out earlier must not be used after a call that grows it.
   */
  area(bytes: number): Buffer;
  /** [start, end) of each line in area[0, lastNl] holding the mark, as pairs; end is at its newline. Valid until the next call. */
  find(lastNl: number): Uint32Array;
}

/** The fast finder where the module loads, else the plain one. */
export function lineFinder(): LineFinder {
  const module = wasmModule();
  return module ? new WasmFinder(module) : new PlainFinder();
}

/** The same lines as the module finds, by Buffer.indexOf: the reference, and the fallback. */
export function findMarked(chunk: Buffer, lastNl: number): Uint32Array {
  const out: number[] = [];
  let from = 0;
  for (let hit = chunk.indexOf(USAGE_MARK, from); hit !== -1 && hit < lastNl; hit = chunk.indexOf(USAGE_MARK, from)) {
    const lineStart = hit === 0 ? 0 : chunk.lastIndexOf(NEWLINE, hit) + 1;
    const lineEnd = chunk.indexOf(NEWLINE, hit);
    out.push(lineStart, lineEnd);
    from = lineEnd + 1;
  }
  return Uint32Array.from(out);
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
    return findMarked(this.buf, lastNl);
  }
}

const PAGE = 65536;
// The module keeps no data of its own in memory; the first page is left to it all the same.
const BASE = PAGE;

interface UsageLinesExports {
  memory: WebAssembly.Memory;
  find(input: number, len: number, out: number): number;
}

/** Its memory: a page, then the reading area, then as much again for the pairs (at most one per ten bytes). */
export class WasmFinder implements LineFinder {
  private exports: UsageLinesExports;
  private cap = 0;
  private view = Buffer.alloc(0);

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module).exports as unknown as UsageLinesExports;
  }

  area(bytes: number): Buffer {
    if (bytes > this.cap) {
      bytes = Math.ceil(bytes / 8) * 8; // the pairs behind it are read as 32-bit words
      const { memory } = this.exports;
      const need = BASE + 2 * bytes;
      if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      // The pairs move behind the larger area; the area itself stays in place, contents and all.
      this.cap = bytes;
      this.view = Buffer.from(memory.buffer, BASE, bytes);
    }
    return this.view;
  }

  find(lastNl: number): Uint32Array {
    if (lastNl < 0) return new Uint32Array(0);
    const pairs = this.exports.find(BASE, lastNl + 1, BASE + this.cap);
    return new Uint32Array(this.exports.memory.buffer, BASE + this.cap, 2 * pairs);
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
