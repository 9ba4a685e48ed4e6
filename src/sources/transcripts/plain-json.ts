// Byte-level shortcuts for the bulk scan, so that it can skip strict-json.ts on nearly every line:
// "plain" JSON is JSON in which none of ccusage's line-dropping rules can apply. Checking bytes
// for it costs little in the WebAssembly module (usage-lines.as.ts; plain-walk.as.ts and json-bytes.as.ts mirror this file);
// this is the reference, and the fallback where the module does not load. Anything unusual is
// simply not plain, which costs a slower read and never changes a verdict.
//
// Plain: one JSON value with no whitespace between tokens; strings without control bytes and
// without `\u` escapes (one may be half a surrogate pair); keys without escapes, none twice in an
// object, at most PLAIN_KEYS an object; numbers without an exponent, shorter than PLAIN_NUMBER
// (always finite); no null under a key of NULL_KEYS; at most PLAIN_DEPTH deep. A plain line is
// also UTF-8 throughout (which the module checks string by string).
import { isUtf8 } from 'node:buffer';
import { At, childOf, NULL_KEYS } from './strict-json.js';

export const PLAIN_DEPTH = 64;
export const PLAIN_KEYS = 32;
export const PLAIN_NUMBER = 300;


const TOKEN_KEYS = new Set(['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']);
const SPLIT_KEYS = new Set(['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens']);

/** Whether b[from, to) is exactly one plain value (a content array to be cut out, say). */
export function plainValue(b: Uint8Array, from: number, to: number): boolean {
  return walk(b, from, to, false, 0, 0, null);
}

/**
 * Whether the line b[from, to) is a plain JSON object in UTF-8 (a trailing CR allowed) that ccusage
 * keeps as far as its JSON goes: besides plainness, every token count in message.usage (and its
 * cache_creation and iterations) written as plain digits. With a cut (cutFrom > 0), the value
 * at cutFrom must also end exactly at cutTo, so the cut copy holds the same structure.
 */
export function plainLine(b: Uint8Array, from: number, to: number, cutFrom: number, cutTo: number): boolean {
  return walk(b, from, to, true, cutFrom, cutTo, null) && isUtf8(b.subarray(from, to));
}

/**
 * The members of a record a usage count is read from (parse.ts, without detail): all else is
 * dropped when a plain line is compacted.
 */
export const KEPT_AT_TOP: ReadonlySet<string> = new Set(['timestamp', 'sessionId', 'requestId', 'version', 'costUSD', 'isApiErrorMessage', 'isSidechain', 'agentId', 'uuid', 'type', 'message']);
export const KEPT_IN_MESSAGE: ReadonlySet<string> = new Set(['id', 'model', 'usage']);

/**
 * For a plain line (plainLine, no cut), rewrites it in place as a shorter JSON object holding
 * only the members of KEPT_AT_TOP, and of message only those of KEPT_IN_MESSAGE, each as written
 * and in its order, then a newline (parse.ts TRUSTED): what parse.ts reads for a usage count
 * parses the same from it, at a fraction of the cost. Returns where the compacted line ends, or 0
 * (the line is not plain, and left as it was). Written left to right, it never overtakes what it
 * still has to read, and ends at most where the line's newline was.
 */
export function compactLine(b: Uint8Array, from: number, to: number): number {
  const top: number[] = [];
  const inMessage: number[] = [];
  if (!walk(b, from, to, true, 0, 0, { top, inMessage }) || !isUtf8(b.subarray(from, to))) return 0;
  let w = from;
  const put = (byte: number) => (b[w++] = byte);
  const copy = (s: number, e: number) => {
    b.copyWithin(w, s, e);
    w += e - s;
  };
  put(0x7b);
  for (let m = 0; m < top.length; m += 3) {
    if (m > 0) put(0x2c);
    if (top[m + 2] === 0) {
      copy(top[m], top[m + 1]);
      continue;
    }
    copy(top[m], top[m] + MESSAGE_OPEN); // "message":{
    for (let k = 0; k < inMessage.length; k += 2) {
      if (k > 0) put(0x2c);
      copy(inMessage[k], inMessage[k + 1]);
    }
    put(0x7d);
  }
  put(0x7d);
  put(0x0a); // TRUSTED (parse.ts); it lands at most where the line's newline was
  return w;
}

