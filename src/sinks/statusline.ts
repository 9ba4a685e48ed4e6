// The short line Claude Code shows under the prompt: its own figures from stdin, plus
// the daemon's gauges when a daemon is running.
import type { LimitsEvent } from '../core/events.js';
import type { Snapshot } from '../core/snapshot.js';
import { compact } from './terminal/line.js';

export interface StatuslineInput {
  model?: { display_name?: string; id?: string };
  rate_limits?: {
    five_hour?: { used_percentage?: number | string; resets_at?: number | string } | null;
    seven_day?: { used_percentage?: number | string; resets_at?: number | string } | null;
  };
}

/** @param limits Claude Code's own figures, already checked as the hand-off checks them (null: none usable). */
export function renderStatusline(input: StatuslineInput | null, limits: LimitsEvent | null, snap: Snapshot | null, now = Date.now()): string {
  const parts: string[] = [];
  const five = limits?.fiveHour ?? null;
  const seven = limits?.sevenDay ?? null;
  if (five) {
    const reset = clock(five.resetsAt, now);
    parts.push(`5h ${Math.round(five.usedPercentage)}%${reset ? ` until ${reset}` : ''}`);
  } else if (snap && snap.window_5h_tokens > 0) {
    parts.push(`5h ~${Math.round(snap.window_5h_pct * 100)}%`);
  }
  if (seven) parts.push(`7d ${Math.round(seven.usedPercentage)}%`);
  if (snap) {
    parts.push(`${compact(snap.rate_1m)} tok/min`);
    if (snap.tokens_5m > 0) parts.push(`cache ${Math.round(snap.cache_hit_rate * 100)}%`);
    const lamps = [snap.hot && 'HOT', snap.warn && 'WARN', snap.stall && 'STALL'].filter(Boolean);
    if (lamps.length) parts.push(lamps.join(' '));
  }
  // Claude Code's stdin is input like any other: a name that is not a short string is not shown.
  const raw = input?.model?.display_name;
  const model = typeof raw === 'string' ? raw.replace(/[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '').slice(0, 64) : '';
  return [model, ...parts].filter(Boolean).join(' · ') || 'claude-gauge';
}

function clock(ms: number, now: number): string | null {
  if (ms <= now) return null;
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
