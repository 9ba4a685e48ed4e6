// The first build's readers take a chunk's lines as bytes and decode only what they must: most of
// a history is tool output that the history never keeps, and turning it into UTF-16 text (slow for
// any line with one byte past ASCII) cost them more than anything else. Every answer is the one
// extractLine gives for the line's text (build.test.ts holds the two together, line by line):
// - a line with a usage mark is decoded and goes to extractLine whole (told whether the bulk
//   scan's module finds it plain, plain-line.ts: then ccusage's rules need no second walk);
// - a line that cannot match extractLine's test for assistant or user records is answered from
//   its first and last bytes when it can be, like extractLine does, without decoding it;
// - any other line is read as Latin-1 (a byte per character, a copy): in a line that is UTF-8,
//   JSON.parse finds the same structure and the same faults either way (every byte past ASCII
//   lies inside a string, or breaks the JSON in both), and the fields the history reads from it
//   are the same text when they are ASCII; when one is not, the line is decoded and read again.
import { isUtf8 } from 'node:buffer';
import { NOT_UTF8 } from '../sources/files/lines.js';
import { parseTime, USAGE_MARK } from '../sources/transcripts/parse.js';
import { EMPTY, extractLine, factsOf, type LineFacts } from './extract.js';
import { plainLine } from './plain-line.js';

