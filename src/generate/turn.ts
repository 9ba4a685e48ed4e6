// One "turn" of a Claude Code session as transcript lines: the user's prompt, then one or more
// API responses, each streamed as one line per content block (thinking, text, each tool_use),
// tool results, subagents (their own transcript plus `progress` mirrors in the parent), and the
// odd placeholder, interruption or malformed line. Reused by the history generator and the live
// demo: give it a seeded Prng, a SessionCtx (mutated: context grows, parentUuid advances) and a
// start time; it yields lines in time order.
import { ids, type Prng } from './prng.js';
import * as R from './records.js';
import type { Counts, Rec } from './records.js';
import { MODELS, subagentCtx, type SessionCtx } from './session.js';
import { paragraph, prompt as makePrompt, filePath, signature, words } from './text.js';
import { pickTool, runTool, toolInput, type ToolName, type ToolOutcome } from './tools.js';

/** The usage one assistant line reports, keyed like the readers dedupe it. */
export interface LineUsage extends Counts {
  /** `message.id:requestId`: all lines of one response share it. */
  key: string;
  model: string;
}

export interface TurnLine {
  /** One JSONL record without the trailing newline. */
  line: string;
  /** When Claude Code would append it. */
  at: Date;
  /** Top-level record type ('user', 'assistant', 'progress', 'system', ...) or 'junk'. */
  type: string;
  /** Subagent transcript name (`agent-a1b2c3d`); absent: the session's own file. */
  sub?: string;
  /** Real (billable) assistant lines only; not synthetic ones, not progress mirrors. */
  usage?: LineUsage;
}

export interface TurnOptions {
  /** The user's prompt; default: generated. */
  prompt?: string;
  /** API responses in the turn; default: geometric, mean 4. */
  rounds?: number;
  /** Allow Task calls (subagent transcripts); default true. */
  subagents?: boolean;
}

/** Internal: a record before serialization. `rec` is a raw string for junk. */
interface Item { rec: Rec | string; t: number; sub?: string; usage?: LineUsage }
interface Clock { t: number }

const COMPACT_PROMPT = 'Your task is to create a detailed summary of the conversation so far, paying close attention to the user\'s explicit requests and your previous actions.';
const CONTINUED = 'This session is being continued from a previous conversation that ran out of context. The summary below covers the earlier portion of the conversation.\n\n';

export function* turnLines(r: Prng, c: SessionCtx, at: Date, o: TurnOptions = {}): Generator<TurnLine> {
  let last = '';
  for (const it of turnItems(r, c, { t: at.getTime() }, o)) {
    let line: string;
    let type: string;
    if (typeof it.rec === 'string') {
      // Junk: "" (blank), garbage, or a cut-off copy of the previous record (a torn write).
      line = it.rec === 'torn' && last.length > 20 ? last.slice(0, r.int(10, last.length - 2)) : it.rec === 'torn' ? '{"type":"assist' : it.rec;
      type = 'junk';
    } else {
      line = JSON.stringify(it.rec);
      type = String(it.rec.type);
      if (!it.sub) last = line;
    }
    yield { line, at: new Date(it.t), type, sub: it.sub, usage: it.usage };
  }
}

function* turnItems(r: Prng, c: SessionCtx, clk: Clock, o: TurnOptions): Generator<Item> {
  const t0 = clk.t;
  if (c.context + c.pending > c.compactAt) yield* compact(r, c, clk);
  if (r.chance(0.03)) yield* localCommand(r, c, clk);

  const pu = c.ids.uuid();
  const text = o.prompt ?? makePrompt(r, filePath(r, c.cwd).slice(c.cwd.length + 1));
  yield { rec: R.snapshot(pu, clk.t + r.int(20, 120)), t: clk.t };
  yield main(c, R.user(c, c.parentUuid, pu, clk.t, text, { permissionMode: 'default' }), clk.t);
  c.pending += Math.ceil(text.length / 4) + 20;

  if (r.chance(0.015)) {
    // The API kept failing: Claude Code gives up and writes a placeholder.
    clk.t += r.int(5_000, 60_000);
    const msg = 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    yield main(c, R.synthetic(c, c.parentUuid, c.ids.uuid(), clk.t, c.ids.uuid(), msg, true), clk.t);
    return;
  }
  const junkAt = r.chance(c.junkRate) ? r.int(0, 2) : -1;
  const rounds = o.rounds ?? r.count(4, 40);
  const interruptAt = rounds > 1 && r.chance(0.03) ? r.int(1, rounds - 1) : -1;
  for (let i = 0; i < rounds; i++) {
    if (i === junkAt) yield junk(r, clk);
    if (i === interruptAt) {
      clk.t += r.int(500, 20_000);
      yield main(c, R.user(c, c.parentUuid, c.ids.uuid(), clk.t, [{ type: 'text', text: '[Request interrupted by user]' }]), clk.t);
      return;
    }
    const final = i === rounds - 1;
    yield* response(r, c, clk, { tools: final ? 0 : r.count(1.6, 8), subagents: o.subagents ?? true });
  }
  if (c.hooks) {
    clk.t += r.int(50, 2000);
    const hookInfos = [{ command: '~/.claude/hooks/notify.sh stop' }];
    yield main(c, R.system(c, c.parentUuid, c.ids.uuid(), clk.t, 'stop_hook_summary', { hookCount: 1, hookInfos, hookErrors: [], preventedContinuation: false, stopReason: '', hasOutput: false, level: 'suggestion' }), clk.t);
  }
  if (r.chance(0.4)) yield main(c, R.system(c, c.parentUuid, c.ids.uuid(), clk.t + 40, 'turn_duration', { durationMs: clk.t + 40 - t0 }), clk.t + 40);
  if (junkAt >= rounds) yield junk(r, clk);
}

