// Every stats query once, by name: the JSON API (/api/<path>) and the MCP tools both come from here.
import type { Snapshot } from '../../core/snapshot.js';
import type { Db } from '../../store/db.js';
import type { IngestStatus } from '../../store/follow.js';
import { blocks, sessions, tools } from './activity.js';
import { character } from './character.js';
import type { Filter } from './filter.js';
import { denials, interrupts } from './friction.js';
import { projectSwitching, streaks } from './rhythm.js';
import { bashCommands, files, languages } from './work.js';
import { cache, daily, heatmap, projection, projects, stopReasons, subagents, thinking, totals } from './usage.js';

export interface StatsContext {
  db: Db;
  snapshot?: () => Snapshot;
  ingest?: () => IngestStatus;
  now?: () => number;
}

export interface Query {
  /** MCP tool name. */
  tool: string;
  /** Path under /api/. */
  path: string;
  description: string;
  /** Reads only the daemon's live state, never the history: answered on the daemon's thread (runner.ts). */
  live?: true;
  run(ctx: StatsContext, f: Filter): unknown;
}

const now = (ctx: StatsContext) => (ctx.now ?? Date.now)();

export function usageNow(ctx: StatsContext) {
  const s = ctx.snapshot?.();
  if (!s) return { available: false };
  return {
    available: true,
    window_5h_pct: s.window_5h_pct,
    window_5h_source: s.window_5h_source,
    window_5h_tokens: s.window_5h_tokens,
    window_5h_ceiling: s.window_5h_ceiling,
    window_5h_resets_at: s.window_5h_resets_at,
    seven_day_pct: s.seven_day_pct,
    seven_day_resets_at: s.seven_day_resets_at,
    rate_1m: s.rate_1m,
    thinking_ratio: s.thinking_ratio,
    cache_hit_rate: s.cache_hit_rate,
    last_model_id: s.last_model_id,
    burn_rate_tpm: s.burn_rate_tpm,
    window_5h_empty_at: s.window_5h_empty_at,
    window_5h_runs_out: s.window_5h_runs_out,
    cost_block_usd: s.cost_block_usd,
    cost_today_usd: s.cost_today_usd,
    cost_burn_usd_per_h: s.cost_burn_usd_per_h,
    seven_day_tokens: s.seven_day_tokens,
    seven_day_estimate_pct: s.seven_day_estimate_pct,
    context_pct: s.context_pct,
    context_warn: s.context_warn,
    updated_at: s.updated_at,
  };
}

