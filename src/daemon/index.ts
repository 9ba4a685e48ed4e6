// Wires sources -> engine -> snapshot. Outputs subscribe to 'change' or ask for snapshot().
import { EventEmitter } from 'node:events';
import type { Config } from '../config/index.js';
import type { GaugeEvent } from '../core/events.js';
import type { Snapshot, SourceHealth } from '../core/snapshot.js';
import { Admission } from '../core/admission.js';
import { Engine } from '../engine/engine.js';
import { CcusageFuel } from '../sources/ccusage/index.js';
import type { FuelSource, FuelSourceOptions } from '../sources/fuel.js';
import { HookSource } from '../sources/hooks/index.js';
import { makeMainSource, type MainSource } from '../sources/main.js';
import { PrometheusFuel } from './prometheus-fuel.js';
import { StatuslineSource } from '../sources/statusline/index.js';
import { engineSettings } from './load.js';
import { loadPriceFn, summarizeInChild } from './older-history.js';
import { readWeekly, writeWeekly } from './weekly-ceiling.js';
import type { WeeklyCeiling } from '../engine/outlook.js';

export { engineSettings, loadEngine } from './load.js';

export interface DaemonOptions {
  config: Config;
  clock?: () => number;
  log?: (msg: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** Recompute period, so time-driven changes (windows sliding, IDLE) are published. */
  tickMs?: number;
  /** Told of every transcript that grew while followed (the history store reads them too). */
  onFileGrew?: (path: string) => void;
}

export class Daemon extends EventEmitter<{ change: [Snapshot] }> {
  readonly engine: Engine;
  /** The transcripts, Claude Code's telemetry (`source: otlp`) or a Prometheus server (`source: prometheus`). */
  readonly main: MainSource;
  readonly statusline: StatuslineSource;
  /** Claude Code's hook records (claude-gauge hooks install): exact turn start and end. */
  readonly hooks: HookSource;
  /** Set in hybrid setups: who counts the 5-hour window beside the main source. */
  readonly fuel: FuelSource | null;
  private readonly clock: () => number;
  /** Every event from every source passes here: checked, counted, future records held. */
  readonly admission: Admission;
  private readonly admit: (e: GaugeEvent) => void;
  private current: Snapshot | null = null;
  private computedAt = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  /** Live listeners (/events streams, alerts): a set, not emitter listeners, so many clients raise no leak warning. */
  private readonly subscribers = new Set<(s: Snapshot) => void>();

  private readonly log: DaemonOptions['log'];
  private readonly stateDir: string;
  private savedWeekly: WeeklyCeiling | null;
  private readonly tickMs: DaemonOptions['tickMs'];

  constructor(o: DaemonOptions) {
    super();
    this.log = o.log;
    this.tickMs = o.tickMs;
    this.clock = o.clock ?? Date.now;
    this.stateDir = o.config.stateDir;
    this.savedWeekly = readWeekly(o.config.stateDir);
    this.engine = new Engine({ ...engineSettings(o.config), weekly: this.savedWeekly });
    this.admission = new Admission((e) => this.engine.apply(e), this.clock);
    this.admit = (e) => this.admission.admit(e);
    const refresh = () => this.refresh();
    this.main = makeMainSource(o.config, {
      emit: this.admit,
      onBatch: refresh,
      horizon: () => this.engine.horizon(),
      usageOnlyBefore: () => this.engine.usageOnlyBefore(this.clock()),
      liveSince: () => this.engine.liveSince(this.clock()),
      olderHistory: {
        summarize: (request, progress, total) => summarizeInChild({ ...request, before: this.engine.historyBoundary(this.clock()) }, progress, total),
        take: (part) => this.engine.noteHistory(part, this.clock()),
      },
      onFileGrew: o.onFileGrew,
      onProgress: o.onProgress,
      log: o.log,
      clock: o.clock,
    });
    this.statusline = new StatuslineSource(o.config.stateDir, this.admit, refresh);
    this.hooks = new HookSource({ stateDir: o.config.stateDir, emit: this.admit, onBatch: refresh });
    this.fuel = makeFuel(fuelKind(o.config), o.config, { emit: this.admit, onBatch: refresh, log: o.log, clock: o.clock });
  }

