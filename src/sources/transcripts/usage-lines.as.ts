// AssemblyScript, compiled to WebAssembly by scripts/wasm.ts (not by tsc): finds the lines that
// carry `"usage":{`, sixteen bytes at a time, and walks each one: a plain line (plain-json.ts),
// one no rule of ccusage's can drop, is compacted in place to the members a usage count is read
// from; of any other, where its content can be cut out. Buffer.indexOf finds the same a byte
// pattern at a time; in transcript text, where quotes and the patterns' letters abound, that
// costs three times as long. usage-lines.ts hosts it, and with plain-json.ts holds the plain
// version the tests compare it with, where the cut and the compaction are explained.

import { NONE, QUOTE } from './json-bytes.as';
import { compact, walk } from './plain-walk.as';

const NEWLINE: u8 = 0x0a;
const BRACE: u8 = 0x7b;
// `"usage":` read as a little-endian u64; the pattern's ninth byte is the brace.
const HEAD: u64 = 0x3a22656761737522;
const MARK_LEN: usize = 9;
const MESSAGE = memory.data<u8>([0x22, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x22, 0x3a, 0x7b]); // "message":{
const MESSAGE_LEN: usize = 11;
const CONTENT = memory.data<u8>([0x22, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x5b]); // "content":[
const CONTENT_LEN: usize = 11;
const STOP = memory.data<u8>([0x2c, 0x22, 0x73, 0x74, 0x6f, 0x70, 0x5f, 0x72, 0x65, 0x61, 0x73, 0x6f, 0x6e, 0x22, 0x3a]); // ,"stop_reason":
const STOP_LEN: usize = 15;
/** Set in a line's fourth number: plainLine holds for it, and it was compacted (see usage-lines.ts). */
const PLAIN_BIT: u32 = 0x80000000;
/** A compacted line's third number (no cut starts there). */
const COMPACTED: u32 = 1;

/**
 * Lines of input[0, len) holding the mark, as u32 quadruples written at `out`: start, end (the
 * line's newline), and the cut: the end of the head to keep and the start of the tail, or 0, 0.
 * `len` must end just after a newline. Returns the line count.
 * Candidates are positions with the pattern's first byte and, eight bytes on, its last: the rarest
 * pair of its bytes in transcripts (about one candidate in 4,000 bytes, two in three of them real).
 */
export function find(input: usize, len: usize, out: usize): u32 {
  let lines: u32 = 0;
  let lineStart: usize = 0;
  let i: usize = 0;
  const quotes = i8x16.splat(QUOTE);
  const braces = i8x16.splat(BRACE);
  const newlines = i8x16.splat(NEWLINE);
  while (i + 16 + 8 <= len) {
    const block = v128.load(input + i);
    let candidates = <u32>i8x16.bitmask(v128.and(i8x16.eq(block, quotes), i8x16.eq(v128.load(input + i + 8), braces)));
    const nl = <u32>i8x16.bitmask(i8x16.eq(block, newlines));
    let hit: usize = 0;
    let k: u32 = 0;
    while (candidates != 0) {
      k = ctz(candidates);
      if (isMark(input + i + k)) {
        hit = i + <usize>k + 1; // +1: position 0 is a valid hit
        break;
      }
      candidates &= candidates - 1;
    }
    if (hit == 0) {
      if (nl != 0) lineStart = i + 32 - <usize>clz(nl);
      i += 16;
      continue;
    }
    const before = nl & ((<u32>1 << k) - 1);
    if (before != 0) lineStart = i + 32 - <usize>clz(before);
    const end = newlineFrom(input, hit - 1 + MARK_LEN, len);
    put(input, out + ((<usize>lines) << 4), lineStart, end);
    lines++;
    i = end + 1;
    lineStart = i;
  }
  // The last few bytes, one at a time.
  while (i + MARK_LEN <= len) {
    const c = load<u8>(input + i);
    if (c == NEWLINE) {
      lineStart = ++i;
    } else if (c == QUOTE && isMark(input + i)) {
      const end = newlineFrom(input, i + MARK_LEN, len);
      put(input, out + ((<usize>lines) << 4), lineStart, end);
      lines++;
      lineStart = i = end + 1;
    } else {
      i++;
    }
  }
  return lines;
}

