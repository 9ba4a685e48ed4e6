// When to alert: a pure function of the previous and current snapshot, the clock and a small
// state. Lamps alert when they light (not while lit), fuel thresholds once per crossing with
// hysteresis, a 5-hour reset once per window; cooldowns and an hourly cap keep it quiet.
import type { Snapshot } from '../../core/snapshot.js';

export type AlertKind = 'hot' | 'warn' | 'stall' | 'reset' | 'fuel' | 'test';

export interface Alert {
  kind: AlertKind;
  /** What the cooldown is keyed on: the kind, or `fuel:80` for one threshold. */
  key: string;
  title: string;
  message: string;
  at: number;
}

export interface AlertRules {
  /** Fuel percentages (0-100), ascending. */
  fuel: number[];
  cooldownMs: number;
  maxPerHour: number;
  /** Percentage points fuel must fall below a threshold before it can alert again. */
  hysteresis: number;
}

export interface AlertState {
  /** Thresholds that may alert (fuel has been below them by the hysteresis). */
  armed: number[];
  /** Last send time per key. */
  lastSent: Record<string, number>;
  /** Send times within the last hour, for the cap. */
  recent: number[];
  /** Alerts dropped by the hourly cap so far. */
  dropped: number;
}

const HOUR = 3_600_000;

export function initialState(): AlertState {
  return { armed: [], lastSent: {}, recent: [], dropped: 0 };
}

const pct = (s: Snapshot) => Math.round(s.window_5h_pct * 1000) / 10;

/** Candidate alerts before rate limiting. `prev` null: the daemon just started, so nothing already lit alerts. */
function candidates(prev: Snapshot | null, cur: Snapshot, state: AlertState, rules: AlertRules, now: number): { alerts: Alert[]; armed: number[] } {
  const fuel = cur.window_5h_pct * 100;
  // At start-up every threshold not yet reached is armed and nothing alerts; later a threshold
  // re-arms only once fuel is comfortably below it (a new window), so hovering never nags.
  if (!prev) return { alerts: [], armed: rules.fuel.filter((t) => fuel < t) };
  const armed = new Set(state.armed);
  for (const t of rules.fuel) if (fuel < t - rules.hysteresis) armed.add(t);
  const alerts: Alert[] = [];
  const add = (kind: AlertKind, key: string, title: string, message: string) => alerts.push({ kind, key, title, message, at: now });
  const source = cur.window_5h_source === 'statusline' ? "Claude Code's figure" : 'estimate';
  if (cur.hot && !prev.hot) add('hot', 'hot', 'claude-gauge: HOT', `${Math.round(cur.rate_1m).toLocaleString('en-US')} tokens/min, above the redline of ${cur.tach_redline.toLocaleString('en-US')}`);
  if (cur.warn && !prev.warn) {
    const why = cur.window_5h_pct > 0.8 ? `5-hour plan at ${pct(cur)} % (${source})` : `cache hit rate down to ${Math.round(cur.cache_hit_rate * 100)} %`;
    add('warn', 'warn', 'claude-gauge: WARN', why);
  }
  if (cur.stall && !prev.stall) {
    const why = cur.stall_reason === 'source-broken' ? `the data source has a problem: ${cur.source.problems[0] ?? 'unknown'}` : 'a turn has been waiting on Claude with nothing written';
    add('stall', 'stall', 'claude-gauge: STALL', why);
  }
  const prevReset = prev.window_5h_resets_at;
  if (prevReset !== null && cur.window_5h_resets_at !== prevReset && now >= Date.parse(prevReset)) {
    add('reset', 'reset', 'claude-gauge: 5-hour window reset', `the window that ended at ${prevReset.slice(11, 16)} UTC is over; the plan is full again`);
  }
  // Several thresholds crossed at once: one alert, for the highest.
  const crossed = rules.fuel.filter((t) => armed.has(t) && fuel >= t);
  for (const t of crossed) armed.delete(t);
  if (crossed.length > 0) {
    const t = crossed[crossed.length - 1];
    add('fuel', `fuel:${t}`, `claude-gauge: 5-hour plan at ${t} %`, `${pct(cur)} % of the 5-hour plan used (${source})${cur.window_5h_resets_at ? `, resets at ${cur.window_5h_resets_at.slice(11, 16)} UTC` : ''}`);
  }
  return { alerts, armed: [...armed].sort((a, b) => a - b) };
}

/** The alerts to send now and the state to keep. Never mutates its inputs. */
export function evaluate(prev: Snapshot | null, cur: Snapshot, state: AlertState, rules: AlertRules, now: number): { alerts: Alert[]; state: AlertState } {
  const { alerts, armed } = candidates(prev, cur, state, rules, now);
  const next: AlertState = { armed, lastSent: { ...state.lastSent }, recent: state.recent.filter((t) => now - t < HOUR), dropped: state.dropped };
  const out: Alert[] = [];
  for (const a of alerts) {
    const last = next.lastSent[a.key];
    if (last !== undefined && now - last < rules.cooldownMs) continue;
    if (next.recent.length >= rules.maxPerHour) {
      next.dropped++;
      continue;
    }
    next.lastSent[a.key] = now;
    next.recent.push(now);
    out.push(a);
  }
  return { alerts: out, state: next };
}
