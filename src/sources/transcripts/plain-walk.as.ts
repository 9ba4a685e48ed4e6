// AssemblyScript (usage-lines.as.ts's module): plain-json.ts's walk over one line, which says
// whether it is plain (a line no rule of ccusage's can drop), and its compaction in place to the
// members a usage count is read from. The byte-level pieces are in json-bytes.as.ts.
import { digitsOnly, NONE, numberEnd, PLAIN_NUMBER, QUOTE, sameBytes, stringEnd } from './json-bytes.as';

// walk(): the limits of plain-json.ts (PLAIN_DEPTH, PLAIN_KEYS, PLAIN_NUMBER), and its scratch
// memory: per open container where it sits (At), whether it is an object and where its keys
// start, and the keys (start, end and F_ flags as u32s). All of it lies in the first page, below
// the host's area.
const PLAIN_DEPTH: i32 = 64;
const PLAIN_KEYS: i32 = 32;
const AT = memory.data(64);
const IS_OBJECT = memory.data(64);
const KEY_START = memory.data(64 * 4);
// Per open object a 64-bit sketch of its keys (a bit per key, by length and end letters): a key
// whose bit is not set yet cannot repeat one, and is not compared with the others.
const KEY_SKETCH = memory.data(64 * 8);
const KEYS = memory.data(64 * 32 * 12); // start, end, flags (UNKNOWN until asked)
const UNKNOWN: u32 = 0xffffffff;
// compactLine's members of the line being walked (plain-json.ts): at the top (start, end, 1 for
// message as an object), and in message (start, end); PLAIN_KEYS at most each.
const TOP_KEPT = memory.data(32 * 12);
const MESSAGE_KEPT = memory.data(32 * 8);
let topKept: i32 = 0;
let messageKept: i32 = 0;
/** `"message":{` */
const MESSAGE_OPEN: usize = 11;
// Where a value sits (plain-json.ts At).
const AT_OTHER: u8 = 0;
const AT_ROOT: u8 = 1;
const AT_MESSAGE: u8 = 2;
const AT_USAGE: u8 = 3;
const AT_SPLIT: u8 = 4;
const AT_ITERATIONS: u8 = 5;
const AT_ITEM: u8 = 6;
const AT_ITEM_SPLIT: u8 = 7;
// The key names the rules look for, and what each one is to them (F_ flags): kept at the top
// or in message by compactLine, a null under it drops the line, a token count, a step of a
// path. One entry each, by length: its flags (two bytes, low first) and its letters.
// NAMES_AT[n] is where the names of length n start, NAMES_COUNT[n] how many there are.
const F_NULL: u32 = 1; // a null under it drops the line
const F_TOP: u32 = 2; // kept at the top
const F_IN_MESSAGE: u32 = 4; // kept in message
const F_TOKEN: u32 = 8; // a token count in usage
const F_SPLIT: u32 = 16; // a token count in cache_creation
const F_MESSAGE: u32 = 32; // message
const F_USAGE: u32 = 64; // usage
const F_CACHE_CREATION: u32 = 128; // cache_creation
const F_ITERATIONS: u32 = 256; // iterations
const F_MODEL: u32 = 512; // model
const NAMES = memory.data<u8>([
  0x05, 0x00, 0x69, 0x64, // id: NULL | IN_MESSAGE
  0x01, 0x00, 0x63, 0x77, 0x64, // cwd: NULL
  0x02, 0x00, 0x74, 0x79, 0x70, 0x65, // type: TOP
  0x02, 0x00, 0x75, 0x75, 0x69, 0x64, // uuid: TOP
  0x05, 0x02, 0x6d, 0x6f, 0x64, 0x65, 0x6c, // model: NULL | IN_MESSAGE | MODEL
  0x01, 0x00, 0x73, 0x70, 0x65, 0x65, 0x64, // speed: NULL
  0x44, 0x00, 0x75, 0x73, 0x61, 0x67, 0x65, // usage: IN_MESSAGE | USAGE
  0x02, 0x00, 0x61, 0x67, 0x65, 0x6e, 0x74, 0x49, 0x64, // agentId: TOP
  0x03, 0x00, 0x63, 0x6f, 0x73, 0x74, 0x55, 0x53, 0x44, // costUSD: NULL | TOP
  0x22, 0x00, 0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, // message: TOP | MESSAGE
  0x03, 0x00, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, // version: NULL | TOP
  0x03, 0x00, 0x72, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x49, 0x64, // requestId: NULL | TOP
  0x03, 0x00, 0x73, 0x65, 0x73, 0x73, 0x69, 0x6f, 0x6e, 0x49, 0x64, // sessionId: NULL | TOP
  0x02, 0x00, 0x74, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, // timestamp: TOP
  0x00, 0x01, 0x69, 0x74, 0x65, 0x72, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x73, // iterations: ITERATIONS
  0x02, 0x00, 0x69, 0x73, 0x53, 0x69, 0x64, 0x65, 0x63, 0x68, 0x61, 0x69, 0x6e, // isSidechain: TOP
  0x08, 0x00, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // input_tokens: TOKEN
  0x08, 0x00, 0x6f, 0x75, 0x74, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // output_tokens: TOKEN
  0x80, 0x00, 0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x63, 0x72, 0x65, 0x61, 0x74, 0x69, 0x6f, 0x6e, // cache_creation: CACHE_CREATION
  0x03, 0x00, 0x69, 0x73, 0x41, 0x70, 0x69, 0x45, 0x72, 0x72, 0x6f, 0x72, 0x4d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, // isApiErrorMessage: NULL | TOP
  0x09, 0x00, 0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x72, 0x65, 0x61, 0x64, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // cache_read_input_tokens: NULL | TOKEN
  0x10, 0x00, 0x65, 0x70, 0x68, 0x65, 0x6d, 0x65, 0x72, 0x61, 0x6c, 0x5f, 0x31, 0x68, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // ephemeral_1h_input_tokens: SPLIT
  0x10, 0x00, 0x65, 0x70, 0x68, 0x65, 0x6d, 0x65, 0x72, 0x61, 0x6c, 0x5f, 0x35, 0x6d, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // ephemeral_5m_input_tokens: SPLIT
  0x09, 0x00, 0x63, 0x61, 0x63, 0x68, 0x65, 0x5f, 0x63, 0x72, 0x65, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x5f, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x5f, 0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x73, // cache_creation_input_tokens: NULL | TOKEN
]);
const NAMES_AT = memory.data<u16>([0, 0, 0, 4, 9, 21, 0, 42, 0, 78, 111, 123, 136, 150, 165, 0, 0, 181, 0, 0, 0, 0, 0, 200, 0, 225, 0, 279, 0, 0, 0, 0]);
const NAMES_COUNT = memory.data<u8>([0, 0, 1, 1, 2, 3, 0, 4, 0, 3, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0, 0, 0, 0]);