/** Wraps a record of the current transcript and advances its parentUuid chain. */
function main(c: SessionCtx, rec: Rec, t: number, usage?: LineUsage): Item {
  c.parentUuid = rec.uuid as string;
  return { rec, t, sub: c.agentId === undefined ? undefined : subFile(c.agentId), usage };
}

const subFile = (agentId: string): string => `agent-${agentId}`;

function junk(r: Prng, clk: Clock): Item {
  const kind = r.weighted([['', 3], ['torn', 5], ['garbage', 2], ['nul', 1]] as const);
  const rec = kind === 'garbage' ? `${words(r, r.int(2, 8))} ${r.base62(r.int(4, 40))}` : kind === 'nul' ? '\u0000'.repeat(r.int(1, 64)) : kind;
  return { rec, t: clk.t };
}

/** `/model` run locally: command records and a zero-usage "No response requested." placeholder. */
function* localCommand(r: Prng, c: SessionCtx, clk: Clock): Generator<Item> {
  yield main(c, R.user(c, c.parentUuid, c.ids.uuid(), clk.t, '<command-name>/model</command-name>\n            <command-message>model</command-message>\n            <command-args></command-args>'), clk.t);
  yield main(c, R.user(c, c.parentUuid, c.ids.uuid(), clk.t, '<local-command-stdout>Kept model as Default (recommended)</local-command-stdout>'), clk.t);
  clk.t += r.int(50, 400);
  yield main(c, R.synthetic(c, c.parentUuid, c.ids.uuid(), clk.t, c.ids.uuid(), 'No response requested.', false), clk.t);
  clk.t += r.int(3_000, 60_000);
}

interface Block { block: Rec; tokens: number; tool?: { id: string; name: ToolName; input: Rec } }

/**
 * One API response: a line per content block, all with the same message.id / requestId and the
 * same input and cache counts; output_tokens stays at its first streamed value on all lines but
 * the last (sometimes it climbs), and stop_reason is nearly always null. Then the tool calls run.
 * Returns the response's text (the subagent's report, for Task results).
 */