export const QUERIES: readonly Query[] = [
  { tool: 'usage_now', path: 'now', live: true, description: 'The live figures: 5-hour window (and its source), when it runs out at the current burn, cost (block, today, per hour), the seven-day figure, context fill, tokens/min, cache hit, thinking ratio.', run: (ctx) => usageNow(ctx) },
  // The history's progress alone: what a script or the bench polls while it fills, without the totals' queries (which cost the daemon's thread tens of milliseconds on a large history).
  { tool: 'history_status', path: 'ingest', live: true, description: 'How far the durable history has read: files done of files total, lines, skipped lines, whether it has read everything, and the last error.', run: (ctx) => ({ ingest: ctx.ingest?.() ?? null }) },
  {
    tool: 'summary', path: 'summary', description: 'Totals for the range (responses, tokens, cost, cache savings, sessions), the projects to filter by, and the ingest status.',
    run: (ctx, f) => ({ totals: totals(ctx.db, f), projects: projects(ctx.db, { ...f, from: 0, to: Number.MAX_SAFE_INTEGER, project: null }).rows.map((p) => ({ project: p.project, label: p.label })), ingest: ctx.ingest?.() ?? null, tz: f.tz }),
  },
  { tool: 'daily', path: 'daily', description: 'Tokens by type and cost per local day and model.', run: (ctx, f) => daily(ctx.db, f) },
  {
    tool: 'blocks', path: 'blocks', description: "The 5-hour blocks (ccusage's definition) with tokens, cost and share of the 5H PLAN ceiling.",
    run: (ctx, f) => blocks(ctx.db, f, ctx.snapshot?.().window_5h_ceiling ?? null, now(ctx)),
  },
  { tool: 'heatmap', path: 'heatmap', description: 'Responses, tokens and cost by local weekday x hour.', run: (ctx, f) => heatmap(ctx.db, f) },
  { tool: 'projects', path: 'projects', description: 'Tokens, cost, responses and sessions per project.', run: (ctx, f) => projects(ctx.db, f) },
  { tool: 'cache', path: 'cache', description: 'Cache hit rate per day and the money the cache saved.', run: (ctx, f) => cache(ctx.db, f) },
  { tool: 'projection', path: 'projection', description: 'Burn rate over the last 7 days and the projected 30-day spend; month to date.', run: (ctx, f) => projection(ctx.db, f, now(ctx)) },
  { tool: 'sessions', path: 'sessions', description: 'Sessions: count, length distribution, responses and prompts each, all-nighters.', run: (ctx, f) => sessions(ctx.db, f) },
  { tool: 'tools', path: 'tools', description: 'Tool calls by name, with failures (tool results marked is_error).', run: (ctx, f) => tools(ctx.db, f) },
  { tool: 'thinking', path: 'thinking', description: 'Thinking tokens / output tokens per day, and how much of it the API reported.', run: (ctx, f) => thinking(ctx.db, f) },
  { tool: 'stop_reasons', path: 'stop-reasons', description: 'Responses by stop reason.', run: (ctx, f) => stopReasons(ctx.db, f) },
  { tool: 'subagents', path: 'subagents', description: "Subagents' share of tokens and responses per day.", run: (ctx, f) => subagents(ctx.db, f) },
  { tool: 'bash_commands', path: 'bash', description: 'Bash calls by the program they ran (after cd, variable assignments, sudo/env/time), with failures and denials. Program names only, never command lines.', run: (ctx, f) => bashCommands(ctx.db, f) },
  { tool: 'files', path: 'files', description: 'The most edited files (Edit, Write, MultiEdit, NotebookEdit calls that did not fail), with reads and last edit. Paths are private: this machine only, or with the token.', run: (ctx, f) => files(ctx.db, f) },
  { tool: 'languages', path: 'languages', description: 'Languages touched, by the extension of the files read and edited: edits, reads, files.', run: (ctx, f) => languages(ctx.db, f) },
  { tool: 'interrupts', path: 'interrupts', description: 'Turns the user interrupted (Esc: "[Request interrupted by user"), during a reply or a tool, per day and project, and per prompt.', run: (ctx, f) => interrupts(ctx.db, f) },
  { tool: 'denials', path: 'denials', description: 'Tool calls refused a permission: rejected at the prompt, denied by a rule, or not granted; by tool and day, and their share of tool calls.', run: (ctx, f) => denials(ctx.db, f) },
  { tool: 'streaks', path: 'streaks', description: 'Active days (a local day with a response) and streaks of consecutive ones: current, longest, every run.', run: (ctx, f) => streaks(ctx.db, f, now(ctx)) },
  { tool: 'project_switching', path: 'project-switching', description: 'How often the work moves between projects: prompts in another project than the previous one the same day, and sessions in another project than the one before.', run: (ctx, f) => projectSwitching(ctx.db, f) },
  { tool: 'character', path: 'character', description: "Em-dashes and emoji in Claude's replies per week, the user's correction reflex and thank-you rate, most used phrases, all-nighters.", run: (ctx, f) => character(ctx.db, f) },
];

const BY_PATH = new Map(QUERIES.map((q) => [q.path, q] as const));

/** The query at /api/<path>; throws for a path that has none. */
export function queryAt(path: string): Query {
  const q = BY_PATH.get(path);
  if (!q) throw new Error(`no stats query at /api/${path}`);
  return q;
}
