// Builders for the JSONL records Claude Code writes, with the field order seen in real files.
// Pure: they take everything as arguments and never touch the context.
import type { SessionCtx } from './session.js';

export type Rec = Record<string, unknown>;

export interface Counts {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  /** usage.output_tokens_details.thinking_tokens, when the API reports it. */
  thinking?: number;
}

export const iso = (t: number): string => new Date(t).toISOString();

/** The envelope every conversation record starts with. */
function head(c: SessionCtx, parentUuid: string | null): Rec {
  const r: Rec = {
    parentUuid,
    isSidechain: c.agentId !== undefined,
    userType: 'external',
    cwd: c.cwd,
    sessionId: c.sessionId,
    version: c.version,
    gitBranch: c.gitBranch,
  };
  if (c.agentId !== undefined) r.agentId = c.agentId;
  r.slug = c.slug;
  return r;
}

export function usage(n: Counts, cache1h: boolean): Rec {
  const u: Rec = {
    input_tokens: n.input,
    cache_creation_input_tokens: n.cacheCreation,
    cache_read_input_tokens: n.cacheRead,
    cache_creation: {
      ephemeral_5m_input_tokens: cache1h ? 0 : n.cacheCreation,
      ephemeral_1h_input_tokens: cache1h ? n.cacheCreation : 0,
    },
    output_tokens: n.output,
  };
  if (n.thinking !== undefined) u.output_tokens_details = { thinking_tokens: n.thinking };
  u.service_tier = 'standard';
  u.inference_geo = 'not_available';
  return u;
}

export function assistantMessage(model: string, id: string, block: Rec, u: Rec, stop: string | null): Rec {
  return { model, id, type: 'message', role: 'assistant', content: [block], stop_reason: stop, stop_sequence: null, usage: u };
}

export function assistant(c: SessionCtx, parent: string | null, uuid: string, t: number, message: Rec, requestId: string): Rec {
  return { ...head(c, parent), message, requestId, type: 'assistant', uuid, timestamp: iso(t) };
}

export function user(c: SessionCtx, parent: string | null, uuid: string, t: number, content: unknown, extra?: Rec): Rec {
  return { ...head(c, parent), type: 'user', message: { role: 'user', content }, uuid, timestamp: iso(t), ...extra };
}

export function toolResult(
  c: SessionCtx, parent: string, uuid: string, t: number,
  toolUseId: string, content: unknown, result: unknown, isError: boolean,
): Rec {
  const block: Rec = { tool_use_id: toolUseId, type: 'tool_result', content };
  if (isError) block.is_error = true;
  return { ...user(c, parent, uuid, t, [block]), toolUseResult: result, sourceToolAssistantUUID: parent };
}

/** A local placeholder (`<synthetic>` model, zero usage): API errors, "No response requested." */
export function synthetic(c: SessionCtx, parent: string | null, uuid: string, t: number, id: string, text: string, apiError: boolean): Rec {
  const message = {
    id, container: null, model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message',
    usage: {
      input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: null,
      cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
    },
    content: [{ type: 'text', text }],
    context_management: null,
  };
  const r: Rec = { ...head(c, parent), type: 'assistant', uuid, timestamp: iso(t), message, isApiErrorMessage: apiError };
  if (apiError) { r.error = 'server_error'; r.apiErrorStatus = 529; }
  return r;
}

export function progress(c: SessionCtx, parent: string | null, uuid: string, t: number, data: Rec, toolUseID: string, parentToolUseID: string): Rec {
  return { ...head(c, parent), type: 'progress', data, toolUseID, parentToolUseID, uuid, timestamp: iso(t) };
}

/** The mirror of one subagent record that Claude Code writes into the parent transcript. */
export function agentProgressData(sub: Rec, prompt: string, agentId: string): Rec {
  const m = sub.message as Rec;
  const message: Rec = sub.type === 'assistant'
    ? { type: 'assistant', timestamp: sub.timestamp, message: { ...m, context_management: null }, requestId: sub.requestId, uuid: sub.uuid }
    : { type: 'user', message: m, uuid: sub.uuid, timestamp: sub.timestamp };
  return { message, normalizedMessages: [], type: 'agent_progress', prompt, agentId };
}

export function system(c: SessionCtx, parent: string | null, uuid: string, t: number, subtype: string, fields: Rec): Rec {
  return { ...head(c, parent), type: 'system', subtype, ...fields, timestamp: iso(t), uuid, isMeta: false };
}

export function snapshot(messageId: string, t: number): Rec {
  return { type: 'file-history-snapshot', messageId, snapshot: { messageId, trackedFileBackups: {}, timestamp: iso(t) }, isSnapshotUpdate: false };
}

export function summary(text: string, leafUuid: string): Rec {
  return { type: 'summary', summary: text, leafUuid };
}
