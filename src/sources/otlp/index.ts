// `--source otlp`: Claude Code's OpenTelemetry export, received directly over OTLP/HTTP and OTLP/gRPC.
// api_request log events feed the engine; token-usage metrics only fill in (see fallback.ts).
import type { Hono } from 'hono';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import type { SourceHealth } from '../../core/snapshot.js';
import { listen, type Listening } from '../../http/listen.js';
import { rejection } from '../../core/validate.js';
import { createOtlpApp, type Accepted, type OtlpHandlers } from './app.js';
import { DEFAULT_LIMITS, Slots, type BodyLimits } from './body.js';
import { decodeRequest, type DecodeJob, type Decoded } from './decode.js';
import type { GrpcReceiver } from './grpc.js';
import type { LogsResult, PointsResult } from './convert.js';
import { Deltas, FallbackGate } from './fallback.js';
import { Journal, logRecords, MAX_REPLAY, type JournalRecord } from './journal.js';
import { DecodeThread } from './offthread.js';

export { createOtlpApp } from './app.js';
export const OTLP_DEFAULT_PORT = 4318;
export const OTLP_GRPC_DEFAULT_PORT = 4317;
export const OTLP_DEFAULT_HOST = '127.0.0.1';

export interface OtlpSourceOptions {
  /** Where the journal lives; null keeps nothing on disk. */
  stateDir: string | null;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** The OTLP/gRPC receiver's port, on the same host; 0 picks a free one; null or absent: none (the daemon's default is OTLP_GRPC_DEFAULT_PORT, from config). */
  grpcPort?: number | null;
  emit: (e: ResponseEvent | TurnEvent) => void;
  onBatch?: () => void;
  log?: (msg: string) => void;
  clock?: () => number;
  limits?: Partial<BodyLimits>;
  /** Decode bodies on a worker thread (the default); false decodes them in this thread. */
  decodeThread?: boolean;
  /** How often a journal that cannot be written is tried again. */
  journalRetryMs?: number;
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
  private grpc: GrpcReceiver | null = null;
  /** Why the gRPC receiver is not listening (its port taken, say); the HTTP one serves all the same. */
  private grpcFailure = '';
  private readonly limits: BodyLimits;
  private readonly slots: Slots;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private readonly decoder: DecodeThread | null;
  private stats = { records: 0, rejected: 0, badRequests: 0, replayed: 0 };
  /** The last partial_success message, for source.problems. */
  private lastRejection = '';

  constructor(private readonly options: OtlpSourceOptions) {
    this.clock = options.clock ?? Date.now;
    this.graceMs = options.graceMs ?? 20_000;
    this.gate = new FallbackGate(this.graceMs);
    this.journal = options.stateDir ? Journal.in(options.stateDir, this.clock, options.keepMs ?? KEEP_MS, options.journalRetryMs) : null;
    this.decoder = options.decodeThread === false ? null : new DecodeThread(options.log);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.slots = new Slots(this.limits.maxInFlight);
    this.handlers = {
      logs: (r, journal) => this.onLogs(r, journal),
      metrics: (r) => this.onMetrics(r),
      onBadRequest: () => void this.stats.badRequests++,
    };
  }

  app(): Hono {
    return createOtlpApp(this.handlers, { limits: this.limits, clock: this.clock, decode: (job) => this.decode(job), slots: this.slots });
  }

  private decode(job: DecodeJob): Promise<Decoded> {
    return this.decoder ? this.decoder.decode(job) : Promise.resolve(decodeRequest(job));
  }

  /** Replays the journal, then listens. Nothing in the journal or the state folder stops it. */
  async start(): Promise<void> {
    this.decoder?.start();
    if (this.journal) {
      this.replay(await this.journal.open());
      const j = this.journal.status();
      if (j.failure) this.options.log?.(`OTLP journal ${this.journal.file}: ${j.failure}; accepted records are kept in memory only`);
      if (j.badLines) this.options.log?.(`OTLP journal ${this.journal.file}: ${j.badLines} line(s) skipped`);
    }
    this.options.onBatch?.();
    this.server = await listen(this.app(), this.options.port ?? OTLP_DEFAULT_PORT, this.options.host ?? OTLP_DEFAULT_HOST);
    this.options.log?.(`OTLP/HTTP receiver on http://${this.server.host}:${this.server.port} (POST /v1/logs, /v1/metrics)`);
    await this.startGrpc();
  }

  /** A gRPC port that cannot be had is a problem (in source.problems, which serve's banner prints), never a reason to stop: HTTP still receives. */
  private async startGrpc(): Promise<void> {
    const port = this.options.grpcPort ?? null;
    if (port === null || this.closing) return;
    const host = this.options.host ?? OTLP_DEFAULT_HOST;
    try {
      // Loaded only when wanted: grpc-js is about 100 ms of start-up.
      const { GrpcReceiver } = await import('./grpc.js');
      this.grpc = await GrpcReceiver.listen({ host, port, handlers: this.handlers, limits: this.limits, decode: (job) => this.decode(job), slots: this.slots, clock: this.clock });
      this.options.log?.(`OTLP/gRPC receiver on ${host}:${this.grpc.port} (logs and metrics Export)`);
      if (this.closing) await this.grpc.close();
    } catch (err) {
      this.grpcFailure = `OTLP/gRPC receiver not listening: ${(err as Error).message}; OTLP/HTTP on port ${this.server?.port} still receives (choose another gRPC port with --otlp-grpc-port, or off)`;
    }
  }

  get address(): { host: string; port: number } | null {
    return this.server ? { host: this.server.host, port: this.server.port } : null;
  }

  /** Where it receives, in a line for the start-up banner. */
  describe(): string {
    const http = this.server ? `http://${this.server.host}:${this.server.port}/v1/logs and /v1/metrics` : '(not listening yet)';
    const grpc = this.grpc ? ` and OTLP/gRPC on ${this.grpc.host}:${this.grpc.port}` : this.grpcFailure ? ' (OTLP/gRPC: not listening, see the problem below)' : '';
    return `receiving OpenTelemetry on ${http}${grpc}`;
  }

  health(): SourceHealth {
    const problems = this.problems();
    return {
      kind: 'otlp',
      // The receiver is up and every accepted record counts: refused records and a journal that
      // cannot be written are listed, but the gauges are right, so they light no STALL.
      ok: true,
      problems,
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
      await Promise.all([this.server?.close(), this.grpc?.close()]);
      await this.decoder?.close();
      this.flush(this.clock(), true);
      await this.journal?.close();
    })();
    return this.closing;
  }

  private problems(): string[] {
    const out: string[] = [];
    if (this.grpcFailure) out.push(this.grpcFailure);
    const j = this.journal?.status();
    if (j?.failure) {
      const held = j.pending ? `${j.pending} accepted record(s) are kept in memory only until it can be written` : 'accepted records are kept in memory only';
      out.push(`journal ${this.journal!.file}: ${j.failure}; ${held} (a restart would lose them)`);
    }
    if (j?.lost) out.push(`journal ${this.journal!.file}: ${j.lost} accepted record(s) dropped from memory before they could be written`);
    if (j?.badLines) out.push(`journal ${this.journal!.file}: ${j.badLines} line(s) skipped on replay (damaged, from another version, or out of range)`);
    if (j?.overflow) out.push(`journal ${this.journal!.file}: ${j.overflow} record(s) beyond the newest ${MAX_REPLAY} left out`);
    if (this.stats.rejected) out.push(`${this.stats.rejected} OTLP record(s) refused through partial_success (last: ${this.lastRejection})`);
    return out;
  }

  private replay(records: JournalRecord[]): void {
    const now = this.clock();
    for (const r of records) if (r.t === 'e' && r.o) this.gate.cover(r.o, r.e.at);
    for (const r of records) {
      if (r.t === 's') this.deltas.restore(r.s);
      else if (r.t === 'e') this.options.emit(r.e);
      else if (this.gate.covered(r.o)) continue;
      // A point still within its grace (its time stands for its arrival) waits on, so that its
      // session's events arriving after the restart replace it instead of being added to it.
      else if (r.e.at > now - this.graceMs) this.gate.hold(r.o, r.e, Math.min(r.e.at, now));
      else this.options.emit(r.e);
    }
    this.stats.replayed = records.length;
    this.schedule();
  }

  private async onLogs(r: LogsResult, journal?: string): Promise<Accepted> {
    await this.keep(logRecords(r.items), journal);
    for (const i of r.items) {
      if (i.covers) this.gate.cover(i.covers, i.event.at);
      this.options.emit(i.event);
    }
    this.stats.records += r.items.length;
    // Counted before the batch is published, so the snapshot it makes has the refusals too.
    const acc = this.refused(r.rejected, r.errors);
    if (r.items.length) this.options.onBatch?.();
    return acc;
  }

  private async onMetrics(r: PointsResult): Promise<Accepted> {
    const now = this.clock();
    const staged = this.deltas.stage(r.points);
    // A delta is a record like any other: it meets the same bounds before it is kept.
    const fresh = staged.events.filter((x) => !this.gate.covered(x.origin) && rejection(x.event) === null);
    const outOfRange = staged.events.filter((x) => rejection(x.event) !== null).length;
    await this.keep([...fresh.map((x): JournalRecord => ({ t: 'm', e: x.event, o: x.origin })), ...staged.states.map((s): JournalRecord => ({ t: 's', s }))]);
    staged.commit();
    for (const x of fresh) this.gate.hold(x.origin, x.event, now);
    this.stats.records += r.points.length;
    this.schedule();
    const errors = outOfRange ? [...r.errors, `${outOfRange} token.usage delta(s) above 1e9 tokens`] : r.errors;
    return this.refused(r.rejected + outOfRange, errors);
  }

  private refused(rejected: number, errors: string[]): Accepted {
    if (!rejected) return { rejected: 0 };
    const message = errors.join('; ');
    this.stats.rejected += rejected;
    this.lastRejection = message;
    return { rejected, message };
  }

  /** On disk when the journal can take it, else in memory (the journal says so in problems()). */
  private async keep(records: JournalRecord[], text?: string): Promise<void> {
    if (!this.journal || records.length === 0) return;
    const before = this.journal.status().failure;
    await this.journal.append(records, text);
    const after = this.journal.status().failure;
    if (after && after !== before) this.options.log?.(`OTLP journal ${this.journal.file}: ${after}; accepted records are kept in memory until it can be written`);
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
    for (const e of out) this.options.emit(e);
    if (out.length) this.options.onBatch?.();
    this.gate.forgetBefore(now - (this.options.keepMs ?? KEEP_MS));
    this.deltas.forgetBefore(now - (this.options.keepMs ?? KEEP_MS));
  }
}