const MESSAGE_OPEN = '"message":{'.length;

/**
 * The one walk behind plainValue, plainLine and compactLine. `kept` collects, in order, the top
 * members compactLine keeps (start, end, and 1 for message as an object, else 0) and the
 * members of that message it keeps (start, end).
 */
function walk(b: Uint8Array, from: number, to: number, line: boolean, cutFrom: number, cutTo: number, kept: { top: number[]; inMessage: number[] } | null): boolean {
  if (line && to > from && b[to - 1] === 0x0d) to--; // CRLF
  // Per open container: where it sits, whether it is an object, where its keys start in `keys`
  // (pairs start, end of each key's letters).
  const at: At[] = [];
  const isObject: boolean[] = [];
  const keyStart: number[] = [];
  const keys: number[] = [];
  let key = -1; // the key (index into keys) whose value comes next
  let cutDepth = -1; // the depth of the cut array once it opened
  let cutClosed = cutFrom === 0;
  // The member of the top object, and of message, being read: where it starts (its key's quote)
  // and its key (index into keys).
  let topMember = -1;
  let topKey = -1;
  let messageMember = -1;
  let messageKey = -1;
  let i = from;
  for (;;) {
    // A value at i.
    if (i >= to) return false;
    const c = b[i];
    const parent = at.length ? at[at.length - 1] : At.Other;
    if (line && at.length === 0 && c !== 0x7b) return false;
    if (c === 0x7b || c === 0x5b) {
      if (at.length >= PLAIN_DEPTH) return false;
      at.push(!line ? At.Other : at.length === 0 ? At.Root : childAt(parent, b, keys, key));
      isObject.push(c === 0x7b);
      keyStart.push(keys.length);
      if (cutFrom > 0 && i === cutFrom) cutDepth = at.length;
      i++;
      if (i < to && b[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
        if (!close()) return false;
      } else if (c === 0x7b) {
        const keyQuote = i;
        i = readKey(b, i, to, keys, keyStart[keyStart.length - 1]);
        if (i < 0) return false;
        key = keys.length - 2;
        opened(keyQuote);
        continue;
      } else {
        key = -1;
        continue;
      }
    } else if (cutFrom > 0 && i === cutFrom) {
      return false; // the cut must start at an array
    } else if (c === 0x22) {
      i = stringEnd(b, i + 1, to, false);
      if (i < 0) return false;
      i++;
    } else if (c === 0x6e) {
      if (!literal(b, i, to, NULL)) return false;
      if (key >= 0 && NULL_KEYS.has(keyAt(b, keys, key)) && !(parent === At.Item && keyAt(b, keys, key) === 'model')) return false;
      i += 4;
    } else if (c === 0x74) {
      if (!literal(b, i, to, TRUE)) return false;
      i += 4;
    } else if (c === 0x66) {
      if (!literal(b, i, to, FALSE)) return false;
      i += 5;
    } else {
      const start = i;
      i = numberEnd(b, i, to);
      if (i < 0) return false;
      if (countedAt(parent, b, keys, key) && !digitsOnly(b, start, i)) return false;
    }
    // After a value: close containers, or go on to the next value.
    for (;;) {
      if (at.length === 0) return i === to && cutClosed;
      if (i >= to) return false;
      ended();
      const ch = b[i++];
      const inObject = isObject[isObject.length - 1];
      if (ch === 0x2c) {
        if (inObject) {
          const keyQuote = i;
          i = readKey(b, i, to, keys, keyStart[keyStart.length - 1]);
          if (i < 0) return false;
          key = keys.length - 2;
          opened(keyQuote);
        } else {
          key = -1;
        }
        break;
      }
      if (ch !== (inObject ? 0x7d : 0x5d)) return false;
      if (!close()) return false;
    }
  }

  /** A key at `quote` starts a member of the innermost container (the top object, say). */
  function opened(quote: number): void {
    if (!kept) return;
    if (at.length === 1) [topMember, topKey] = [quote, key];
    else if (at[at.length - 1] === At.Message) [messageMember, messageKey] = [quote, key];
  }

  /** The innermost container's member ends at i (its value just read), if one is being read. */
  function ended(): void {
    if (!kept) return;
    if (at.length === 1 && topMember >= 0) {
      const name = keyAt(b, keys, topKey);
      if (KEPT_AT_TOP.has(name)) kept.top.push(topMember, i, name === 'message' && b[topMember + MESSAGE_OPEN - 1] === 0x7b ? 1 : 0);
      topMember = -1;
    } else if (at[at.length - 1] === At.Message && messageMember >= 0) {
      if (KEPT_IN_MESSAGE.has(keyAt(b, keys, messageKey))) kept.inMessage.push(messageMember, i);
      messageMember = -1;
    }
  }

  /** Ends the innermost container, at i (just after its closing byte). */
  function close(): boolean {
    if (at.length === cutDepth) {
      if (i !== cutTo) return false;
      cutClosed = true;
      cutDepth = -1;
    }
    at.pop();
    isObject.pop();
    keys.length = keyStart.pop()!;
    return true;
  }
}

function keyAt(b: Uint8Array, keys: number[], key: number): string {
  return Buffer.from(b.buffer, b.byteOffset + keys[key], keys[key + 1] - keys[key]).toString('latin1');
}

/** strict-json.ts's childOf, reading the key's bytes only when its place can matter. */
function childAt(parent: At, b: Uint8Array, keys: number[], key: number): At {
  if (parent === At.Iterations) return At.Item;
  if (key < 0 || parent === At.Other) return At.Other;
  return childOf(parent, keyAt(b, keys, key));
}

/** Whether the value of this key is a token count ccusage reads as an unsigned integer. */
function countedAt(parent: At, b: Uint8Array, keys: number[], key: number): boolean {
  if (key < 0) return false;
  if (parent === At.Usage || parent === At.Item) return TOKEN_KEYS.has(keyAt(b, keys, key));
  if (parent === At.Split || parent === At.ItemSplit) return SPLIT_KEYS.has(keyAt(b, keys, key));
  return false;
}

function digitsOnly(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] < 0x30 || b[i] > 0x39) return false;
  return true;
}

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function literal(b: Uint8Array, i: number, to: number, word: Buffer): boolean {
  if (i + word.length > to) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return false;
  return true;
}

