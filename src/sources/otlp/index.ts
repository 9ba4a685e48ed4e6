// `--source otlp`: Claude Code's OpenTelemetry export, received directly over OTLP/HTTP.
// api_request log events feed the engine; token-usage metrics only fill in (see fallback.ts).
import type { Hono } from 'hono';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import type { SourceHealth } from '../../core/snapshot.js';
import { listen, type Listening } from '../../sinks/http/server.js';
import { createOtlpApp, type Accepted, type OtlpHandlers } from './app.js';
import { DEFAULT_LIMITS, type BodyLimits } from './body.js';
import { convertLogs, tokenPoints } from './convert.js';
import { Deltas, FallbackGate } from './fallback.js';
import { Journal, type JournalRecord } from './journal.js';

export { createOtlpApp } from './app.js';
export const OTLP_DEFAULT_PORT = 4318;
export const OTLP_DEFAULT_HOST = '127.0.0.1';

export interface OtlpSourceOptions {
  /** Where the journal lives; null keeps nothing on disk. */
  stateDir: string | null;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  emit: (e: ResponseEvent | TurnEvent) => void;
  onBatch?: () => void;
  log?: (msg: string) => void;
  clock?: () => number;
  limits?: BodyLimits;
  /** How long a metrics-derived point waits for its session's api_request events. */
  graceMs?: number;
  /** History kept in the journal (the 5-hour window plus margin). */
  keepMs?: number;
}

const KEEP_MS = 6 * 3_600_000;

export class OtlpSource {
  readonly handlers: OtlpHandlers;
  private journal: Journal | null;
  private readonly deltas = new Deltas();
  private readonly gate: FallbackGate;
  private readonly graceMs: number;
  private readonly clock: () => number;
  private server: Listening | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private stats = { records: 0, rejected: 0, badRequests: 0, replayed: 0 };
  private problems: string[] = [];

  constructor(private readonly o: OtlpSourceOptions) {
    this.clock = o.clock ?? Date.now;
    this.graceMs = o.graceMs ?? 20_000;
    this.gate = new FallbackGate(this.graceMs);
    this.journal = o.stateDir ? Journal.in(o.stateDir, this.clock, o.keepMs ?? KEEP_MS) : null;
    this.handlers = {
      logs: (req) => this.onLogs(req),
      metrics: (req) => this.onMetrics(req),
      onBadRequest: () => void this.stats.badRequests++,
    };
  }

  app(): Hono {
    return createOtlpApp(this.handlers, this.o.limits ?? DEFAULT_LIMITS);
  }

  /** Replays the journal, then listens. */
  async start(): Promise<void> {
    if (this.journal) this.replay(await this.journal.open());
    this.o.onBatch?.();
    this.server = await listen(this.app(), this.o.port ?? OTLP_DEFAULT_PORT, this.o.host ?? OTLP_DEFAULT_HOST);
    this.o.log?.(`OTLP/HTTP receiver on http://${this.server.host}:${this.server.port} (POST /v1/logs, /v1/metrics)`);
  }

  get address(): { host: string; port: number } | null {
    return this.server ? { host: this.server.host, port: this.server.port } : null;
  }

  health(): SourceHealth {
    return {
      kind: 'otlp',
      ok: this.problems.length === 0,
      problems: [...this.problems],
      files: 0,
      records: this.stats.records,
      skipped_lines: this.stats.rejected + (this.journal?.badLines ?? 0),
      backfill: { done: true, files_done: 0, files_total: 0 },
    };
  }

  /** Counters beyond SourceHealth: refused requests, replayed records, metric points still waiting. */
  counters(): { badRequests: number; replayed: number; pendingPoints: number } {
    return { badRequests: this.stats.badRequests, replayed: this.stats.replayed, pendingPoints: this.gate.pending };
  }

  /** Safe to call more than once. Held metric points are decided now (they are in the journal anyway). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      await this.server?.close();
      this.flush(this.clock(), true);
      await this.journal?.close();
    })();
    return this.closing;
  }

  private replay(records: JournalRecord[]): void {
    const now = this.clock();
    for (const r of records) if (r.t === 'e' && r.o) this.gate.cover(r.o, r.e.at);
    for (const r of records) {
      if (r.t === 's') this.deltas.restore(r.s);
      else if (r.t === 'e') this.o.emit(r.e);
      else if (this.gate.covered(r.o)) continue;
      // A point still within its grace (its time stands for its arrival) waits on, so that its
      // session's events arriving after the restart replace it instead of being added to it.
      else if (r.e.at > now - this.graceMs) this.gate.hold(r.o, r.e, Math.min(r.e.at, now));
      else this.o.emit(r.e);
    }
    this.stats.replayed = records.length;
    this.schedule();
  }

  private async onLogs(req: Record<string, unknown>): Promise<Accepted> {
    const now = this.clock();
    const r = convertLogs(req, now);
    await this.keep(r.items.map((i) => (i.covers ? { t: 'e', e: i.event, o: i.covers } : { t: 'e', e: i.event })));
    for (const i of r.items) {
      if (i.covers) this.gate.cover(i.covers, i.event.at);
      this.o.emit(i.event);
    }
    this.stats.records += r.items.length;
    this.stats.rejected += r.rejected;
    if (r.items.length) this.o.onBatch?.();
    return { rejected: r.rejected, message: r.errors.join('; ') };
  }

  private async onMetrics(req: Record<string, unknown>): Promise<Accepted> {
    const now = this.clock();
    const { points, rejected } = tokenPoints(req, now);
    const staged = this.deltas.stage(points);
    const fresh = staged.events.filter((x) => !this.gate.covered(x.origin));
    await this.keep([...fresh.map((x): JournalRecord => ({ t: 'm', e: x.event, o: x.origin })), ...staged.states.map((s): JournalRecord => ({ t: 's', s }))]);
    staged.commit();
    for (const x of fresh) this.gate.hold(x.origin, x.event, now);
    this.stats.records += points.length;
    this.stats.rejected += rejected;
    this.schedule();
    return { rejected, message: rejected ? 'token.usage data points without a known type or a numeric value' : undefined };
  }

  private async keep(records: JournalRecord[]): Promise<void> {
    if (!this.journal || records.length === 0) return;
    try {
      await this.journal.append(records);
      this.problems = this.problems.filter((p) => !p.startsWith('journal'));
    } catch (err) {
      const msg = `journal ${this.journal.file}: ${(err as Error).message}`;
      if (!this.problems.includes(msg)) this.problems.unshift(msg);
      this.o.log?.(msg);
      throw err;
    }
  }

  private schedule(): void {
    if (this.timer || this.closing) return;
    const due = this.gate.nextDue();
    if (due === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush(this.clock());
      this.schedule();
    }, Math.max(0, due - this.clock()));
    this.timer.unref();
  }

  private flush(now: number, all = false): void {
    const out = this.gate.release(now, all);
    for (const e of out) this.o.emit(e);
    if (out.length) this.o.onBatch?.();
    this.gate.forgetBefore(now - (this.o.keepMs ?? KEEP_MS));
    this.deltas.forgetBefore(now - (this.o.keepMs ?? KEEP_MS));
  }
}
