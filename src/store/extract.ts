// One transcript line -> the facts the history keeps. The response itself comes from parseLine
// (the same key, tokens, dedup rules and ccusage's verdict on the line as the gauges); this adds
// what only the history needs: cache write TTLs, stop reason, tools, project, and text counters
// (never the text).
import crypto from 'node:crypto';
import type { ResponseEvent } from '../core/events.js';
import { parseParsedUsageLine, USAGE_MARK } from '../sources/transcripts/parse.js';
export { folderProjectOf } from '../sources/transcripts/project-folder.js';
import { countText, type TextCounters } from './text.js';
import { denialOf, interruptOf, toolDetail, type Denial, type ToolDetail } from './tool-detail.js';

export interface ResponseFact {
  ev: ResponseEvent;
  cache5m: number;
  cache1h: number;
  stopReason: string | null;
  project: string;
  session: string;
  agent: string | null;
}

export interface BlockFact {
  hash: string;
  response: string;
  /** Characters that count as visible output for the thinking estimate. */
  visible: number;
  text: (TextCounters & { side: 'claude' }) | null;
}

export interface TextFact extends TextCounters {
  hash: string;
  side: 'user';
  at: number;
  project: string;
  session: string;
}

export interface InterruptFact {
  hash: string;
  at: number;
  project: string;
  session: string;
  kind: 'turn' | 'tool';
}

export interface LineFacts {
  responses: ResponseFact[];
  blocks: BlockFact[];
  tools: ({ id: string; name: string; response: string; at: number; project: string } & ToolDetail)[];
  toolResults: { id: string; isError: boolean; denial: Denial | null }[];
  texts: TextFact[];
  interrupts: InterruptFact[];
  /** The project's working directory as the line states it, for a readable label. */
  cwd?: { project: string; cwd: string };
}

/** A line that carries nothing kept (shared: never written to). */
export const EMPTY: LineFacts = { responses: [], blocks: [], tools: [], toolResults: [], texts: [], interrupts: [] };
const MAY_MATTER = /"type"\s*:\s*"(assistant|user)"/;

/**
 * null: a malformed line (counted by the caller, never fatal). `plain`: the line is known to be
 * plain (plain-json.ts plainLine; store/plain-line.ts), and ccusage's strict rules need no check.
 */
export function extractLine(line: string, folderProject: string, plain = false, responsesOnly = false): LineFacts | null {
  if (line.includes(USAGE_MARK)) return extractUsageLine(line, folderProject, plain, responsesOnly);
  if (!MAY_MATTER.test(line)) return line.trim() === '' || isObjectLine(line) ? EMPTY : null;
  const rec = parseRecord(line);
  if (!rec) return null;
  return factsOf(rec, null, folderProject);
}

/**
 * extractLine for a line with a usage mark: parsed once, for the gauges' reading and this one.
 * `plain`: known plain JSON (a bulk scan's compacted copy, build-read.ts, is always so).
 */
export function extractUsageLine(line: string, folderProject: string, plain: boolean, responsesOnly: boolean): LineFacts | null {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return null; // parseLine: malformed
  }
  // A usage line is read only as the gauges read it: what ccusage drops is dropped here too.
  const usage = parseParsedUsageLine(line, rec, true, plain);
  if (!usage.ok) return usage.reason === 'malformed' ? null : EMPTY;
  return factsOf(rec, usage, folderProject, responsesOnly); // an object: parseLine calls anything else malformed
}

/**
 * The facts of a parsed record (usage: what parseLine made of its line, null without a usage mark).
 * `responsesOnly`: the responses and the working directory, nothing else (a report's rows).
 */
export function factsOf(rec: any, usage: { events: readonly (ResponseEvent | { kind: 'turn' })[] } | null, folderProject: string, responsesOnly = false): LineFacts {
  const out: LineFacts = { responses: [], blocks: [], tools: [], toolResults: [], texts: [], interrupts: [] };
  if (usage) fromResponses(usage.events, rec, folderProject, out, responsesOnly);
  if (rec.type === 'user' && !responsesOnly) fromUser(rec, folderProject, out);
  const facts = usage || rec.type === 'assistant' || rec.type === 'user' ? out : EMPTY;
  if (facts !== EMPTY && typeof rec.cwd === 'string' && rec.cwd) facts.cwd = { project: projectOf(rec, folderProject), cwd: rec.cwd };
  return facts;
}