/**
 * plain-json.ts's plainLine without a cut and without its UTF-8 check (the host's): whether the
 * line input[from, to) (offsets from input) is plain, so that none of ccusage's rules can drop it. For a host that
 * reads whole usage lines (store/plain-line.ts, the history's first build).
 */
export function plainWhole(input: usize, from: usize, to: usize): bool {
  return walk(input, from, to, true, 0, 0);
}

// @ts-ignore: decorator
@inline
function isMark(p: usize): bool {
  return load<u64>(p) == HEAD && load<u8>(p + 8) == BRACE;
}

/** The first newline at or after `from` (there is one: input ends with a newline). */
function newlineFrom(input: usize, from: usize, len: usize): usize {
  const newlines = i8x16.splat(NEWLINE);
  let e = from;
  while (e + 16 <= len) {
    const m = <u32>i8x16.bitmask(i8x16.eq(v128.load(input + e), newlines));
    if (m != 0) return e + <usize>ctz(m);
    e += 16;
  }
  while (load<u8>(input + e) != NEWLINE) e++;
  return e;
}

/** Writes a line and its cut: the content array of its message, when it has one to cut. */
function put(input: usize, at: usize, start: usize, end: usize): void {
  store<u32>(at, <u32>start);
  store<u32>(at, <u32>end, 4);
  // As PlainFinder: a plain line compacted in place, else the cut only where its content is plain.
  if (walk(input, start, end, true, 0, 0)) {
    store<u32>(at, COMPACTED, 8);
    store<u32>(at, <u32>compact(input, start) | PLAIN_BIT, 12);
    return;
  }
  let head: usize = 0;
  let tail: usize = 0;
  const m = indexOf(input, start, end, MESSAGE, MESSAGE_LEN);
  const c = m == NONE ? NONE : indexOf(input, <usize>m, end, CONTENT, CONTENT_LEN);
  const s = c == NONE ? NONE : lastIndexOf(input, start, end, STOP, STOP_LEN);
  if (s != NONE && s >= c && indexOf(input, <usize>c, <usize>s, MESSAGE, MESSAGE_LEN) == NONE && walk(input, <usize>c + CONTENT_LEN - 1, <usize>s, false, 0, 0)) {
    head = <usize>c + CONTENT_LEN - 1;
    tail = <usize>s;
  }
  store<u32>(at, <u32>head, 8);
  store<u32>(at, <u32>tail, 12);
}

/** The first whole occurrence of the needle in input[from, to), or NONE. */
function indexOf(input: usize, from: usize, to: usize, needle: usize, n: usize): isize {
  const first = i8x16.splat(load<u8>(needle));
  const last = i8x16.splat(load<u8>(needle + n - 1));
  let i = from;
  while (i + n - 1 + 16 <= to) {
    let m = <u32>i8x16.bitmask(v128.and(i8x16.eq(v128.load(input + i), first), i8x16.eq(v128.load(input + i + n - 1), last)));
    while (m != 0) {
      const at = i + <usize>ctz(m);
      if (memory.compare(input + at, needle, n) == 0) return <isize>at;
      m &= m - 1;
    }
    i += 16;
  }
  for (; i + n <= to; i++) if (memory.compare(input + i, needle, n) == 0) return <isize>i;
  return NONE;
}

/** The last whole occurrence of the needle in input[from, to), or NONE. */
function lastIndexOf(input: usize, from: usize, to: usize, needle: usize, n: usize): isize {
  if (to - from < n) return NONE;
  const first = i8x16.splat(load<u8>(needle));
  const last = i8x16.splat(load<u8>(needle + n - 1));
  // Candidates start at [i, i + 16); the block moves down from the last possible start.
  let i = <isize>(to - n) - 15;
  while (i >= <isize>from) {
    let m = <u32>i8x16.bitmask(v128.and(i8x16.eq(v128.load(input + <usize>i), first), i8x16.eq(v128.load(input + <usize>i + n - 1), last)));
    while (m != 0) {
      const at = <usize>i + 31 - <usize>clz(m);
      if (memory.compare(input + at, needle, n) == 0) return <isize>at;
      m &= ~(<u32>1 << (31 - clz(m)));
    }
    i -= 16;
  }
  for (let j = i + 15; j >= <isize>from; j--) if (memory.compare(input + <usize>j, needle, n) == 0) return j;
  return NONE;
}
