// Turns one transcript line into a normalized event. Pure: no I/O, no clock.
// A usage line counts exactly when ccusage 20.0.24 counts it (its rules: strict-json.ts for the
// JSON, ccusageFields below for the fields), within the ranges core/validate.ts allows.
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { MAX_STRING, MAX_TOKENS, timeOf, tokenCount, validTime } from '../../core/validate.js';
import { BAD, CUT_ELSEWHERE, ITERATIONS_BAD, strictProblems } from './strict-json.js';

export type ParsedLine =
  | { ok: true; events: (ResponseEvent | TurnEvent)[] }
  | { ok: false; reason: 'malformed' | 'no-timestamp' | 'invalid' };

const SYNTHETIC_MODEL = '<synthetic>';
const NOTHING: ParsedLine = { ok: true, events: [] };
const MALFORMED: ParsedLine = { ok: false, reason: 'malformed' };
const INTERRUPT_PREFIX = '[Request interrupted by user';

// Cheap pre-check for prompts and tool results (the live gauges' turn state): only user records
// open a turn, and `progress` lines embed user messages one level down, so the real test is the
// top-level `type` after parsing; this only skips the obvious rest.
const MAY_BE_USER = /"type"\s*:\s*"user"/;
// ccusage reads a line for usage only when these bytes are in it (`"usage": {` with a space is
// not read at all). Quotes inside JSON strings are escaped, so they only occur as structure.
export const USAGE_MARK = '"usage":{';
// Where a bulk scan's cut copy ends its stand-in for the content array (see usage-lines.ts).
const CUT_TAIL = '[],"stop_reason":';
/**
 * Ends a bulk scan's copy of a line found plain (plain-json.ts), compacted or cut: none of
 * ccusage's strict rules can apply to it, so they are not checked again. A newline: no line
 * holds one (lines are split at it), and JSON.parse reads it as whitespace.
 */
export const TRUSTED = '\n';

/**
 * @param detail also read what only the live gauges need: prompts and tool results (turn state
 *   for STALL) and the visible text of responses (the thinking estimate). Reports and the
 *   backfill of old history need neither, and then only lines with a usage object are parsed.
 * @param cut the line is a bulk scan's copy (usage-lines.ts decodeCut), read without detail: its
 *   content array cut out, or compacted to what a usage count is read from; 'malformed' then also
 *   means "read the whole line to be sure".
 */
export function parseLine(line: string, detail = true, cut = false): ParsedLine {
  const trusted = cut && line.charCodeAt(line.length - 1) === 0x0a; // TRUSTED
  // A trusted copy is JSON: whether it holds a usage record is told by parsing it.
  const usage = trusted || line.includes(USAGE_MARK);
  if (!usage && !(detail && MAY_BE_USER.test(line))) return isJsonObjectLine(line) ? NOTHING : MALFORMED;
  let record: any;
  try {
    record = JSON.parse(line);
  } catch {
    return MALFORMED;
  }
  return readRecord(line, record, usage, detail, trusted, cut);
}

/**
 * parseLine(line, detail) for a line that holds USAGE_MARK, when the caller has JSON.parse'd it
 * already (`record`): the history's extraction reads the same record for more (store/extract.ts).
 * `plain`: the line is known to be plain (plain-json.ts plainLine), so ccusage's strict rules are
 * not checked again, as for a bulk scan's TRUSTED copy. Its responses' visibleChars stay 0: the
 * history counts them block by block (store/extract.ts), and JSON.stringify of every tool input
 * twice cost it 0.1 s at 500 MB.
 */
export function parseParsedUsageLine(line: string, record: unknown, detail = true, plain = false): ParsedLine {
  return readRecord(line, record, true, detail, plain, false, false);
}

