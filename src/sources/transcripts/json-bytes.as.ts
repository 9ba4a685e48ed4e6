// AssemblyScript (usage-lines.as.ts's module): the byte-level JSON of plain-json.ts, its
// strings, numbers and keys, for plain-walk.as.ts. Inlined across files by the compiler.

export const QUOTE: u8 = 0x22;
export const NONE: isize = -1;
const BACKSLASH: u8 = 0x5c;
export const PLAIN_NUMBER: usize = 300;

export function digitsOnly(input: usize, from: usize, to: usize): bool {
  for (let i = from; i < to; i++) {
    const c = load<u8>(input + i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function sameBytes(a: usize, b: usize, n: usize): bool {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/**
 * The closing quote of a string whose contents start at i, or NONE when it is not plain or not
 * UTF-8 (a plain line is UTF-8 throughout: outside strings any byte above 0x7f breaks the JSON).
 */
export function stringEnd(input: usize, i: usize, to: usize, isKey: bool): isize {
  const quotes = i8x16.splat(QUOTE);
  const slashes = i8x16.splat(BACKSLASH);
  const space = i8x16.splat(0x20);
  while (true) {
    // Sixteen bytes at a time to the next quote, backslash, control byte or byte above 0x7f.
    while (i + 16 <= to) {
      const block = v128.load(input + i);
      const stop = <u32>i8x16.bitmask(v128.or(v128.or(i8x16.eq(block, quotes), i8x16.eq(block, slashes)), v128.or(i8x16.lt_u(block, space), i8x16.lt_s(block, i8x16.splat(0)))));
      if (stop != 0) {
        i += <usize>ctz(stop);
        break;
      }
      i += 16;
    }
    if (i >= to) return NONE;
    const c = load<u8>(input + i);
    if (c == QUOTE) return <isize>i;
    if (c < 0x20) return NONE;
    if (c >= 0x80) {
      const n = utf8Length(input, i, to);
      if (n == 0) return NONE;
      i += n;
      continue;
    }
    if (c == BACKSLASH) {
      if (isKey || ++i >= to) return NONE;
      const e = load<u8>(input + i);
      // \" \\ \/ \b \f \n \r \t; a \u escape may be half a surrogate pair, which is not plain
      if (e != QUOTE && e != BACKSLASH && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) return NONE;
    }
    i++;
  }
  return NONE;
}

/** The length of the well-formed UTF-8 sequence at i (its first byte above 0x7f), or 0. */
function utf8Length(input: usize, i: usize, to: usize): usize {
  const c = <u32>load<u8>(input + i);
  let n: usize;
  let lo: u32 = 0x80;
  let hi: u32 = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0; // no overlong forms
    else if (c == 0xed) hi = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return 0;
  if (i + n > to) return 0;
  const second = <u32>load<u8>(input + i + 1);
  if (second < lo || second > hi) return 0;
  for (let k: usize = 2; k < n; k++) {
    const b = <u32>load<u8>(input + i + k);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return n;
}

// @ts-ignore: decorator
@inline
function isDigit(input: usize, i: usize, to: usize): bool {
  if (i >= to) return false;
  const c = load<u8>(input + i);
  return c >= 0x30 && c <= 0x39;
}

/** The end of the number at i: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, shorter than PLAIN_NUMBER, else NONE. */
export function numberEnd(input: usize, i: usize, to: usize): isize {
  const start = i;
  if (i < to && load<u8>(input + i) == 0x2d) i++;
  if (!isDigit(input, i, to)) return NONE;
  if (load<u8>(input + i) == 0x30) i++;
  else while (isDigit(input, i, to)) i++;
  if (i < to && load<u8>(input + i) == 0x2e) {
    i++;
    if (!isDigit(input, i, to)) return NONE;
    while (isDigit(input, i, to)) i++;
  }
  return i - start < PLAIN_NUMBER ? <isize>i : NONE;
}