function* response(r: Prng, c: SessionCtx, clk: Clock, o: { tools: number; subagents: boolean }): Generator<Item, string> {
  const msgId = ids.message(c.ids);
  const reqId = ids.request(c.ids);
  const blocks: Block[] = [];
  let text = '';
  if (c.thinking && r.chance(0.55)) {
    if (r.chance(0.3)) blocks.push({ block: { type: 'text', text: '\n\n' }, tokens: 1 });
    const tokens = Math.max(8, Math.round(r.logNormal(180, 1)));
    const thought = c.emptyThinking ? '' : paragraph(r, Math.ceil(tokens / 18));
    blocks.push({ block: { type: 'thinking', thinking: thought, signature: signature(r) }, tokens });
  }
  if (o.tools === 0 || r.chance(0.6)) {
    text = paragraph(r, o.tools === 0 ? r.int(1, 10) : r.int(1, 2));
    blocks.push({ block: { type: 'text', text }, tokens: Math.ceil(text.length / 4) });
  }
  for (let i = 0; i < o.tools; i++) {
    const name = pickTool(r, o.subagents, c.agentId !== undefined);
    const input = toolInput(r, c, name);
    const id = ids.toolUse(c.ids);
    const block = { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
    blocks.push({ block, tokens: Math.ceil(JSON.stringify(input).length / 3.5) + 12, tool: { id, name, input } });
  }

  const thinkTotal = blocks.reduce((n, b) => n + (b.block.type === 'thinking' ? b.tokens : 0), 0);
  const final = blocks.reduce((n, b) => n + b.tokens, 0) + r.int(1, 20);
  const first = Math.min(final, r.int(1, 30));
  const climbs = r.chance(0.2);
  let counts: Counts = { input: r.chance(0.92) ? r.int(1, 9) : r.int(10, 2500), output: first, cacheCreation: c.pending, cacheRead: c.context };
  if (r.chance(0.05)) {
    // Cache miss: part of the prefix is written again.
    const miss = r.int(0, counts.cacheRead);
    counts = { ...counts, cacheRead: counts.cacheRead - miss, cacheCreation: counts.cacheCreation + miss };
  }
  const key = `${msgId}:${reqId}`;

  clk.t += r.int(1200, 5000) + Math.floor(c.context / 40);
  const toolLines: { uuid: string; tool: NonNullable<Block['tool']> }[] = [];
  let streamed = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const lastLine = i === blocks.length - 1;
    streamed += b.tokens;
    const output = lastLine ? final : climbs ? Math.max(first, Math.min(final - 1, streamed)) : first;
    const n: Counts = { ...counts, output };
    if (c.thinkingTokens) n.thinking = Math.min(thinkTotal, output);
    const stop = !lastLine ? null : o.tools > 0 ? (r.chance(0.1) ? 'tool_use' : null) : r.chance(0.15) ? 'end_turn' : null;
    const uuid = c.ids.uuid();
    const message = R.assistantMessage(c.model, msgId, b.block, R.usage(n, c.cache1h), stop);
    yield main(c, R.assistant(c, c.parentUuid, uuid, clk.t, message, reqId), clk.t, { key, model: c.model, ...n });
    if (b.tool) {
      toolLines.push({ uuid, tool: b.tool });
      if (c.hooks) yield hook(r, c, clk, b.tool);
    }
    clk.t += Math.max(80, Math.round((b.tokens / r.range(40, 110)) * 1000));
  }
  c.context = counts.cacheRead + counts.cacheCreation;
  c.pending = final;

  // Tools run one after another; each result points at the line that asked for it.
  for (const { uuid, tool } of toolLines) {
    let out: ToolOutcome;
    if (tool.name === 'Task') {
      out = yield* subagent(r, c, clk, tool.id, msgId, tool.input);
    } else {
      out = runTool(r, tool.name, tool.input);
      if (tool.name === 'Bash' && out.ms > 3000) yield* bashProgress(r, c, clk, tool.id, out);
      clk.t += out.ms;
    }
    const rec = R.toolResult(c, uuid, c.ids.uuid(), clk.t, tool.id, out.content, out.result, out.isError);
    yield main(c, rec, clk.t);
    c.pending += Math.ceil(out.chars / 3.8) + 10;
    clk.t += r.int(0, 3);
  }
  return text;
}

function hook(r: Prng, c: SessionCtx, clk: Clock, tool: { id: string; name: string }): Item {
  clk.t += r.int(2, 30);
  const data = { type: 'hook_progress', hookEvent: 'PreToolUse', hookName: `PreToolUse:${tool.name}`, command: '~/.claude/hooks/guard.sh' };
  return main(c, R.progress(c, c.parentUuid, c.ids.uuid(), clk.t, data, tool.id, tool.id), clk.t);
}

function* bashProgress(r: Prng, c: SessionCtx, clk: Clock, toolId: string, out: ToolOutcome): Generator<Item> {
  const text = typeof out.content === 'string' ? out.content : '';
  const steps = Math.min(6, Math.floor(out.ms / 3000));
  for (let i = 0; i < steps; i++) {
    const t = clk.t + (i + 1) * 2000;
    const shown = text.slice(0, Math.min(text.length, 1000));
    const data = { type: 'bash_progress', output: shown, fullOutput: shown, elapsedTimeSeconds: (i + 1) * 2, totalLines: shown.split('\n').length, timeoutMs: 120000 };
    yield main(c, R.progress(c, c.parentUuid, c.ids.uuid(), t, data, `bash-progress-${i}`, toolId), t);
  }
}

/**
 * A Task call: the subagent writes its own transcript (`subagents/agent-<id>.jsonl`,
 * isSidechain, agentId) while the parent gets `progress` records that embed copies of those
 * messages, usage included. Readers must count the subagent file and not the mirrors.
 */
