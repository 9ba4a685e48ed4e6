// The snapshot: everything the outputs may show, computed once by the engine.
// Field names are the /usage payload's (schema/usage.schema.json); the seed's fields
// come first and never change meaning.
import type { ModelFamily } from './model.js';

export interface GaugePositions {
  /** 0-1000 integers, ready for a needle. */
  fuel: number;
  tach: number;
  temp: number;
  boost: number;
}

export interface SourceHealth {
  kind: string;
  ok: boolean;
  /** Human-readable problems, newest first; empty when healthy. */
  problems: string[];
  files: number;
  records: number;
  skipped_lines: number;
  /** Older history still being read in the background. */
  backfill: { done: boolean; files_done: number; files_total: number };
  /** Sources that poll a store (Prometheus): time of the newest sample read, or null before one. */
  newest_sample_at?: string | null;
  /** Seconds between that sample and this snapshot: how stale every figure is at least. */
  lag_s?: number | null;
}

export interface Snapshot {
  // The seed contract.
  rate_1m: number;
  window_5h_tokens: number;
  window_5h_pct: number;
  thinking_ratio: number;
  cache_hit_rate: number;
  last_model: ModelFamily;
  hot: boolean;
  warn: boolean;
  stall: boolean;
  idle: boolean;
  updated_at: string;
  // Additive fields.
  schema_version: number;
  seq: number;
  gauges: GaugePositions;
  last_model_id: string | null;
  window_5h_source: 'statusline' | 'estimate';
  window_5h_estimate_pct: number;
  window_5h_ceiling: number;
  window_5h_ceiling_source: 'configured' | 'auto' | 'default';
  window_5h_block_start: string | null;
  window_5h_block_end: string | null;
  window_5h_resets_at: string | null;
  seven_day_pct: number | null;
  seven_day_resets_at: string | null;
  tach_redline: number;
  thinking_source: 'reported' | 'estimated' | 'mixed' | 'none';
  tokens_5m: number;
  last_activity_at: string | null;
  turn_in_flight: boolean;
  stall_reason: 'turn-silent' | 'source-broken' | null;
  /** Where STALL/IDLE's turn state comes from: Claude Code's hooks (exact) or the transcripts (inferred). */
  turn_source: 'hooks' | 'transcripts';
  source: SourceHealth;
  /** Who counted window_5h_tokens: this daemon from its own source, or ccusage / Prometheus (hybrid setups). */
  window_5h_tokens_from: 'local' | 'ccusage' | 'prometheus';
  /** A separate source for the 5-hour window (`CLAUDE_GAUGE_FUEL`), or null when the main source counts it. */
  fuel_source: FuelHealth | null;
  // Range, cost, seven days and context (issue 18).
  /** Tokens per minute over the last 15 minutes, a single burst minute counted no higher than the next busiest. */
  burn_rate_tpm: number;
  /** When the 5-hour window reaches 100 % at burn_rate_tpm; null with no active window or no burn. */
  window_5h_empty_at: string | null;
  /** The window is projected to reach 100 % before it resets (WARN flashes on the cluster). */
  window_5h_runs_out: boolean;
  /** Finished blocks behind an `auto` ceiling (its P90 needs five), or null when it is not auto. */
  window_5h_ceiling_blocks: number | null;
  /** USD at list prices: the active 5-hour block, today (local day), the burn per hour; null while no price is known. */
  cost_block_usd: number | null;
  cost_today_usd: number | null;
  cost_burn_usd_per_h: number | null;
  /** Tokens counted here over the seven-day window (Claude Code's own when known, else the last 7 x 24 h). */
  seven_day_tokens: number;
  /** A weekly ceiling learned from the statusline's seven-day figures, or null before one was seen. */
  seven_day_ceiling: number | null;
  /** seven_day_tokens / seven_day_ceiling (0-1), or null without a learned ceiling. */
  seven_day_estimate_pct: number | null;
  /** The context window of the session active last: its latest request's input + cache read + cache write. */
  context_tokens: number | null;
  context_window: number | null;
  context_pct: number | null;
  /** context_pct at or above the warning threshold: the session is close to being compacted. */
  context_warn: boolean;
  context_model: string | null;
}

export interface FuelHealth {
  kind: 'ccusage' | 'prometheus';
  ok: boolean;
  problems: string[];
  /** Seconds since its last good figure, or null before the first. */
  age_s: number | null;
}

export const SCHEMA_VERSION = 1;