function readRecord(line: string, record: any, usage: boolean, detail: boolean, trusted: boolean, cut: boolean, visible = detail): ParsedLine {
  if (record === null || typeof record !== 'object') return MALFORMED;
  let events: (ResponseEvent | TurnEvent)[] = [];
  // A line without a message.usage object holds no usage record (a progress line mirrors one a
  // level down): ccusage does not count it, whatever else is wrong with it.
  if (usage && isObject(record.message) && isObject(record.message.usage)) {
    const problems = trusted ? 0 : strictProblems(line, cut ? cutOffset(line) : -1);
    if (problems & (BAD | CUT_ELSEWHERE)) return MALFORMED;
    const r = fromUsage(record, visible, (problems & ITERATIONS_BAD) === 0);
    if (!r.ok) return r;
    events = r.events;
  }
  if (detail && record.type === 'user') {
    const r = fromUser(record);
    if (!r.ok) return r;
    events = events.length ? [...events, ...r.events] : r.events;
  }
  return events.length ? { ok: true, events } : NOTHING;
}

/** Where a cut copy's `[]` stands: its last `,"stop_reason":` starts the uncut tail. */
function cutOffset(line: string): number {
  return line.lastIndexOf(CUT_TAIL);
}

/**
 * The record's fields as ccusage 20.0.24 types them (its UsageEntry): a field of the wrong type
 * drops the line, a missing optional one does not. Token counts are checked by tokensWithSplit.
 */
function ccusageFields(r: any): boolean {
  const msg = r.message;
  const u = msg.usage;
  if (u.speed !== undefined && u.speed !== 'standard' && u.speed !== 'fast') return false;
  // Strings that ccusage reads must be strings, and not empty; null ones were dropped already (strict-json.ts).
  if (!optionalName(r.sessionId) || !optionalName(r.requestId) || !optionalName(msg.id) || !optionalName(msg.model)) return false;
  if (r.version !== undefined && !(typeof r.version === 'string' && SEMVER_PREFIX.test(r.version))) return false;
  if (r.costUSD !== undefined && typeof r.costUSD !== 'number') return false;
  if (r.isApiErrorMessage !== undefined && typeof r.isApiErrorMessage !== 'boolean') return false;
  if (r.isSidechain !== undefined && r.isSidechain !== null && typeof r.isSidechain !== 'boolean') return false;
  return true;
}

const SEMVER_PREFIX = /^\d+\.\d+\.\d/;
const optionalName = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v !== '');

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * ccusage's timestamp: `YYYY-MM-DDTHH:MM:SS`, optionally `.mmm` (exactly three digits), then `Z`
 * or `+HH:MM`/`-HH:MM` (hours to 23); a real calendar date and clock time. Date.parse takes much
 * more (other precisions, no zone, `24:00`, February 30th), which ccusage drops. Then the gauges'
 * own range (core/validate.ts). Read a character at a time: it runs once per usage line.
 */
