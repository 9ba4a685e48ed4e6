// The alerts sink: follows the daemon's snapshots and sends what the rules allow through the
// configured channels. Delivery runs in the background and never throws into the daemon.
import type { Snapshot } from '../../core/snapshot.js';
import { Desktop, type Runner } from './desktop.js';
import { evaluate, initialState, type Alert, type AlertRules, type AlertState } from './rules.js';
import { Webhook } from './webhook.js';

export interface AlertSinkOptions {
  rules: AlertRules;
  desktop: boolean;
  webhookUrl: string | null;
  clock?: () => number;
  log?: (msg: string) => void;
  runner?: Runner;
  webhookBackoffMs?: number[];
}

export class AlertSink {
  private prev: Snapshot | null = null;
  private state: AlertState = initialState();
  private readonly clock: () => number;
  readonly desktop: Desktop | null;
  readonly webhook: Webhook | null;
  private readonly pendingDesktop = new Set<Promise<void>>();

  private readonly log: AlertSinkOptions['log'];
  private readonly rules: AlertSinkOptions['rules'];

  constructor(o: AlertSinkOptions) {
    this.log = o.log;
    this.rules = o.rules;

    this.clock = o.clock ?? Date.now;
    this.desktop = o.desktop ? new Desktop(o.runner, o.log) : null;
    this.webhook = o.webhookUrl
      ? new Webhook({ url: o.webhookUrl, log: o.log, backoffMs: o.webhookBackoffMs, context: () => this.context() })
      : null;
  }

  /** Feed every new snapshot (daemon.subscribe). */
  offer(s: Snapshot): void {
    try {
      const { alerts, state } = evaluate(this.prev, s, this.state, this.rules, this.clock());
      if (state.dropped > this.state.dropped) this.log?.(`alerts: hourly cap of ${this.rules.maxPerHour} reached; ${state.dropped} dropped so far`);
      this.prev = s;
      this.state = state;
      for (const a of alerts) this.send(a);
    } catch (e) {
      this.log?.(`alerts: ${(e as Error).message}`);
    }
  }

  /** Sends through every channel, bypassing the rules (`alerts test`). */
  send(a: Alert): void {
    this.webhook?.send(a);
    if (this.desktop) {
      const p = this.desktop.send(a).finally(() => this.pendingDesktop.delete(p));
      this.pendingDesktop.add(p);
    }
  }

  /** Resolves when every delivery started so far is done. */
  async idle(): Promise<void> {
    await Promise.all([this.webhook?.idle(), ...this.pendingDesktop]);
  }

  private context(): Record<string, unknown> {
    const s = this.prev;
    if (!s) return {};
    return { window_5h_pct: s.window_5h_pct, rate_1m: s.rate_1m, hot: s.hot, warn: s.warn, stall: s.stall, idle: s.idle, window_5h_resets_at: s.window_5h_resets_at };
  }
}

/** The sink as the settings describe it, or null when alerts are off. */
export function alertsFromConfig(c: { alerts: boolean; alertDesktop: boolean; webhookUrl: string | null; alertFuel: number[]; alertCooldownMinutes: number; alertMaxPerHour: number }, log?: (msg: string) => void, webhookBackoffMs?: number[]): AlertSink | null {
  if (!c.alerts) return null;
  return new AlertSink({
    rules: { fuel: c.alertFuel, cooldownMs: c.alertCooldownMinutes * 60_000, maxPerHour: c.alertMaxPerHour, hysteresis: 5 },
    desktop: c.alertDesktop,
    webhookUrl: c.webhookUrl,
    log,
    webhookBackoffMs,
  });
}

/** Starts following a daemon: what is lit at start-up is the baseline, not news. Returns the way to stop. */
export function followDaemon(sink: AlertSink, daemon: { snapshot(): Snapshot; subscribe(fn: (s: Snapshot) => void): () => void }): () => void {
  sink.offer(daemon.snapshot());
  return daemon.subscribe((s) => sink.offer(s));
}