/**
 * plain-json.ts's walk: whether input[from, to) is one plain JSON value (`line`: a plain object
 * line that ccusage keeps as far as its JSON goes, cut confirmed). There it goes a byte at a
 * time; here strings, most of the bytes, are crossed sixteen at a time.
 */
export function walk(input: usize, from: usize, to: usize, line: bool, cutFrom: usize, cutTo: usize): bool {
  if (line && to > from && load<u8>(input + to - 1) == 0x0d) to--; // CRLF
  let depth: i32 = 0;
  let keys: i32 = 0; // key spans in use
  let key: i32 = -1; // the span of the key whose value comes next
  let cutDepth: i32 = -1;
  let cutClosed = cutFrom == 0;
  // The member of the top object, and of message, being read: its key's quote and its key.
  let topMember: isize = -1;
  let topKey: i32 = -1;
  let messageMember: isize = -1;
  let messageKey: i32 = -1;
  topKept = 0;
  messageKept = 0;
  let i = from;
  while (true) {
    // A value at i.
    if (i >= to) return false;
    const c = load<u8>(input + i);
    const parent = depth > 0 ? load<u8>(AT + <usize>(depth - 1)) : AT_OTHER;
    if (line && depth == 0 && c != 0x7b) return false;
    if (c == 0x7b || c == 0x5b) {
      if (depth >= PLAIN_DEPTH) return false;
      store<u8>(AT + <usize>depth, !line ? AT_OTHER : depth == 0 ? AT_ROOT : childOf(input, parent, key));
      store<u8>(IS_OBJECT + <usize>depth, c == 0x7b ? 1 : 0);
      store<i32>(KEY_START + (<usize>depth << 2), keys);
      store<u64>(KEY_SKETCH + (<usize>depth << 3), 0);
      depth++;
      if (cutFrom > 0 && i == cutFrom) cutDepth = depth;
      i++;
      if (i < to && load<u8>(input + i) == (c == 0x7b ? 0x7d : 0x5d)) {
        i++;
        // close(), as below
        if (depth == cutDepth) {
          if (i != cutTo) return false;
          cutClosed = true;
          cutDepth = -1;
        }
        depth--;
        keys = load<i32>(KEY_START + (<usize>depth << 2));
      } else if (c == 0x7b) {
        const next = readKey(input, i, to, keys, depth - 1);
        if (next == NONE) return false;
        key = keys++;
        if (line) {
          if (depth == 1) {
            topMember = <isize>i;
            topKey = key;
          } else if (load<u8>(AT + <usize>(depth - 1)) == AT_MESSAGE) {
            messageMember = <isize>i;
            messageKey = key;
          }
        }
        i = <usize>next;
        continue;
      } else {
        key = -1;
        continue;
      }
    } else if (cutFrom > 0 && i == cutFrom) {
      return false; // the cut must start at an array
    } else if (c == QUOTE) {
      const end = stringEnd(input, i + 1, to, false);
      if (end == NONE) return false;
      i = <usize>end + 1;
    } else if (c == 0x6e) {
      if (i + 4 > to || load<u32>(input + i) != 0x6c6c756e) return false; // null
      if (key >= 0 && (flagsOf(input, key) & F_NULL) != 0 && !(parent == AT_ITEM && (flagsOf(input, key) & F_MODEL) != 0)) return false;
      i += 4;
    } else if (c == 0x74) {
      if (i + 4 > to || load<u32>(input + i) != 0x65757274) return false; // true
      i += 4;
    } else if (c == 0x66) {
      if (i + 5 > to || load<u32>(input + i) != 0x736c6166 || load<u8>(input + i + 4) != 0x65) return false; // false
      i += 5;
    } else {
      const start = i;
      const end = numberEnd(input, i, to);
      if (end == NONE) return false;
      i = <usize>end;
      if (countedAt(input, parent, key) && !digitsOnly(input, start, i)) return false;
    }
    // After a value: close containers, or go on to the next value.
    while (true) {
      if (depth == 0) return i == to && cutClosed;
      if (i >= to) return false;
      if (line) {
        // A member of the top object, or of message, ends here: keep it if compactLine does.
        if (depth == 1 && topMember >= 0) {
          if ((flagsOf(input, topKey) & F_TOP) != 0) {
            const m = TOP_KEPT + <usize>topKept * 12;
            store<u32>(m, <u32>topMember);
            store<u32>(m, <u32>i, 4);
            store<u32>(m, (flagsOf(input, topKey) & F_MESSAGE) != 0 && load<u8>(input + <usize>topMember + MESSAGE_OPEN - 1) == 0x7b ? 1 : 0, 8);
            topKept++;
          }
          topMember = -1;
        } else if (messageMember >= 0 && load<u8>(AT + <usize>(depth - 1)) == AT_MESSAGE) {
          if ((flagsOf(input, messageKey) & F_IN_MESSAGE) != 0) {
            const m = MESSAGE_KEPT + (<usize>messageKept << 3);
            store<u32>(m, <u32>messageMember);
            store<u32>(m, <u32>i, 4);
            messageKept++;
          }
          messageMember = -1;
        }
      }
      const ch = load<u8>(input + i++);
      const inObject = load<u8>(IS_OBJECT + <usize>(depth - 1)) == 1;
      if (ch == 0x2c) {
        if (inObject) {
          const quote = i;
          const next = readKey(input, i, to, keys, depth - 1);
          if (next == NONE) return false;
          key = keys++;
          if (line) {
            if (depth == 1) {
              topMember = <isize>quote;
              topKey = key;
            } else if (load<u8>(AT + <usize>(depth - 1)) == AT_MESSAGE) {
              messageMember = <isize>quote;
              messageKey = key;
            }
          }
          i = <usize>next;
        } else {
          key = -1;
        }
        break;
      }
      if (ch != (inObject ? 0x7d : 0x5d)) return false;
      // close(): the innermost container ends at i
      if (depth == cutDepth) {
        if (i != cutTo) return false;
        cutClosed = true;
        cutDepth = -1;
      }
      depth--;
      keys = load<i32>(KEY_START + (<usize>depth << 2));
    }
  }
  return false;
}

