// One API response as transcript lines, and what hangs off it: tool calls and their results,
// hook progress, subagent runs (their own transcript plus `progress` mirrors in the parent) and
// auto-compaction. Internal to the generator; turn.ts is the public entry point.
import { ids, type Prng } from './prng.js';
import * as R from './records.js';
import type { Counts, Rec } from './records.js';
import { MODELS, subagentCtx, type SessionCtx } from './session.js';
import { paragraph, signature } from './text.js';
import { pickTool, runTool, toolInput, type ToolName, type ToolOutcome } from './tools.js';

/** The usage one assistant line reports, keyed like the readers dedupe it. */
export interface LineUsage extends Counts {
  /** `message.id:requestId`: all lines of one response share it. */
  key: string;
  model: string;
}

/** Internal: a record before serialization. `rec` is a raw string for junk. */
export interface Item { rec: Rec | string; t: number; sub?: string; usage?: LineUsage }
export interface Clock { t: number }

const COMPACT_PROMPT = 'Your task is to create a detailed summary of the conversation so far, paying close attention to the user\'s explicit requests and your previous actions.';
const CONTINUED = 'This session is being continued from a previous conversation that ran out of context. The summary below covers the earlier portion of the conversation.\n\n';

/** Wraps a record of the current transcript and advances its parentUuid chain. */
export function main(c: SessionCtx, rec: Rec, t: number, usage?: LineUsage): Item {
  c.parentUuid = rec.uuid as string;
  return { rec, t, sub: c.agentId === undefined ? undefined : subFile(c.agentId), usage };
}

const subFile = (agentId: string): string => `agent-${agentId}`;

interface Block { block: Rec; tokens: number; tool?: { id: string; name: ToolName; input: Rec } }

/**
 * One API response: a line per content block, all with the same message.id / requestId and the
 * same input and cache counts; output_tokens stays at its first streamed value on all lines but
 * the last (sometimes it climbs), and stop_reason is nearly always null. Then the tool calls run.
 * Returns the response's text (the subagent's report, for Task results).
 */
export function* response(r: Prng, c: SessionCtx, clk: Clock, o: { tools: number; subagents: boolean }): Generator<Item, string> {
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
  if (r.chance(0.01)) {
    // Cache miss: part of the prefix is written again.
    const miss = r.int(0, Math.floor(counts.cacheRead * 0.3));
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
      if (c.hooks) yield hook(r, c, clk, b.tool, 'PreToolUse');
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
      if (tool.name === 'Bash' && out.ms > 3000) yield* bashProgress(c, clk, tool.id, out);
      clk.t += out.ms;
    }
    const rec = R.toolResult(c, uuid, c.ids.uuid(), clk.t, tool.id, out.content, out.result, out.isError);
    yield main(c, rec, clk.t);
    if (c.hooks) yield hook(r, c, clk, tool, 'PostToolUse');
    c.pending += Math.min(25_000, Math.ceil(out.chars / 3.8)) + 10; // Claude Code truncates huge results
    clk.t += r.int(0, 3);
  }
  return text;
}

function hook(r: Prng, c: SessionCtx, clk: Clock, tool: { id: string; name: string }, event: 'PreToolUse' | 'PostToolUse'): Item {
  clk.t += r.int(2, 30);
  const data = { type: 'hook_progress', hookEvent: event, hookName: `${event}:${tool.name}`, command: event === 'PreToolUse' ? '~/.claude/hooks/guard.sh' : '~/.claude/hooks/format.sh' };
  return main(c, R.progress(c, c.parentUuid, c.ids.uuid(), clk.t, data, tool.id, tool.id), clk.t);
}

function* bashProgress(c: SessionCtx, clk: Clock, toolId: string, out: ToolOutcome): Generator<Item> {
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
export function* compact(r: Prng, c: SessionCtx, clk: Clock): Generator<Item> {
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
  c.context = r.int(14000, 22000);
  c.pending = Math.ceil(text.length / 4) + r.int(4000, 9000);
  clk.t += r.int(1000, 5000);
}