/**
 * A key at i: appends its span to `keys` unless the object (keys from `first`) has it already
 * or holds PLAIN_KEYS; returns where its value starts, or -1.
 */
function readKey(b: Uint8Array, i: number, to: number, keys: number[], first: number): number {
  if (i >= to || b[i] !== 0x22) return -1;
  const end = stringEnd(b, i + 1, to, true);
  if (end < 0 || end + 1 >= to || b[end + 1] !== 0x3a) return -1;
  if ((keys.length - first) / 2 >= PLAIN_KEYS) return -1;
  const len = end - i - 1;
  for (let k = first; k < keys.length; k += 2) {
    if (keys[k + 1] - keys[k] !== len) continue;
    let same = true;
    for (let j = 0; j < len && same; j++) same = b[keys[k] + j] === b[i + 1 + j];
    if (same) return -1;
  }
  keys.push(i + 1, end);
  return end + 2;
}

/** The closing quote of a string whose contents start at i, or -1 when it is not plain. */
function stringEnd(b: Uint8Array, i: number, to: number, isKey: boolean): number {
  for (; i < to; i++) {
    const c = b[i];
    if (c === 0x22) return i;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      if (isKey || ++i >= to) return -1;
      const e = b[i];
      // \" \\ \/ \b \f \n \r \t; a \u escape may be half a surrogate pair, which is not plain
      if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    }
  }
  return -1;
}

const isDigit = (b: Uint8Array, i: number, to: number): boolean => i < to && b[i] >= 0x30 && b[i] <= 0x39;

/** The end of the number at i: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, shorter than PLAIN_NUMBER, else -1. */
function numberEnd(b: Uint8Array, i: number, to: number): number {
  const start = i;
  if (i < to && b[i] === 0x2d) i++;
  if (!isDigit(b, i, to)) return -1;
  if (b[i] === 0x30) i++;
  else while (isDigit(b, i, to)) i++;
  if (i < to && b[i] === 0x2e) {
    i++;
    if (!isDigit(b, i, to)) return -1;
    while (isDigit(b, i, to)) i++;
  }
  return i - start < PLAIN_NUMBER ? i : -1;
}