function childOf(input: usize, parent: u8, key: i32): u8 {
  if (parent == AT_ITERATIONS) return AT_ITEM;
  if (key < 0) return AT_OTHER;
  const f = flagsOf(input, key);
  if (parent == AT_ROOT) return f & F_MESSAGE ? AT_MESSAGE : AT_OTHER;
  if (parent == AT_MESSAGE) return f & F_USAGE ? AT_USAGE : AT_OTHER;
  if (parent == AT_USAGE) return f & F_CACHE_CREATION ? AT_SPLIT : f & F_ITERATIONS ? AT_ITERATIONS : AT_OTHER;
  if (parent == AT_ITEM) return f & F_CACHE_CREATION ? AT_ITEM_SPLIT : AT_OTHER;
  return AT_OTHER;
}

/** Whether the value of this key is a token count ccusage reads as an unsigned integer. */
function countedAt(input: usize, parent: u8, key: i32): bool {
  if (key < 0) return false;
  if (parent == AT_USAGE || parent == AT_ITEM) return (flagsOf(input, key) & F_TOKEN) != 0;
  if (parent == AT_SPLIT || parent == AT_ITEM_SPLIT) return (flagsOf(input, key) & F_SPLIT) != 0;
  return false;
}

/** Key `key`'s F_ flags, looked up once asked for (most keys are never asked about). */
function flagsOf(input: usize, key: i32): u32 {
  const at = KEYS + <usize>key * 12;
  let f = load<u32>(at, 8);
  if (f == UNKNOWN) {
    const s = <usize>load<u32>(at);
    f = nameFlags(input, s, <usize>load<u32>(at, 4) - s);
    store<u32>(at, f, 8);
  }
  return f;
}

