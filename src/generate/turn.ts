// One "turn" of a Claude Code session as transcript lines: the user's prompt, then one or more
// API responses, each streamed as one line per content block (thinking, text, each tool_use),
// tool results, subagents (their own transcript plus `progress` mirrors in the parent), and the
// odd placeholder, interruption or malformed line. Reused by the history generator and the live
// demo: give it a seeded Prng, a SessionCtx (mutated: context grows, parentUuid advances) and a
// start time; it yields lines in time order.
import type { Prng } from './prng.js';
import * as R from './records.js';
import { compact, main, response, type Clock, type Item, type LineUsage } from './response.js';
import type { SessionCtx } from './session.js';
import { filePath, prompt as makePrompt, words } from './text.js';

export type { LineUsage } from './response.js';

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
  /** API responses in the turn; default: geometric, mean 6. */
  rounds?: number;
  /** Allow Task calls (subagent transcripts); default true. */
  subagents?: boolean;
  /** Force (true) or forbid (false) one malformed line; default: chance ctx.junkRate. */
  junk?: boolean;
}

/**
 * The lines of one turn starting at `at`: optional compaction, the prompt, `rounds` responses with
 * their tool calls, closing system records. Mutates `c` (context size, parentUuid) so the next
 * turn continues the conversation. Lines with `sub` belong in `<session>/subagents/<sub>.jsonl`.
 */
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
  if (r.chance(0.04)) yield* localCommand(r, c, clk);

  const pu = c.ids.uuid();
  const text = o.prompt ?? makePrompt(r, filePath(r, c.cwd).slice(c.cwd.length + 1));
  yield { rec: R.snapshot(pu, clk.t + r.int(20, 120)), t: clk.t };
  yield main(c, R.user(c, c.parentUuid, pu, clk.t, text, { permissionMode: 'default' }), clk.t);
  c.pending += Math.ceil(text.length / 4) + 20;

  if (r.chance(0.02)) {
    // The API kept failing: Claude Code gives up and writes a placeholder.
    clk.t += r.int(5_000, 60_000);
    const msg = 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    yield main(c, R.synthetic(c, c.parentUuid, c.ids.uuid(), clk.t, c.ids.uuid(), msg, true), clk.t);
    return;
  }
  const junkAt = (o.junk ?? r.chance(c.junkRate)) ? r.int(0, 2) : -1;
  const rounds = o.rounds ?? r.count(6, 40);
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
  if (r.chance(0.4)) {
    clk.t += r.int(5, 60);
    yield main(c, R.system(c, c.parentUuid, c.ids.uuid(), clk.t, 'turn_duration', { durationMs: clk.t - t0 }), clk.t);
  }
  if (junkAt >= rounds) yield junk(r, clk);
}

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

/** A SessionStart hook record, written first in a session file when hooks are configured. */
export function sessionStartLine(c: SessionCtx, at: Date, source: 'startup' | 'resume'): TurnLine {
  const id = c.ids.uuid();
  const t = at.getTime();
  const data = { type: 'hook_progress', hookEvent: 'SessionStart', hookName: `SessionStart:${source}`, command: '~/.claude/hooks/notify.sh clear' };
  const rec = R.progress(c, c.parentUuid, c.ids.uuid(), t, data, id, id);
  c.parentUuid = rec.uuid as string;
  return { line: JSON.stringify(rec), at: new Date(t), type: 'progress' };
}
