// Wires sources -> engine -> snapshot. Outputs subscribe to 'change' or ask for snapshot().
import { EventEmitter } from 'node:events';
import type { Config } from '../config/index.js';
import type { Snapshot } from '../core/snapshot.js';
import { Engine, type EngineSettings } from '../engine/engine.js';
import { HookSource } from '../sources/hooks/index.js';
import { OtlpSource } from '../sources/otlp/index.js';
import { StatuslineSource } from '../sources/statusline/index.js';
import { TranscriptSource } from '../sources/transcripts/index.js';

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

export function engineSettings(c: Config, keepAllTicks = false, until?: number): EngineSettings {
  return {
    ceiling: c.ceiling,
    defaultCeiling: c.defaultCeiling,
    redline: c.redline,
    stallMinutes: c.stallMinutes,
    abandonMinutes: c.abandonMinutes,
    cacheFloor: c.cacheFloor,
    keepAllTicks,
    until,
  };
}

export class Daemon extends EventEmitter<{ change: [Snapshot] }> {
  readonly engine: Engine;
  readonly transcripts: TranscriptSource;
  readonly statusline: StatuslineSource;
  /** Claude Code's hook records (claude-gauge hooks install): exact turn start and end. */
  readonly hooks: HookSource;
  /** Set with `source: otlp`: Claude Code's telemetry instead of its transcripts. */
  readonly otlp: OtlpSource | null;
  private readonly clock: () => number;
  private current: Snapshot | null = null;
  private computedAt = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly o: DaemonOptions) {
    super();
    this.clock = o.clock ?? Date.now;
    this.engine = new Engine(engineSettings(o.config));
    const refresh = () => this.refresh();
    this.transcripts = new TranscriptSource({
      configDirs: o.config.configDirs,
      emit: (e) => this.engine.apply(e),
      onBatch: refresh,
      horizon: () => this.engine.horizon(),
      onHistory: (max) => this.engine.noteHistory(max),
      onFileGrew: o.onFileGrew,
      onProgress: o.onProgress,
      rescanMs: o.config.rescanSeconds * 1000,
      log: o.log,
    });
    this.statusline = new StatuslineSource(o.config.stateDir, (e) => this.engine.apply(e), refresh);
    this.hooks = new HookSource({ stateDir: o.config.stateDir, emit: (e) => this.engine.apply(e), onBatch: refresh });
    this.otlp =
      o.config.source === 'otlp'
        ? new OtlpSource({ stateDir: o.config.stateDir, host: o.config.otlpHost, port: o.config.otlpPort, emit: (e) => this.engine.apply(e), onBatch: refresh, log: o.log })
        : null;
  }

  /** Resolves when the gauges are right; older history keeps loading in the background. */
  async start(): Promise<void> {
    await this.statusline.start();
    await this.hooks.start();
    if (this.otlp) await this.otlp.start();
    else await this.transcripts.start();
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.o.tickMs ?? 1000);
    this.timer.unref();
  }

  /** The latest snapshot; recomputed if the periodic refresh fell behind. */
  snapshot(): Snapshot {
    if (!this.current || this.clock() - this.computedAt >= 1000) this.refresh();
    return this.current!;
  }

  /** Recomputes; publishes (with a new sequence number) only when something other than the time changed. */
  refresh(): void {
    const now = this.clock();
    const health = this.otlp ? this.otlp.health() : this.transcripts.health();
    this.engine.setHealth(health);
    this.engine.trim(now);
    if (health.backfill.done) this.engine.compact(now);
    const next = this.engine.snapshot(now);
    const changed = !this.current || !sameContent(this.current, next);
    next.seq = changed ? ++this.seq : this.seq;
    this.current = next;
    this.computedAt = now;
    if (changed) this.emit('change', next);
  }

  /** Calls `fn` with each new snapshot; returns the way to stop (what the live push needs). */
  subscribe(fn: (s: Snapshot) => void): () => void {
    this.on('change', fn);
    return () => this.off('change', fn);
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.statusline.close();
      this.hooks.close();
      await this.otlp?.close();
      await this.transcripts.close();
    })();
    return this.closing;
  }
}

function sameContent(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify({ ...a, updated_at: '', seq: 0 }) === JSON.stringify({ ...b, updated_at: '', seq: 0 });
}

/** One-shot: every record read, all history kept, for reports and `usage --now`. */
export async function loadEngine(config: Config, o: { until?: number; turns?: boolean } = {}): Promise<{ engine: Engine; source: TranscriptSource }> {
  const engine = new Engine(engineSettings(config, true, o.until));
  const source = new TranscriptSource({ configDirs: config.configDirs, emit: (e) => engine.apply(e), rescanMs: 0 });
  await source.loadAll(o.turns ?? true);
  if (o.turns ?? true) {
    // What the hooks reported, so a one-shot `usage` shows the daemon's exact turn state.
    const hooks = new HookSource({ stateDir: config.stateDir, emit: (e) => engine.apply(e) });
    await hooks.poll();
    hooks.close();
  }
  engine.setHealth(source.health());
  return { engine, source };
}
