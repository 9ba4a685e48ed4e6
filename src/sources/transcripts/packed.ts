// Scan results cross from a worker thread in columns: a few typed arrays and string arrays.
// Cloning tens of thousands of small objects cost the main thread more than the scan's merge
// itself (about 70 ms per 28,000 responses, all of it on the thread that waits). Models and
// sessions repeat from response to response: each crosses once, and the responses refer to it,
// so the receiving thread allocates (and its garbage collector copies) one string, not thousands.
import type { ResponseEvent } from '../../core/events.js';
import type { ScanResult } from './scan.js';

export interface PackedScan {
  packed: true;
  keys: string[];
  /** Each distinct model and session once. */
  strings: string[];
  /** Per response: its model's, its session's and its subagent's index in `strings`. */
  refs: Uint32Array;
  /** at, input, output, cacheCreation, cacheRead, thinking (-1: not reported), visibleChars, 1-hour cache writes per response. */
  numbers: Float64Array;
  /** bit 0 synthetic, bit 1 sidechain, bit 2 speed. */
  flags: Uint8Array;
  /** Per response: its project folder's index in `strings`, when the scan kept them (the session report's). */
  projects?: Uint32Array;
  stats: ScanResult['stats'];
  problems?: string[];
}

const WIDTH = 8;

export function pack(r: ScanResult): PackedScan {
  const n = r.responses.length;
  const numbers = new Float64Array(n * WIDTH);
  const flags = new Uint8Array(n);
  const keys = new Array<string>(n);
  const refs = new Uint32Array(3 * n);
  const projects = n > 0 && r.responses[0].project !== undefined ? new Uint32Array(n) : undefined;
  const strings: string[] = [];
  const index = new Map<string, number>();
  const ref = (v: string) => {
    let i = index.get(v);
    if (i === undefined) index.set(v, (i = strings.push(v) - 1));
    return i;
  };
  r.responses.forEach((e, i) => {
    keys[i] = e.key;
    refs[3 * i] = ref(e.model);
    refs[3 * i + 1] = ref(e.session);
    refs[3 * i + 2] = ref(e.agent ?? '');
    if (projects) projects[i] = ref(e.project ?? '');
    const o = i * WIDTH;
    numbers[o] = e.at;
    numbers[o + 1] = e.tokens.input;
    numbers[o + 2] = e.tokens.output;
    numbers[o + 3] = e.tokens.cacheCreation;
    numbers[o + 4] = e.tokens.cacheRead;
    numbers[o + 5] = e.thinkingReported ?? -1;
    numbers[o + 6] = e.visibleChars;
    numbers[o + 7] = e.cacheCreation1h ?? 0;
    flags[i] = (e.synthetic ? 1 : 0) | (e.sidechain ? 2 : 0) | (e.speed ? 4 : 0);
  });
  return { packed: true, keys, strings, refs, numbers, flags, ...(projects ? { projects } : {}), stats: r.stats, problems: r.problems };
}

/** The typed arrays' memory moves to the receiver instead of being copied. */
export function transferables(p: PackedScan): ArrayBuffer[] {
  const moved = [p.numbers.buffer as ArrayBuffer, p.flags.buffer as ArrayBuffer, p.refs.buffer as ArrayBuffer];
  return p.projects ? [...moved, p.projects.buffer as ArrayBuffer] : moved;
}

export function unpack(p: PackedScan): ScanResult {
  const responses: ResponseEvent[] = new Array(p.keys.length);
  const x = p.numbers;
  for (let i = 0; i < p.keys.length; i++) {
    const o = i * WIDTH;
    responses[i] = {
      kind: 'response',
      key: p.keys[i],
      at: x[o],
      model: p.strings[p.refs[3 * i]],
      tokens: { input: x[o + 1], output: x[o + 2], cacheCreation: x[o + 3], cacheRead: x[o + 4] },
      cacheCreation1h: x[o + 7],
      thinkingReported: x[o + 5] < 0 ? null : x[o + 5],
      visibleChars: x[o + 6],
      session: p.strings[p.refs[3 * i + 1]],
      agent: p.strings[p.refs[3 * i + 2]],
      synthetic: (p.flags[i] & 1) !== 0,
      sidechain: (p.flags[i] & 2) !== 0,
      speed: (p.flags[i] & 4) !== 0,
    };
    if (p.projects) responses[i].project = p.strings[p.projects[i]];
  }
  return p.problems ? { responses, stats: p.stats, problems: p.problems } : { responses, stats: p.stats };
}
