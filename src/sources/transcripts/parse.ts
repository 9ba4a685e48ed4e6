// Turns one transcript line into a normalized event. Pure: no I/O, no clock.
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { MAX_STRING, timeOf, tokenCount } from '../../core/validate.js';

export type ParsedLine =
  | { ok: true; events: (ResponseEvent | TurnEvent)[] }
  | { ok: false; reason: 'malformed' | 'no-timestamp' | 'invalid' };

const SYNTHETIC_MODEL = '<synthetic>';
const NOTHING: ParsedLine = { ok: true, events: [] };
const INTERRUPT_PREFIX = '[Request interrupted by user';

// Cheap pre-check: only assistant and user records matter. `progress` lines embed
// user/assistant messages one level down (mirrors of subagent files), so the real
// test is the top-level `type` after parsing; this only skips the obvious rest.
const MAY_MATTER = /"type"\s*:\s*"(assistant|user)"/;
// Quotes inside JSON strings are escaped, so this exact byte run only occurs as structure.
const USAGE_MARK = '"usage":{';

/**
 * @param detail also read what only the live gauges need: prompts and tool results (turn state
 *   for STALL) and the visible text of responses (the thinking estimate). Reports and the
 *   backfill of old history need neither, and then only lines with a usage object are parsed.
 */
export function parseLine(line: string, detail = true): ParsedLine {
  // Without detail only usage lines matter, and the top-level type is checked after parsing.
  const mayMatter = detail ? MAY_MATTER.test(line) : line.includes(USAGE_MARK);
  if (line.length === 0 || !mayMatter) {
    return isJsonObjectLine(line) ? NOTHING : { ok: false, reason: 'malformed' };
  }
  let record: any;
  try {
    record = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (record === null || typeof record !== 'object') return { ok: false, reason: 'malformed' };
  if (record.type === 'assistant') return fromAssistant(record, detail);
  if (record.type === 'user') return detail ? fromUser(record) : NOTHING;
  return NOTHING;
}

function fromAssistant(r: any, detail: boolean): ParsedLine {
  const msg = r.message;
  const usage = msg?.usage;
  if (!usage || typeof usage !== 'object') return NOTHING;
  const at = parseTime(r.timestamp);
  if (at === null) return { ok: false, reason: 'no-timestamp' };
  const tokens = tokensOf(usage);
  if (!tokens) return { ok: false, reason: 'invalid' };
  const rawModel = typeof msg.model === 'string' && msg.model.length <= MAX_STRING ? msg.model : '';
  const synthetic = rawModel === SYNTHETIC_MODEL;
  const speed = typeof usage.speed === 'string' && usage.speed !== '';
  const model = !synthetic && usage.speed === 'fast' ? `${rawModel}-fast` : rawModel;
  const id = typeof msg.id === 'string' ? msg.id : '';
  const req = typeof r.requestId === 'string' ? r.requestId : '';
  const session = sessionOf(r);
  const thinking = usage.output_tokens_details?.thinking_tokens;
  const main: ResponseEvent = {
    kind: 'response',
    key: responseKey(id, req, session, r),
    at,
    model,
    tokens,
    thinkingReported: typeof thinking === 'number' && tokenCount(thinking) !== null ? thinking : null,
    visibleChars: detail ? visibleChars(msg.content) : 0,
    session,
    synthetic,
    sidechain: r.isSidechain === true,
    speed,
  };
  const events: ResponseEvent[] = [main];
  // Advisor iterations are separate model calls billed inside one response: each is its own entry.
  if (Array.isArray(usage.iterations)) {
    usage.iterations.forEach((it: any, i: number) => {
      if (it?.type !== 'advisor_message' || typeof it.model !== 'string' || it.model.length > MAX_STRING) return;
      const tokens = tokensOf(it);
      if (!tokens) return; // the main response still counts; this iteration's figures are junk
      events.push({
        ...main,
        key: id ? responseKey(`${id}:advisor:${i}`, req, session, r) : `${main.key}:advisor:${i}`,
        model: it.model,
        tokens,
        thinkingReported: null,
        visibleChars: 0,
        synthetic: false,
      });
    });
  }
  return { ok: true, events };
}

/**
 * Identity of a response across lines and files: message id + request id; without a request id,
 * message id within its session; without a message id, the line is its own response.
 */
function responseKey(id: string, req: string, session: string, r: any): string {
  if (id && req) return `${id}:${req}`;
  if (id) return `${id}@${session}`;
  return `line:${r.uuid ?? ''}:${r.timestamp}`;
}

/** The four counts, or null when any is not a whole number in range (the record is junk, not zero). */
function tokensOf(u: any): ResponseEvent['tokens'] | null {
  // The split cache-write figures, when present, are the authoritative total (ccusage reads them the same way).
  const cc = u.cache_creation;
  const split = cc && typeof cc === 'object';
  const c5 = split ? tokenCount(cc.ephemeral_5m_input_tokens) : 0;
  const c1 = split ? tokenCount(cc.ephemeral_1h_input_tokens) : 0;
  const cacheCreation = split ? (c5 === null || c1 === null ? null : c5 + c1) : tokenCount(u.cache_creation_input_tokens);
  const input = tokenCount(u.input_tokens);
  const output = tokenCount(u.output_tokens);
  const cacheRead = tokenCount(u.cache_read_input_tokens);
  if (input === null || output === null || cacheCreation === null || cacheRead === null) return null;
  return { input, output, cacheCreation, cacheRead };
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

function sessionOf(r: any): string {
  const s = typeof r.sessionId === 'string' && r.sessionId.length <= MAX_STRING ? r.sessionId : '';
  return typeof r.agentId === 'string' && r.agentId.length <= MAX_STRING ? `${s}/${r.agentId}` : s;
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
