// Turns one transcript line into a normalized event. Pure: no I/O, no clock.
import type { ResponseEvent, TurnEvent } from '../../core/events.js';

export type ParsedLine =
  | { ok: true; event: ResponseEvent | TurnEvent | null }
  | { ok: false; reason: 'malformed' | 'no-timestamp' };

const SYNTHETIC_MODEL = '<synthetic>';
const INTERRUPT_PREFIX = '[Request interrupted by user';

// Cheap pre-check: only assistant and user records matter. `progress` lines embed
// user/assistant messages one level down (mirrors of subagent files), so the real
// test is the top-level `type` after parsing; this only skips the obvious rest.
const MAY_MATTER = /"type"\s*:\s*"(assistant|user)"/;

export function parseLine(line: string): ParsedLine {
  if (line.length === 0 || !MAY_MATTER.test(line)) {
    return isJsonObjectLine(line) ? { ok: true, event: null } : { ok: false, reason: 'malformed' };
  }
  let record: any;
  try {
    record = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (record === null || typeof record !== 'object') return { ok: false, reason: 'malformed' };
  if (record.type === 'assistant') return fromAssistant(record);
  if (record.type === 'user') return fromUser(record);
  return { ok: true, event: null };
}

function fromAssistant(r: any): ParsedLine {
  const msg = r.message;
  const usage = msg?.usage;
  if (!usage || typeof usage !== 'object') return { ok: true, event: null };
  const at = parseTime(r.timestamp);
  if (at === null) return { ok: false, reason: 'no-timestamp' };
  const model = typeof msg.model === 'string' ? msg.model : '';
  if (model === SYNTHETIC_MODEL) return { ok: true, event: null };
  const id = typeof msg.id === 'string' ? msg.id : '';
  const req = typeof r.requestId === 'string' ? r.requestId : '';
  const thinking = usage.output_tokens_details?.thinking_tokens;
  return {
    ok: true,
    event: {
      kind: 'response',
      // Without both ids a line cannot be matched to its siblings; its own uuid keeps it unique.
      key: id && req ? `${id}:${req}` : `uuid:${r.uuid ?? `${r.timestamp}:${line0(msg)}`}`,
      at,
      model,
      tokens: {
        input: count(usage.input_tokens),
        output: count(usage.output_tokens),
        cacheCreation: count(usage.cache_creation_input_tokens),
        cacheRead: count(usage.cache_read_input_tokens),
      },
      thinkingReported: typeof thinking === 'number' && thinking >= 0 ? thinking : null,
      visibleChars: visibleChars(msg.content),
      session: sessionOf(r),
    },
  };
}

function fromUser(r: any): ParsedLine {
  // Meta lines, local slash-command output and compaction summaries do not ask Claude for anything.
  if (r.isMeta || r.isCompactSummary || r.isVisibleInTranscriptOnly) return { ok: true, event: null };
  const content = r.message?.content;
  const text = firstText(content);
  if (text !== null && (text.startsWith('<command-') || text.startsWith('<local-command'))) {
    return { ok: true, event: null };
  }
  const at = parseTime(r.timestamp);
  if (at === null) return { ok: false, reason: 'no-timestamp' };
  const interrupted = text !== null && text.startsWith(INTERRUPT_PREFIX);
  return { ok: true, event: { kind: 'turn', at, session: sessionOf(r), awaiting: !interrupted } };
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
  const s = typeof r.sessionId === 'string' ? r.sessionId : '';
  return typeof r.agentId === 'string' ? `${s}/${r.agentId}` : s;
}

function line0(msg: any): string {
  return typeof msg?.id === 'string' ? msg.id : '';
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

export function parseTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

function isJsonObjectLine(line: string): boolean {
  // Lines we skip unparsed still get a shape check, so junk is counted as junk.
  const s = line.trimStart();
  if (s.length === 0) return true; // blank lines are harmless
  return s[0] === '{' && line.trimEnd().endsWith('}');
}
