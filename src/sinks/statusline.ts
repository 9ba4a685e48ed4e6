// The short line Claude Code shows under the prompt: its own figures from stdin, plus
// the daemon's gauges when a daemon is running. One small function per segment; the
// `statusline` setting picks them and their order.
import type { LimitsEvent } from '../core/events.js';
import type { Snapshot } from '../core/snapshot.js';
import { DEFAULT_FORMAT, type SegmentName } from '../config/statusline-format.js';
import { compact, finite as num, hhmm as clock, instant as time } from './terminal/line.js';

export interface StatuslineInput {
  model?: { display_name?: string; id?: string };
  rate_limits?: {
    five_hour?: { used_percentage?: number | string; resets_at?: number | string } | null;
    seven_day?: { used_percentage?: number | string; resets_at?: number | string } | null;
  };
  context_window?: unknown;
  exceeds_200k_tokens?: unknown;
}

/** This session's context as Claude Code reported it on stdin, already checked. */
export interface SessionContext {
  /** 0-1, or null when only `exceeds_200k_tokens` was usable. */
  pct: number | null;
  warn: boolean;
  over200k: boolean;
}

export interface StatuslineOptions {
  format?: readonly SegmentName[];
  /** This session's context from stdin; null or absent: the daemon's figure for the session active last. */
  context?: SessionContext | null;
}

interface View {
  input: StatuslineInput | null;
  limits: LimitsEvent | null;
  snap: Snapshot | null;
  now: number;
  context: SessionContext | null;
}

type Segment = (v: View) => string | null;

/** Every segment by its name in the format: what it shows, or null when it has nothing to show. */
export const SEGMENT_RENDERERS: Record<SegmentName, Segment> = {
  model: ({ input }) => {
    // Claude Code's stdin is input like any other: a name that is not a short string is not shown.
    const raw = input?.model?.display_name;
    return typeof raw === 'string' ? raw.replace(/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '').slice(0, 64) || null : null;
  },
  '5h': ({ limits, snap, now }) => {
    const five = limits?.fiveHour;
    if (five) {
      const reset = five.resetsAt > now ? clock(five.resetsAt) : null;
      return `5h ${Math.round(five.usedPercentage)}%${reset ? ` until ${reset}` : ''}`;
    }
    return snap && snap.window_5h_tokens > 0 ? `5h ~${Math.round(snap.window_5h_pct * 100)}%` : null;
  },
  range: ({ snap, now }) => {
    if (!snap) return null;
    const at = time(snap.window_5h_empty_at);
    if (snap.window_5h_runs_out === true && at !== null) return at > now ? `empty ${clock(at)}` : 'empty now';
    // An open window that this burn (or no burn) does not empty before it resets.
    return time(snap.window_5h_resets_at) !== null ? 'lasts to reset' : null;
  },
  '7d': ({ limits, snap }) => {
    if (limits?.sevenDay) return `7d ${Math.round(limits.sevenDay.usedPercentage)}%`;
    // The local estimate needs a ceiling learned from Claude Code's own figures; raw tokens are `watch`'s (the default line stays as it was).
    const estimate = num(snap?.seven_day_estimate_pct);
    return estimate !== null ? `7d ~${Math.round(estimate * 100)}%` : null;
  },
  cost: ({ snap }) => {
    const block = num(snap?.cost_block_usd);
    if (block === null) return null;
    const burn = num(snap?.cost_burn_usd_per_h);
    return `$${block.toFixed(2)}${burn !== null && burn > 0 ? ` · $${burn.toFixed(burn < 100 ? 1 : 0)}/h` : ''}`;
  },
  context: ({ snap, context }) => {
    // This session's own figure from stdin beats the daemon's, which is the session active last.
    if (context) {
      if (context.pct === null) return context.over200k ? 'ctx >200k!' : null;
      return `ctx ${Math.round(context.pct * 100)}%${context.warn ? '!' : ''}`;
    }
    const pct = num(snap?.context_pct);
    return pct === null ? null : `ctx ${Math.round(pct * 100)}%${snap?.context_warn === true ? '!' : ''}`;
  },
  tach: ({ snap }) => (snap ? `${compact(snap.rate_1m)} tok/min` : null),
  cache: ({ snap }) => (snap && snap.tokens_5m > 0 ? `cache ${Math.round(snap.cache_hit_rate * 100)}%` : null),
  lamps: ({ snap }) => {
    if (!snap) return null;
    const lamps = [snap.hot && 'HOT', snap.warn && 'WARN', snap.stall && 'STALL'].filter(Boolean);
    return lamps.length ? lamps.join(' ') : null;
  },
};

/** @param limits Claude Code's own figures, already checked as the hand-off checks them (null: none usable). */
export function renderStatusline(input: StatuslineInput | null, limits: LimitsEvent | null, snap: Snapshot | null, now = Date.now(), o: StatuslineOptions = {}): string {
  const view: View = { input, limits, snap, now, context: o.context ?? null };
  const parts = (o.format ?? DEFAULT_FORMAT).map((name) => SEGMENT_RENDERERS[name](view));
  return parts.filter(Boolean).join(' · ') || 'claude-gauge';
}