function fromResponses(events: readonly (ResponseEvent | { kind: 'turn' })[], r: any, folderProject: string, out: LineFacts, responsesOnly: boolean): void {
  if (!events.some((e) => e.kind === 'response')) return; // a usage mark, no usage record (a progress line)
  const project = projectOf(r, folderProject);
  const session = typeof r.sessionId === 'string' ? r.sessionId : '';
  const agent = typeof r.agentId === 'string' ? r.agentId : null;
  const usage = r.message.usage; // an object: parseLine found a response in it
  const iterations: any[] = Array.isArray(usage.iterations) ? usage.iterations : [];
  let first = true;
  for (const ev of events) {
    if (ev.kind !== 'response') continue;
    // Advisor entries are keyed `...:advisor:<index in iterations>` (parse.ts).
    const advisor = first ? -1 : Number(/:advisor:(\d+)/.exec(ev.key)?.[1] ?? -1);
    const u = first ? usage : iterations[advisor] ?? {};
    const [c5, c1] = ttlSplit(u, ev.tokens.cacheCreation);
    out.responses.push({ ev, cache5m: c5, cache1h: c1, stopReason: first && typeof r.message.stop_reason === 'string' ? r.message.stop_reason : null, project, session, agent });
    first = false;
  }
  const main = out.responses[0];
  if (!main || responsesOnly) return;
  const content = r.message.content;
  for (const b of Array.isArray(content) ? content : []) {
    if (!b || typeof b !== 'object') continue;
    if (b.type === 'text' && typeof b.text === 'string') {
      out.blocks.push({ hash: hash('c', main.ev.key, b.text), response: main.ev.key, visible: b.text.length, text: { ...countText(b.text, 'claude'), side: 'claude' } });
    } else if (b.type === 'tool_use') {
      const input = b.input === undefined ? '' : JSON.stringify(b.input);
      const id = typeof b.id === 'string' ? b.id : hash('t', main.ev.key, input);
      out.blocks.push({ hash: hash('u', main.ev.key, id), response: main.ev.key, visible: input.length, text: null });
      if (typeof b.name === 'string') out.tools.push({ id, name: b.name, response: main.ev.key, at: main.ev.at, project, ...toolDetail(b.name, b.input) });
    }
  }
}

function fromUser(r: any, folderProject: string, out: LineFacts): void {
  const content = r.message?.content;
  if (Array.isArray(content)) {
    for (const b of content) {
      if (b?.type === 'tool_result' && typeof b.tool_use_id === 'string') out.toolResults.push({ id: b.tool_use_id, isError: b.is_error === true, denial: denialOf(b, r.toolUseResult) });
    }
  }
  // Only what a person typed: not meta lines, commands, compaction summaries, or a parent agent's prompt to a subagent.
  if (r.isMeta || r.isCompactSummary || r.isVisibleInTranscriptOnly || r.isSidechain === true) return;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.filter((b: any) => b?.type === 'text' && typeof b.text === 'string').map((b: any) => b.text).join('\n') : '';
  const at = typeof r.timestamp === 'string' ? Date.parse(r.timestamp) : NaN;
  if (!text.trim() || !Number.isFinite(at)) return;
  const session = typeof r.sessionId === 'string' ? r.sessionId : '';
  const interrupt = interruptOf(text);
  // Claude Code's own line for an Esc: counted as an interrupt, never as a prompt.
  if (interrupt) out.interrupts.push({ hash: hash('i', r.timestamp, text), at, project: projectOf(r, folderProject), session, kind: interrupt });
  if (interrupt || /^\s*(<|\[Request interrupted)/.test(text)) return;
  // Identity: when it was typed and what; a resumed session's replay of it is the same prompt.
  out.texts.push({ ...countText(text, 'user'), hash: hash('p', r.timestamp, text), side: 'user', at, project: projectOf(r, folderProject), session });
}

/** Cache writes by TTL; without the split (older Claude Code) all are 5-minute writes, the default TTL. */
function ttlSplit(u: any, total: number): [number, number] {
  const cc = u?.cache_creation;
  if (cc && typeof cc === 'object') return [num(cc.ephemeral_5m_input_tokens), num(cc.ephemeral_1h_input_tokens)];
  return [total, 0];
}

function projectOf(r: any, folderProject: string): string {
  return folderProject || (typeof r.cwd === 'string' ? r.cwd : '');
}

function hash(kind: string, a: string, b: string): string {
  return sha1(`${kind}\0${a}\0${b}`).slice(0, 22);
}

// One call per hash where Node has it (20.12 on): a third of createHash's time, the same digest. The
// first build hashes every block of every streamed copy of a reply.
const sha1: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha1', s, 'base64url') : (s) => crypto.createHash('sha1').update(s).digest('base64url');

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

function parseRecord(line: string): any {
  try {
    const r = JSON.parse(line);
    return r && typeof r === 'object' ? r : undefined;
  } catch {
    return undefined;
  }
}

function isObjectLine(line: string): boolean {
  const s = line.trim();
  return s.startsWith('{') && s.endsWith('}');
}