const NEWLINE = 0x0a;
const USAGE = Buffer.from(USAGE_MARK);
const USER = Buffer.from('"user"');
const ASSISTANT = Buffer.from('"assistant"');
const USER_TYPE = Buffer.from('"type":"user"');
/** How far into a line its top-level type is looked for first (after its ids, cwd, version, branch). */
const PEEK_BYTES = 1024;
// extractLine's test (/"type"\s*:\s*"(assistant|user)"/) on the Latin-1 reading: `\s` of the
// text, written as its UTF-8 bytes (Unicode's spaces and line separators, the byte order mark).
const SPACE = '(?:[\\t\\n\\v\\f\\r ]|\\xc2\\xa0|\\xe1\\x9a\\x80|\\xe2\\x80[\\x80-\\x8a\\xa8\\xa9\\xaf]|\\xe2\\x81\\x9f|\\xe3\\x80\\x80|\\xef\\xbb\\xbf)';
const MAY_MATTER_BYTES = new RegExp(`"type"${SPACE}*:${SPACE}*"(assistant|user)"`);
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * Each line of buf[0, end) (a chunk of complete lines, the last one's newline at `end`) to
 * `each` as extractLine's answer; returns how many lines there were. Given `marksOnly`, the caller
 * wants responses alone (extractBytes responsesOnly), and while it says so a line without a usage
 * mark is answered EMPTY unread.
 */
export function extractChunk(buf: Buffer, end: number, folderProject: string, each: (f: LineFacts | null) => void, marksOnly?: () => boolean): number {
  const utf8 = isUtf8(buf.subarray(0, end)); // nearly always: no line needs its own check
  let lines = 0;
  let start = 0;
  for (;;) {
    let nl = buf.indexOf(NEWLINE, start);
    if (nl === -1 || nl > end) nl = end;
    lines++;
    // Only responses wanted (build.ts usageOnly): a line without a usage mark yields none.
    if (marksOnly?.() && !buf.subarray(start, nl).includes(USAGE)) each(EMPTY);
    else each(extractBytes(buf, start, nl, folderProject, utf8, marksOnly !== undefined));
    if (nl >= end) return lines;
    start = nl + 1;
  }
}

/**
 * extractLine's answer for the line buf[start, end) (without its newline); `utf8`: known to be
 * UTF-8; `responsesOnly`: of a line with a usage mark, its responses and directory alone.
 */
export function extractBytes(buf: Buffer, start: number, end: number, folderProject: string, utf8 = false, responsesOnly = false): LineFacts | null {
  const line = buf.subarray(start, end);
  if (!utf8 && !isUtf8(line)) return extractLine(NOT_UTF8, folderProject);
  const to = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length; // CRLF
  const bytes = line.subarray(0, to);
  const text = () => bytes.toString('utf8');
  let marked: boolean | undefined;
  const hasMark = () => (marked ??= bytes.includes(USAGE));
  const withMark = () => extractLine(text(), folderProject, plainLine(bytes), responsesOnly);
  // Claude Code writes a user line's type before its message, whose tool output is most of a
  // history's bytes: such a line is asked for a usage mark only when the answer can matter
  // (markMatters), after parsing it; any other line first (an assistant line holds one).
  const userFirst = bytes.subarray(0, PEEK_BYTES).includes(USER_TYPE);
  if (!userFirst && hasMark()) return withMark();
  const user = userFirst || bytes.includes(USER);
  const objectLike = to > 1 && bytes[0] === 0x7b && bytes[to - 1] === 0x7d;
  const unmarked = () => (objectLike ? EMPTY : extractLine(text(), folderProject));
  if (!user && !bytes.includes(ASSISTANT)) return unmarked(); // and no mark, found above
  // A long user line the module finds plain is JSON: its long strings are cut before parsing.
  let rec: any = userFirst && to >= CUT_LINE_BYTES && plainLine(bytes) ? parseCut(bytes) : undefined;
  if (rec === undefined) {
    const latin1 = bytes.toString('latin1');
    if (!MAY_MATTER_BYTES.test(latin1)) return hasMark() ? withMark() : unmarked();
    try {
      rec = JSON.parse(latin1);
    } catch {
      return null; // with a usage mark too (parseLine: malformed)
    }
  }
  if (!rec || typeof rec !== 'object') return null; // the same
  if (markMatters(rec) && hasMark()) return withMark();
  if (readsAscii(rec)) return factsOf(rec, null, folderProject);
  return extractLine(text(), folderProject);
}

/**
 * Whether extractLine could answer differently for this parsed record with a usage mark than
 * without one. For a user record whose message has no usage, parseLine's answer is its turn: an
 * ASCII timestamp it reads gives a turn, which factsOf ignores, and then the answers are the same.
 */
function markMatters(r: any): boolean {
  if (r.type !== 'user') return true;
  if (typeof r.message === 'object' && r.message !== null && r.message.usage !== undefined) return true;
  return !(typeof r.timestamp === 'string' && !NOT_ASCII.test(r.timestamp) && parseTime(r.timestamp) !== null);
}

/** Whether every string factsOf reads from a record without a usage mark is ASCII (the same text in Latin-1). */
function readsAscii(r: any): boolean {
  if (!ascii(r.cwd)) return false;
  if (r.type !== 'user') return true; // an assistant line without usage yields its cwd only; any other, nothing
  if (!ascii(r.timestamp) || !ascii(r.sessionId)) return false;
  const content = r.message?.content;
  if (!Array.isArray(content)) return ascii(content);
  for (const b of content) {
    if (b?.type === 'tool_result' && (!ascii(b.tool_use_id) || b.is_error === true)) return false; // a denial reads the result's text
    if (b?.type === 'text' && !ascii(b.text)) return false;
  }
  return true;
}

function ascii(v: unknown): boolean {
  return typeof v !== 'string' || !NOT_ASCII.test(v);
}

/** Long string values are cut from user lines at least this long (their tool output). */
const CUT_LINE_BYTES = 4096;
/** A string value whose JSON is this long or longer is cut: longer than any constant factsOf compares a string with. */
const CUT_STRING_BYTES = 512;
/** What a cut value becomes: a string none that factsOf reads may hold (readsCut). */
const STAND_IN = '\\u0000';
const CUT = '\u0000';
const KEY_VALUE = Buffer.from('":"');

/**
 * JSON.parse of the line (read as Latin-1, and known to be JSON: plain) with the long string
 * values of its plain keys (`"key":"…"`, the key of letters, digits and `_`) replaced by STAND_IN;
 * the whole line parsed when a value factsOf reads was cut (readsCut). The values are found from
 * bytes, soundly in any JSON text:
 * - in `"key":"`, the last quote opens a string: were the first one closing a string, the key's
 *   letters would follow it, which JSON never allows; so the second one closes the key (or a string
 *   the first quote was escaped in) and the third opens a value;
 * - a string ends at the first quote after it not escaped by an odd run of backslashes.
 * The cut line is JSON with the same structure, and the same values but for those cut
 * (build.test.ts holds the facts to extractLine's). undefined: nothing cut, read it as before.
 */
function parseCut(bytes: Buffer): any {
  let out = '';
  let kept = 0;
  for (let i = 0; ; ) {
    const p = bytes.indexOf(KEY_VALUE, i);
    if (p === -1) break;
    let k = p - 1;
    while (k >= 0 && isKeyByte(bytes[k])) k--;
    if (k === p - 1 || k < 0 || bytes[k] !== 0x22) {
      i = p + 1;
      continue;
    }
    const from = p + 3;
    let end = bytes.indexOf(0x22, from);
    while (end !== -1 && escaped(bytes, end)) end = bytes.indexOf(0x22, end + 1);
    if (end === -1) return undefined; // not JSON after all: never for a plain line
    if (end - from >= CUT_STRING_BYTES) {
      out += bytes.toString('latin1', kept, from) + STAND_IN;
      kept = end;
    }
    i = end + 1;
  }
  if (kept === 0) return undefined;
  try {
    const rec = JSON.parse(out + bytes.toString('latin1', kept, bytes.length));
    return rec && typeof rec === 'object' && readsCut(rec) ? JSON.parse(bytes.toString('latin1')) : rec;
  } catch {
    return undefined; // never for a plain line
  }
}

function isKeyByte(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** Whether the quote at q is escaped: an odd run of backslashes before it. */
function escaped(b: Buffer, q: number): boolean {
  let n = 0;
  while (q - 1 - n >= 0 && b[q - 1 - n] === 0x5c) n++;
  return (n & 1) === 1;
}

/** Whether a string factsOf reads (those readsAscii checks) was cut: then the whole line is parsed. */
function readsCut(r: any): boolean {
  if (cutIn(r.cwd) || cutIn(r.timestamp) || cutIn(r.sessionId) || cutIn(r.type)) return true;
  const content = r.message?.content;
  if (!Array.isArray(content)) return cutIn(content);
  for (const b of content) if (b && (cutIn(b.type) || cutIn(b.tool_use_id) || cutIn(b.text))) return true;
  return false;
}

function cutIn(v: unknown): boolean {
  return typeof v === 'string' && v.includes(CUT);
}