export function usageTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const n = v.length;
  const fraction = n === 24 || n === 29;
  if (!(fraction || n === 20 || n === 25)) return null;
  if (v.charCodeAt(4) !== 0x2d || v.charCodeAt(7) !== 0x2d || v.charCodeAt(10) !== 0x54 || v.charCodeAt(13) !== 0x3a || v.charCodeAt(16) !== 0x3a) return null;
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  const ms = fraction ? (v.charCodeAt(19) === 0x2e ? digits(v, 20, 3) : -1) : 0;
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return null;
  const zone = fraction ? 23 : 19;
  let offset = 0;
  if (n - zone === 1) {
    if (v.charCodeAt(zone) !== 0x5a) return null; // Z
  } else {
    const sign = v.charCodeAt(zone);
    const oh = digits(v, zone + 1, 2);
    const om = digits(v, zone + 4, 2);
    if ((sign !== 0x2b && sign !== 0x2d) || v.charCodeAt(zone + 3) !== 0x3a || oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offset = (sign === 0x2b ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
  return year >= 100 && validTime(at) ? at : null; // Date.UTC reads years below 100 as 19xx
}

/** The decimal number in v[from, from + len), or -1 unless all of it is digits. */
function digits(v: string, from: number, len: number): number {
  let x = 0;
  for (let i = from; i < from + len; i++) {
    const d = v.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    x = x * 10 + d;
  }
  return x;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function fromUsage(r: any, countVisible: boolean, iterationsReadable: boolean): ParsedLine {
  if (!ccusageFields(r)) return { ok: false, reason: 'invalid' };
  const at = usageTime(r.timestamp);
  if (at === null) return { ok: false, reason: 'no-timestamp' };
  const msg = r.message;
  const usage = msg.usage;
  const split = tokensWithSplit(usage);
  if (!split) return { ok: false, reason: 'invalid' };
  const tokens = split.tokens;
  const rawModel = typeof msg.model === 'string' && msg.model.length <= MAX_STRING ? msg.model : '';
  const synthetic = rawModel === SYNTHETIC_MODEL;
  const speed = usage.speed !== undefined;
  const model = !synthetic && usage.speed === 'fast' ? `${rawModel}-fast` : rawModel;
  const id = typeof msg.id === 'string' ? msg.id : '';
  const req = typeof r.requestId === 'string' ? r.requestId : '';
  const agent = agentOf(r);
  const session = sessionOf(r);
  const thinking = usage.output_tokens_details?.thinking_tokens;
  const main: ResponseEvent = {
    kind: 'response',
    key: responseKey(id, req, r),
    at,
    model,
    tokens,
    // Always set (0: none), like every field here: one shape for every response, whichever line
    // or worker it came from, keeps the fold and the engine's property reads monomorphic
    // (optional fields made them 6-9 % slower on a 2 GB scan).
    cacheCreation1h: split.cache1h,
    thinkingReported: typeof thinking === 'number' && tokenCount(thinking) !== null ? thinking : null,
    visibleChars: countVisible ? visibleChars(msg.content) : 0,
    session,
    agent,
    synthetic,
    sidechain: r.isSidechain === true,
    speed,
  };
  const events: ResponseEvent[] = [main];
  // Advisor iterations are separate model calls billed inside one response: each is its own
  // entry. ccusage reads the list as a whole: one element it cannot type loses all of them.
  const its = usage.iterations;
  if (iterationsReadable && Array.isArray(its) && its.every(iterationFields)) {
    its.forEach((it: any, i: number) => {
      if (it.type !== 'advisor_message' || typeof it.model !== 'string' || it.model === '' || it.model.length > MAX_STRING) return;
      const itSplit = tokensWithSplit(it);
      if (!itSplit) return; // the main response still counts; this iteration's figures are beyond our range
      events.push({
        ...main,
        key: id ? responseKey(`${id}:advisor:${i}`, req, r) : `${main.key}:advisor:${i}`,
        model: it.model,
        tokens: itSplit.tokens,
        cacheCreation1h: itSplit.cache1h,
        thinkingReported: null,
        visibleChars: 0,
        synthetic: false,
      });
    });
  }
  return { ok: true, events };
}

/** An element of usage.iterations as ccusage types it: a type, a model or null, its counts. */
function iterationFields(it: any): boolean {
  if (!isObject(it) || typeof it.type !== 'string') return false;
  if (it.model !== undefined && it.model !== null && typeof it.model !== 'string') return false;
  if (it.speed !== undefined && it.speed !== 'standard' && it.speed !== 'fast') return false;
  return countsTyped(it);
}

/** input and output counts present, the others absent or whole numbers, as ccusage types them. */
function countsTyped(u: any): boolean {
  if (!isCount(u.input_tokens) || !isCount(u.output_tokens)) return false;
  if (!optionalCount(u.cache_creation_input_tokens) || !optionalCount(u.cache_read_input_tokens)) return false;
  const cc = u.cache_creation;
  if (cc === undefined || cc === null) return true;
  return isObject(cc) && optionalCount(cc.ephemeral_5m_input_tokens) && optionalCount(cc.ephemeral_1h_input_tokens);
}

// ccusage reads counts as unsigned 64-bit integers; ours stop at MAX_TOKENS (tokensWithSplit).
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const optionalCount = (v: unknown): boolean => v === undefined || isCount(v);

/**
 * Identity of a response across lines and files, as ccusage keys it: message id + request id;
 * without a request id, message id within its session (the line's sessionId); without a message
 * id, the line is its own response (ccusage counts every copy of such a line; we count a copy
 * with the same uuid and time once, a replay of the same record).
 */
function responseKey(id: string, req: string, r: any): string {
  if (id && req) return `${id}:${req}`;
  if (id) return `${id}@${typeof r.sessionId === 'string' ? r.sessionId : ''}`;
  return `line:${r.uuid ?? ''}:${r.timestamp}`;
}

/**
 * The four counts, or null when ccusage would not read them (countsTyped) or any is beyond the
 * gauges' range (core/validate.ts: up to a billion, where ccusage takes any 64-bit count).
 */
function tokensWithSplit(u: any): { tokens: ResponseEvent['tokens']; cache1h: number } | null {
  if (!countsTyped(u)) return null;
  // The split cache-write figures, when present, are the authoritative total (ccusage reads them the same way).
  const cc = u.cache_creation;
  const split = isObject(cc);
  const c5 = split ? tokenCount(cc.ephemeral_5m_input_tokens) : 0;
  const c1 = split ? tokenCount(cc.ephemeral_1h_input_tokens) : 0;
  const cacheCreation = split ? (c5 === null || c1 === null ? null : c5 + c1) : tokenCount(u.cache_creation_input_tokens);
  const input = tokenCount(u.input_tokens);
  const output = tokenCount(u.output_tokens);
  const cacheRead = tokenCount(u.cache_read_input_tokens);
  if (input === null || output === null || cacheCreation === null || cacheRead === null || cacheCreation > MAX_TOKENS) return null;
  return { tokens: { input, output, cacheCreation, cacheRead }, cache1h: c1 ?? 0 };
}

function fromUser(r: any): ParsedLine {
  // Meta lines, local slash-command output and compaction summaries do not ask Claude for anything.
  if (r.isMeta || r.isCompactSummary || r.isVisibleInTranscriptOnly) return NOTHING;
  const content = r.message?.content;
  const text = firstText(content);
  if (text !== null && (text.startsWith('<command-') || text.startsWith('<local-command'))) {
    return NOTHING;
  }
  const at = parseTime(r.timestamp);
  if (at === null) return { ok: false, reason: 'no-timestamp' };
  const interrupted = text !== null && text.startsWith(INTERRUPT_PREFIX);
  return { ok: true, events: [{ kind: 'turn', at, session: sessionOf(r), awaiting: !interrupted }] };
}

function firstText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  for (const block of content) {
    if (block && block.type === 'text' && typeof block.text === 'string') return block.text;
  }
  return null;
}

function visibleChars(content: unknown): number {
  if (!Array.isArray(content)) return typeof content === 'string' ? content.length : 0;
  let n = 0;
  for (const block of content) {
    if (!block) continue;
    if (block.type === 'text' && typeof block.text === 'string') n += block.text.length;
    else if (block.type === 'tool_use' && block.input !== undefined) n += JSON.stringify(block.input).length;
  }
  return n;
}

/** The session a record belongs to, its subagent's too (`<sessionId>/<agentId>`): a subagent's turns are its own. */
function sessionOf(r: any): string {
  const s = typeof r.sessionId === 'string' && r.sessionId.length <= MAX_STRING ? r.sessionId : '';
  const agent = agentOf(r);
  return agent ? `${s}/${agent}` : s;
}

function agentOf(r: any): string {
  return typeof r.agentId === 'string' && r.agentId.length <= MAX_STRING ? r.agentId : '';
}

/** A record's time: an ISO string the gauges can hold (core/validate.ts), else null. */
export function parseTime(v: unknown): number | null {
  return typeof v === 'string' ? timeOf(v) : null;
}

function isJsonObjectLine(line: string): boolean {
  // Lines we skip unparsed still get a shape check, so junk is counted as junk.
  const s = line.trimStart();
  if (s.length === 0) return true; // blank lines are harmless
  return s[0] === '{' && line.trimEnd().endsWith('}');
}
