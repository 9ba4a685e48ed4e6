// AssemblyScript, compiled to WebAssembly by scripts/wasm.ts (not by tsc): finds the lines that
// carry `"usage":{` sixteen bytes at a time. Buffer.indexOf finds the same lines a byte pattern at
// a time; in transcript text, where quotes and letters of the pattern abound, that costs three
// times as long. usage-lines.ts hosts it and holds the plain version the tests compare it with.

const NEWLINE: u8 = 0x0a;
const QUOTE: u8 = 0x22;
const BRACE: u8 = 0x7b;
// `"usage":` read as a little-endian u64; the pattern's ninth byte is the brace.
const HEAD: u64 = 0x3a22656761737522;
const MARK_LEN: usize = 9;

/**
 * Lines of input[0, len) holding the mark, as (start, end) u32 pairs written at `out`, where
 * input[end] is the line's newline. `len` must end just after a newline. Returns the pair count.
 * Candidates are positions with the pattern's first byte and, eight bytes on, its last: the rarest
 * pair of its bytes in transcripts (about one candidate in 4,000 bytes, two in three of them real).
 */
export function find(input: usize, len: usize, out: usize): u32 {
  let pairs: u32 = 0;
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
    store<u32>(out + ((<usize>pairs) << 3), <u32>lineStart);
    store<u32>(out + ((<usize>pairs) << 3) + 4, <u32>end);
    pairs++;
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
      store<u32>(out + ((<usize>pairs) << 3), <u32>lineStart);
      store<u32>(out + ((<usize>pairs) << 3) + 4, <u32>end);
      pairs++;
      lineStart = i = end + 1;
    } else {
      i++;
    }
  }
  return pairs;
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