function* subagent(r: Prng, c: SessionCtx, clk: Clock, toolId: string, parentMsgId: string, input: Rec): Generator<Item, ToolOutcome> {
  const agentId = ids.agent(c.ids);
  const s = subagentCtx(r, c, agentId, r.chance(0.6) ? MODELS.sonnet : MODELS.haiku);
  const task = String(input.prompt);
  const start = clk.t;
  const mirror = (it: Item): Item | null => {
    if (typeof it.rec === 'string' || (it.rec.type !== 'user' && it.rec.type !== 'assistant') || !r.chance(0.85)) return null;
    const data = R.agentProgressData(it.rec, task, agentId);
    return main(c, R.progress(c, c.parentUuid, c.ids.uuid(), it.t, data, `agent_${parentMsgId}`, toolId), it.t);
  };
  clk.t += r.int(5, 50);
  const first = main(s, R.user(s, null, s.ids.uuid(), clk.t, task), clk.t);
  yield first;
  const m0 = mirror(first);
  if (m0) yield m0;
  s.pending += Math.ceil(task.length / 4);

  const rounds = r.count(5, 25);
  let report = '';
  let toolUses = 0;
  for (let i = 0; i < rounds; i++) {
    const tools = i === rounds - 1 ? 0 : r.count(2, 8);
    toolUses += tools;
    const gen = response(r, s, clk, { tools, subagents: false });
    for (let n = gen.next(); ; n = gen.next()) {
      if (n.done) { report = n.value; break; }
      yield n.value;
      const m = mirror(n.value);
      if (m) yield m;
    }
  }
  const totalTokens = s.context + s.pending;
  const ms = clk.t - start;
  const content = [
    { type: 'text', text: report },
    { type: 'text', text: `agentId: ${agentId} (for resuming to continue this agent's work if needed)\n<usage>total_tokens: ${totalTokens}\ntool_uses: ${toolUses}\nduration_ms: ${ms}</usage>` },
  ];
  const result = { status: 'completed', prompt: task, agentId, content: content.slice(0, 1), totalDurationMs: ms, totalTokens, totalToolUseCount: toolUses };
  return { content, result, ms: 0, isError: false, chars: report.length + 200 };
}

/** Auto-compaction: an `acompact` subagent summarizes, the parent restarts from the summary. */
function* compact(r: Prng, c: SessionCtx, clk: Clock): Generator<Item> {
  const agentId = ids.compactAgent(c.ids);
  const s = subagentCtx(r, c, agentId, c.model);
  s.context = c.context;
  s.pending = c.pending + 600;
  clk.t += r.int(500, 3000);
  yield main(s, R.user(s, s.parentUuid, s.ids.uuid(), clk.t, COMPACT_PROMPT), clk.t);
  const text = paragraph(r, r.int(25, 90));
  const n: Counts = { input: r.int(3, 10), output: Math.ceil(text.length / 4) + r.int(50, 400), cacheCreation: s.pending, cacheRead: s.context };
  if (c.thinkingTokens) n.thinking = 0;
  const msgId = ids.message(c.ids);
  const reqId = ids.request(c.ids);
  clk.t += r.int(20_000, 90_000);
  const message = R.assistantMessage(s.model, msgId, { type: 'text', text }, R.usage(n, c.cache1h), null);
  yield main(s, R.assistant(s, s.parentUuid, s.ids.uuid(), clk.t, message, reqId), clk.t, { key: `${msgId}:${reqId}`, model: s.model, ...n });

  clk.t += r.int(100, 900);
  const pre = c.context + c.pending;
  const boundary = R.system(c, null, c.ids.uuid(), clk.t, 'compact_boundary', { logicalParentUuid: c.parentUuid, content: 'Conversation compacted', level: 'info', compactMetadata: { trigger: 'auto', preTokens: pre } });
  yield main(c, boundary, clk.t);
  yield main(c, R.user(c, c.parentUuid, c.ids.uuid(), clk.t + 1, CONTINUED + text, { isVisibleInTranscriptOnly: true, isCompactSummary: true }), clk.t + 1);
  c.context = r.int(9000, 14000);
  c.pending = Math.ceil(text.length / 4) + r.int(2000, 6000);
  clk.t += r.int(1000, 5000);
}

/** A SessionStart hook record, written first in a session file when hooks are configured. */
export function sessionStartLine(r: Prng, c: SessionCtx, at: Date, source: 'startup' | 'resume'): TurnLine {
  const id = c.ids.uuid();
  const t = at.getTime() + r.int(0, 50);
  const data = { type: 'hook_progress', hookEvent: 'SessionStart', hookName: `SessionStart:${source}`, command: '~/.claude/hooks/notify.sh clear' };
  const rec = R.progress(c, c.parentUuid, c.ids.uuid(), t, data, id, id);
  c.parentUuid = rec.uuid as string;
  return { line: JSON.stringify(rec), at: new Date(t), type: 'progress' };
}
