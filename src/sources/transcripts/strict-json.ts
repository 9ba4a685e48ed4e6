// What ccusage 20.0.24 asks of a usage line's JSON beyond what JSON.parse checks, found by
// running its binary on crafted lines (test/ccusage-dropped.test.ts holds us to it). Its parser
// drops the whole line for: a repeated key in any object (compared after unescaping), nesting
// deeper than 127, a lone surrogate escape (`\ud800`) in any string, a number beyond the double
// range (`1e400`), a null under one of NULL_KEYS anywhere (except `model` in an element of
// message.usage.iterations), and a token count written as anything but a plain whole number
// (`10.0`, `1e1`, `-0`). JSON.parse accepts all of these, so this walks the text once more.
// Run only after JSON.parse succeeded: the grammar is taken as checked.

/** The line is dropped. */
export const BAD = 1;
/** Only the advisor iterations are dropped (a count in them written as a fraction or exponent). */
export const ITERATIONS_BAD = 2;
/** The value at `cutAt` was not found to be message.content: only the whole line can tell. */
export const CUT_ELSEWHERE = 4;

/** Keys whose null value makes ccusage drop the line, at any depth. */
export const NULL_KEYS: ReadonlySet<string> = new Set([
  'id', 'cwd', 'model', 'speed', 'costUSD', 'version', 'sessionId', 'requestId', 'isApiErrorMessage', 'cache_read_input_tokens', 'cache_creation_input_tokens',
]);
/** serde_json's recursion limit: 128 nested arrays and objects fail, the root counting as one. */
export const MAX_DEPTH = 127;

const TOKEN_KEYS = new Set(['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']);
const SPLIT_KEYS = new Set(['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens']);

// Where a value sits, as far as the rules care: a small state machine over the key path (plain-json.ts walks the same states).
export const enum At {
  Other,
  Root,
  Message,
  Usage,
  Split,
  Iterations,
  Item,
  ItemSplit,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The ccusage verdict on a line JSON.parse accepted: 0, or BAD / ITERATIONS_BAD / CUT_ELSEWHERE
 * bits. With `cutAt`, the offset of the `[]` standing in for a cut-out content array.
 */
export function strictProblems(text: string, cutAt = -1): number {
  const withEscapes = text.indexOf('\\u') !== -1;
  let problems = cutAt < 0 ? 0 : CUT_ELSEWHERE;
  let i = 0;
  const n = text.length;
  // One frame per open array or object: where it sits, and the keys an object has seen.
  const at: At[] = [];
  const keys: (Set<string> | null)[] = [];
  let key: string | null = null; // the key whose value comes next, inside an object
  for (;;) {
    // A value starts here (after whitespace).
    i = skipSpace(text, i);
    const parent = at.length ? at[at.length - 1] : At.Other;
    const here = at.length === 0 ? At.Root : childOf(parent, key);
    if (i === cutAt && parent === At.Message && key === 'content') problems &= ~CUT_ELSEWHERE;
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (at.length >= MAX_DEPTH) return problems | BAD;
      at.push(here);
      keys.push(c === 0x7b ? new Set() : null);
      i++;
      i = skipSpace(text, i);
      if (text.charCodeAt(i) === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
        at.pop();
        keys.pop();
      } else if (c === 0x7b) {
        const k = readKey(text, i, withEscapes);
        if (k === null) return problems | BAD;
        keys[keys.length - 1]!.add(k.key);
        key = k.key;
        i = k.next;
        continue;
      } else {
        key = null;
        continue;
      }
    } else if (c === QUOTE) {
      const end = stringEnd(text, i + 1);
      if (withEscapes && loneSurrogate(text, i + 1, end)) return problems | BAD;
      i = end + 1;
    } else if (c === 0x6e /* null */) {
      if (key !== null && NULL_KEYS.has(key) && !(parent === At.Item && key === 'model')) return problems | BAD;
      i += 4;
    } else if (c === 0x74 /* true */) {
      i += 4;
    } else if (c === 0x66 /* false */) {
      i += 5;
    } else {
      const start = i;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const literal = text.slice(start, i);
      if ((i - start > 15 || /[eE]/.test(literal)) && !Number.isFinite(Number(literal))) return problems | BAD;
      const counted = (parent === At.Usage && TOKEN_KEYS.has(key!)) || (parent === At.Split && SPLIT_KEYS.has(key!));
      const countedInItem = (parent === At.Item && TOKEN_KEYS.has(key!)) || (parent === At.ItemSplit && SPLIT_KEYS.has(key!));
      if ((counted || countedInItem) && !/^\d+$/.test(literal)) {
        if (counted) return problems | BAD;
        problems |= ITERATIONS_BAD;
      }
    }
    // After a value: close what ends here, then find the next value.
    for (;;) {
      i = skipSpace(text, i);
      if (at.length === 0) return problems;
      const ch = text.charCodeAt(i++);
      if (ch === 0x2c /* , */) {
        if (keys[keys.length - 1] !== null) {
          const k = readKey(text, skipSpace(text, i), withEscapes);
          if (k === null) return problems | BAD;
          const seen = keys[keys.length - 1]!;
          if (seen.has(k.key)) return problems | BAD;
          seen.add(k.key);
          key = k.key;
          i = k.next;
        } else {
          key = null;
        }
        break;
      }
      // `}` or `]`: the frame ends; its parent's value is complete.
      at.pop();
      keys.pop();
      if (at.length === 0) return problems;
    }
  }
}

/** Where a value under `key` sits, given where its container sits (plain-json.ts asks the same). */
export function childOf(parent: At, key: string | null): At {
  switch (parent) {
    case At.Root:
      return key === 'message' ? At.Message : At.Other;
    case At.Message:
      return key === 'usage' ? At.Usage : At.Other;
    case At.Usage:
      return key === 'cache_creation' ? At.Split : key === 'iterations' ? At.Iterations : At.Other;
    case At.Iterations:
      return At.Item;
    case At.Item:
      return key === 'cache_creation' ? At.ItemSplit : At.Other;
    default:
      return At.Other;
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/** The closing quote of the string whose contents start at `from`. */
function stringEnd(text: string, from: number): number {
  for (let q = text.indexOf('"', from); ; q = text.indexOf('"', q + 1)) {
    if (q === -1) return text.length; // not after JSON.parse; but never loop
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
}

/** A key at `i` (its opening quote), unescaped, and where its value starts (after the colon). */
function readKey(text: string, i: number, withEscapes: boolean): { key: string; next: number } | null {
  const end = stringEnd(text, i + 1);
  let key = text.slice(i + 1, end);
  if (key.includes('\\')) {
    if (withEscapes && loneSurrogate(text, i + 1, end)) return null;
    key = JSON.parse(text.slice(i, end + 1)) as string;
  }
  const colon = skipSpace(text, end + 1);
  return { key, next: colon + 1 };
}

/** Whether text[from, to) holds a `\uD800`-`\uDFFF` escape that is not half of a pair. */
function loneSurrogate(text: string, from: number, to: number): boolean {
  for (let u = text.indexOf('\\u', from); u !== -1 && u < to; u = text.indexOf('\\u', u + 2)) {
    let slashes = 0;
    while (text.charCodeAt(u - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 1) continue; // `\\u`: an escaped backslash, then a letter
    const unit = parseInt(text.slice(u + 2, u + 6), 16);
    if (unit >= 0xdc00 && unit <= 0xdfff) return true; // a low half with no high half before it
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.slice(u + 6, u + 8) === '\\u' ? parseInt(text.slice(u + 8, u + 12), 16) : NaN;
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      u += 6; // the low half is used
    }
  }
  return false;
}
