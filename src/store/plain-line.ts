// Whether a line is plain (plain-json.ts plainLine: JSON, and none of ccusage's rules can drop
// it), asked of the bulk scan's WebAssembly module. The history's first build then reads a usage
// line without walking its text again in strict-json.ts, and cuts a user line's tool output before
// parsing it (build-lines.ts). Without the module no line is plain, and every one is read as before.
import { wasmModule } from '../sources/transcripts/usage-lines.js';

interface PlainExports {
  memory: WebAssembly.Memory;
  plainWhole(input: number, from: number, to: number): number;
}

const PAGE = 65536;
// The module keeps its patterns and scratch in its first page; a line is copied in after it.
const BASE = PAGE;
// Room past a line's end: the module reads sixteen bytes at a time.
const SLACK = 64;

let exports: PlainExports | null | undefined;

/** Whether the line's bytes (known to be UTF-8, without their newline) are plain. */
export function plainLine(line: Uint8Array): boolean {
  if (exports === undefined) {
    const module = wasmModule();
    exports = module ? (new WebAssembly.Instance(module).exports as unknown as PlainExports) : null;
    if (exports && typeof exports.plainWhole !== 'function') exports = null; // an older module
  }
  if (!exports) return false;
  const need = BASE + line.length + SLACK;
  const { memory } = exports;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
  new Uint8Array(memory.buffer, BASE, line.length).set(line);
  return exports.plainWhole(BASE, 0, line.length) !== 0; // from and to: offsets from the input
}