/** The F_ flags of the name in input[start, start + len): 0 for a name the rules do not know. */
function nameFlags(input: usize, start: usize, len: usize): u32 {
  if (len >= 32) return 0;
  let p = NAMES + <usize>load<u16>(NAMES_AT + (len << 1));
  for (let n = <i32>load<u8>(NAMES_COUNT + len); n > 0; n--) {
    if (sameBytes(input + start, p + 2, len)) return <u32>load<u16>(p);
    p += len + 2;
  }
  return 0;
}

/**
 * A key at i: writes it as key number `keys` (span, flags not known yet) unless the object open
 * at `level` has it already or holds PLAIN_KEYS; returns where its value starts, or NONE.
 */
function readKey(input: usize, i: usize, to: usize, keys: i32, level: i32): isize {
  if (i >= to || load<u8>(input + i) != QUOTE) return NONE;
  const end = stringEnd(input, i + 1, to, true);
  if (end == NONE || <usize>end + 1 >= to || load<u8>(input + <usize>end + 1) != 0x3a) return NONE;
  const first = load<i32>(KEY_START + (<usize>level << 2));
  if (keys - first >= PLAIN_KEYS) return NONE;
  const start = i + 1;
  const len = <usize>end - start;
  const sketch = KEY_SKETCH + (<usize>level << 3);
  const bit = <u64>1 << ((<u64>len * 7 + (len > 0 ? <u64>load<u8>(input + start) + (<u64>load<u8>(input + <usize>end - 1) << 2) : 0)) & 63);
  if (load<u64>(sketch) & bit) {
    for (let k = first; k < keys; k++) {
      const at = KEYS + <usize>k * 12;
      const s = <usize>load<u32>(at);
      if (<usize>load<u32>(at, 4) - s == len && sameBytes(input + s, input + start, len)) return NONE;
    }
  }
  store<u64>(sketch, load<u64>(sketch) | bit);
  const at = KEYS + <usize>keys * 12;
  store<u32>(at, <u32>start);
  store<u32>(at, <u32>end, 4);
  store<u32>(at, UNKNOWN, 8);
  return end + 2;
}

/**
 * plain-json.ts compactLine, for a line walk() just found plain: rewrites it from `start` as the
 * members kept and a newline, and returns where it now ends.
 */
export function compact(input: usize, start: usize): usize {
  let w = start;
  store<u8>(input + w++, 0x7b);
  for (let m: i32 = 0; m < topKept; m++) {
    if (m > 0) store<u8>(input + w++, 0x2c);
    const t = TOP_KEPT + <usize>m * 12;
    const s = <usize>load<u32>(t);
    if (load<u32>(t, 8) == 0) {
      const n = <usize>load<u32>(t, 4) - s;
      memory.copy(input + w, input + s, n);
      w += n;
      continue;
    }
    memory.copy(input + w, input + s, MESSAGE_OPEN);
    w += MESSAGE_OPEN;
    for (let k: i32 = 0; k < messageKept; k++) {
      if (k > 0) store<u8>(input + w++, 0x2c);
      const e = MESSAGE_KEPT + (<usize>k << 3);
      const es = <usize>load<u32>(e);
      const n = <usize>load<u32>(e, 4) - es;
      memory.copy(input + w, input + es, n);
      w += n;
    }
    store<u8>(input + w++, 0x7d);
  }
  store<u8>(input + w++, 0x7d);
  store<u8>(input + w++, 0x0a); // the TRUSTED mark (parse.ts); at most where the line's newline was
  return w;
}