  /** Resolves when the gauges are right; older history keeps loading in the background. */
  async start(): Promise<void> {
    await this.statusline.start();
    await this.hooks.start();
    await this.main.start();
    await this.fuel?.start();
    this.loadPrices();
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.tickMs ?? 1000);
    this.timer.unref();
  }

  /**
   * The price table takes longer to load than the first reading may wait: the cost figures stay
   * null for that moment. A prices.json that does not read is said once; the table alone applies.
   */
  private loadPrices(): void {
    loadPriceFn((problem) => this.log?.(problem), this.stateDir)
      .then(({ price, saveRates }) => {
        if (this.closing) return;
        this.engine.setPrice(price);
        this.refresh();
        void saveRates();
      })
      .catch((err: Error) => this.log?.(`prices: ${err.message}; the cost figures stay empty`));
  }

  /** A newly learned weekly ceiling is kept for the next start. */
  private saveWeekly(): void {
    const w = this.engine.weeklyCeiling();
    if (!w || (this.savedWeekly && w.tokens === this.savedWeekly.tokens && w.resetsAt === this.savedWeekly.resetsAt)) return;
    this.savedWeekly = w;
    writeWeekly(this.stateDir, w).catch((err: Error) => this.log?.(`cannot keep the weekly ceiling: ${err.message}`));
  }

  /** The latest snapshot; recomputed if the periodic refresh fell behind. */
  snapshot(): Snapshot {
    if (!this.current || this.clock() - this.computedAt >= 1000) this.refresh();
    return this.current!;
  }

  /** Recomputes; publishes (with a new sequence number) only when something other than the time changed. */
  refresh(): void {
    const now = this.clock();
    let next: Snapshot;
    try {
      this.admission.release();
      const health = withProblems(this.main.health(), this.admission.problems());
      this.engine.setHealth(health);
      this.engine.setFuelHealth(this.fuel?.health() ?? null);
      this.engine.trim(now);
      if (health.backfill.done) this.engine.compact(now);
      next = this.engine.snapshot(now);
    } catch (err) {
      // A bug, not an input (every input was checked): keep serving the last good figures, and say so.
      this.log?.(`snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!this.current) throw err;
      return;
    }
    const changed = !this.current || !sameContent(this.current, next);
    next.seq = changed ? ++this.seq : this.seq;
    if (changed) this.saveWeekly();
    this.current = next;
    this.computedAt = now;
    if (changed) this.publish(next);
  }

  /** Calls `fn` with each new snapshot; returns the way to stop (what the live push needs). */
  subscribe(fn: (s: Snapshot) => void): () => void {
    this.subscribers.add(fn);
    return () => void this.subscribers.delete(fn);
  }

  private publish(s: Snapshot): void {
    this.emit('change', s);
    for (const fn of this.subscribers) {
      try {
        fn(s);
      } catch (err) {
        this.log?.(`a live listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.statusline.close();
      await this.fuel?.close();
      this.hooks.close();
      await this.main.close();
    })();
    return this.closing;
  }
}

/** `--source ccusage` is transcripts with ccusage's window; `--fuel` names one explicitly. */
export function fuelKind(c: Config): 'ccusage' | 'prometheus' | null {
  if (c.source === 'ccusage') return 'ccusage';
  return c.fuel === 'source' || c.fuel === c.source ? null : c.fuel;
}

function makeFuel(kind: 'ccusage' | 'prometheus' | null, c: Config, o: FuelSourceOptions): FuelSource | null {
  if (kind === 'ccusage') return new CcusageFuel({ ...o, command: c.ccusageCommand, configDirs: c.configDirs });
  if (kind === 'prometheus') return new PrometheusFuel({ ...o, url: c.prometheusUrl, selector: c.prometheusSelector, settings: engineSettings(c) });
  return null;
}

function withProblems(h: SourceHealth, extra: string[]): SourceHealth {
  return extra.length === 0 ? h : { ...h, problems: [...h.problems, ...extra] };
}

function sameContent(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify({ ...a, updated_at: '', seq: 0 }) === JSON.stringify({ ...b, updated_at: '', seq: 0 });
}
