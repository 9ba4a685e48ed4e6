// Claude Code's OpenTelemetry export, made by the real OpenTelemetry JS SDK: the same resource,
// instrument names, attributes and log events Claude Code emits (FACTS.md), through the real OTLP
// exporters (http/json, http/protobuf or grpc, gzip or not, delta or cumulative). Everything the SDK
// actually exported is written to a ledger, so tests compute the expected gauges independently.
import type { Attributes } from '@opentelemetry/api';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Counter } from '@opentelemetry/api';

export type TokenType = 'input' | 'output' | 'cacheRead' | 'cacheCreation';
export type Tokens = Record<TokenType, number>;
const TYPES: TokenType[] = ['input', 'output', 'cacheRead', 'cacheCreation'];

export interface TelemetryOptions {
  /** The receiver, e.g. http://127.0.0.1:4318 (the SDK appends nothing: we give full URLs); for grpc its http://host:port. */
  endpoint: string;
  protocol: 'http/json' | 'http/protobuf' | 'grpc';
  /** OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (Claude Code's default: delta). */
  temporality: 'delta' | 'cumulative';
  metricsGzip: boolean;
  logsGzip: boolean;
  /** OTEL_LOGS_EXPORTER=otlp; false: metrics only. */
  logs: boolean;
  /** OTEL_METRICS_INCLUDE_SESSION_ID (default true). */
  sessionInMetrics: boolean;
  session: string;
  /** host.name, as OTEL_RESOURCE_ATTRIBUTES sets it. */
  host: string;
  /** OTEL_METRIC_EXPORT_INTERVAL; tests mostly call flushMetrics() instead. */
  metricIntervalMs?: number;
  /** OTEL_LOGS_EXPORT_INTERVAL. */
  logsIntervalMs?: number;
}

export interface ApiRequest {
  model: string;
  tokens: Tokens;
  costUsd: number;
  durationMs: number;
  /** Claude Code sometimes sends the numbers as strings. */
  asStrings?: boolean;
}

/** One thing the SDK exported that carries tokens: an api_request event, or a token.usage increment. */
export interface Emitted {
  via: 'event' | 'metric';
  session: string;
  at: number;
  model: string;
  tokens: Tokens;
}

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof JsonMetricExporter>[0]>['compression']>;
const compression = (gzip: boolean) => (gzip ? 'gzip' : 'none') as Compression;
const zero = (): Tokens => ({ input: 0, output: 0, cacheRead: 0, cacheCreation: 0 });
const hrMs = (t: [number, number]) => t[0] * 1000 + Math.floor(t[1] / 1e6);

/** Wraps the real exporter to see what it sends and whether the receiver took it. */
class RecordingMetricExporter implements PushMetricExporter {
  private last = new Map<string, number>();
  constructor(private readonly inner: PushMetricExporter, private readonly t: ClaudeCodeTelemetry) {}

  export(metrics: ResourceMetrics, done: Parameters<PushMetricExporter['export']>[1]): void {
    const increments: Emitted[] = [];
    for (const sm of metrics.scopeMetrics) {
      for (const m of sm.metrics) {
        if (m.descriptor.name !== 'claude_code.token.usage') continue;
        for (const dp of m.dataPoints) {
          const a = dp.attributes;
          const type = a.type as TokenType;
          const value = dp.value as number;
          const key = JSON.stringify([a, dp.startTime]);
          // Cumulative points repeat the running total: the increment is what it grew by since the last export.
          const inc = m.aggregationTemporality === AggregationTemporality.CUMULATIVE ? value - (this.last.get(key) ?? 0) : value;
          this.last.set(key, value);
          if (inc <= 0) continue;
          const tokens = zero();
          tokens[type] = inc;
          increments.push({ via: 'metric', session: this.t.o.session, at: hrMs(dp.endTime), model: String(a.model), tokens });
        }
      }
    }
    this.inner.export(metrics, (r) => {
      this.t.results.push({ signal: 'metrics', code: r.code, error: r.error?.message });
      if (r.code === 0) this.t.emitted.push(...increments);
      done(r);
    });
  }

  selectAggregationTemporality = (k: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>[0]) => this.inner.selectAggregationTemporality!(k);
  forceFlush = () => this.inner.forceFlush();
  shutdown = () => this.inner.shutdown();
}

class RecordingLogExporter implements LogRecordExporter {
  constructor(private readonly inner: LogRecordExporter, private readonly t: ClaudeCodeTelemetry) {}
  export(logs: ReadableLogRecord[], done: Parameters<LogRecordExporter['export']>[1]): void {
    this.inner.export(logs, (r) => {
      this.t.results.push({ signal: 'logs', code: r.code, error: r.error?.message, records: logs.length });
      done(r);
    });
  }
  shutdown = () => this.inner.shutdown();
  forceFlush = () => this.inner.forceFlush?.() ?? Promise.resolve();
}

export class ClaudeCodeTelemetry {
  /** Exported and acknowledged: events as emitted, metric increments as the SDK exported them. */
  readonly emitted: Emitted[] = [];
  readonly results: { signal: 'logs' | 'metrics'; code: number; error?: string; records?: number }[] = [];
  private readonly meters: MeterProvider;
  private readonly loggers: LoggerProvider | null;
  private readonly tokenUsage: Counter;
  private readonly costUsage: Counter;
  private sequence = 0;

  constructor(readonly o: TelemetryOptions) {
    const resource = resourceFromAttributes({
      'service.name': 'claude-code', 'service.version': '2.1.3',
      'os.type': 'linux', 'os.version': '6.1.0-28-amd64', 'host.arch': 'amd64', 'host.name': o.host,
    });
    const json = o.protocol === 'http/json';
    const grpc = o.protocol === 'grpc';
    const Metric = grpc ? GrpcMetricExporter : json ? JsonMetricExporter : ProtoMetricExporter;
    const metricExporter = new Metric({
      url: grpc ? o.endpoint : `${o.endpoint}/v1/metrics`,
      compression: compression(o.metricsGzip),
      temporalityPreference: o.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    });
    this.meters = new MeterProvider({
      resource,
      readers: [new PeriodicExportingMetricReader({ exporter: new RecordingMetricExporter(metricExporter, this), exportIntervalMillis: o.metricIntervalMs ?? 60_000 })],
    });
    const meter = this.meters.getMeter('com.anthropic.claude_code', '2.1.3');
    this.tokenUsage = meter.createCounter('claude_code.token.usage', { unit: 'tokens', description: 'Number of tokens used' });
    this.costUsage = meter.createCounter('claude_code.cost.usage', { unit: 'USD', description: 'Cost of the Claude Code session' });
    if (o.logs) {
      const Log = grpc ? GrpcLogExporter : json ? JsonLogExporter : ProtoLogExporter;
      const exporter = new RecordingLogExporter(new Log({ url: grpc ? o.endpoint : `${o.endpoint}/v1/logs`, compression: compression(o.logsGzip) }), this);
      this.loggers = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: o.logsIntervalMs ?? 5_000 })] });
    } else this.loggers = null;
  }

  /** The attributes Claude Code puts on every metric and event. */
  private standard(metric: boolean): Attributes {
    const a: Attributes = {
      'user.account_uuid': '7d1c2f6e-0000-4000-8000-00000000beef',
      'organization.id': 'a0b1c2d3-0000-4000-8000-000000000001',
      'user.email': 'dev@example.com',
      'user.id': 'f'.repeat(64),
      'terminal.type': 'vscode',
    };
    if (!metric || this.o.sessionInMetrics) a['session.id'] = this.o.session;
    return a;
  }

  /** One API call as Claude Code reports it: token and cost counters, and (with logs on) the api_request event. */
  apiRequest(r: ApiRequest): { at: number; requestId: string } {
    const at = Date.now();
    const requestId = `req_${this.o.session}_${++this.sequence}`;
    for (const type of TYPES) this.tokenUsage.add(r.tokens[type], { ...this.standard(true), type, model: r.model });
    this.costUsage.add(r.costUsd, { ...this.standard(true), model: r.model });
    if (this.loggers) {
      const n = (x: number) => (r.asStrings ? String(x) : x);
      this.loggers.getLogger('com.anthropic.claude_code.events', '2.1.3').emit({
        body: 'claude_code.api_request',
        attributes: {
          ...this.standard(false),
          'event.name': 'api_request', 'event.timestamp': new Date(at).toISOString(), 'event.sequence': this.sequence,
          'prompt.id': `prompt-${this.sequence}`,
          model: r.model,
          input_tokens: n(r.tokens.input), output_tokens: n(r.tokens.output),
          cache_read_tokens: n(r.tokens.cacheRead), cache_creation_tokens: n(r.tokens.cacheCreation),
          cost_usd: n(r.costUsd), duration_ms: n(r.durationMs), request_id: requestId,
        },
      });
      this.emitted.push({ via: 'event', session: this.o.session, at, model: r.model, tokens: { ...r.tokens } });
    }
    return { at, requestId };
  }

  /** An event that carries no tokens (it marks a turn in flight). */
  userPrompt(): void {
    this.event('user_prompt', { prompt_length: 42 });
  }

  /** Any Claude Code event (`claude_code.<name>`), with the standard attributes; not in the ledger. */
  event(name: string, attributes: Attributes): void {
    this.loggers?.getLogger('com.anthropic.claude_code.events', '2.1.3').emit({
      body: `claude_code.${name}`,
      attributes: { ...this.standard(false), 'event.name': name, 'event.timestamp': new Date().toISOString(), ...attributes },
    });
  }

  flushLogs(): Promise<void> {
    return this.loggers?.forceFlush() ?? Promise.resolve();
  }

  flushMetrics(): Promise<void> {
    return this.meters.forceFlush();
  }

  /** Flushes what is left (a cumulative reader re-exports its totals once more) and stops. */
  async shutdown(): Promise<void> {
    await Promise.all([this.meters.shutdown(), this.loggers?.shutdown()]);
  }

  /** Exports the receiver refused or that failed. */
  failures(): { signal: string; code: number; error?: string }[] {
    return this.results.filter((r) => r.code !== 0);
  }
}

/** What /usage should read, computed from what the SDK exported (see the engine's definitions in README). */
export function expectedUsage(counted: Emitted[], now: number): { rate_1m: number; tokens_5m: number; window_5h_tokens: number; cache_hit_rate: number; last_model: string } {
  const total = (t: Tokens) => t.input + t.output + t.cacheRead + t.cacheCreation;
  const within = (ms: number) => counted.filter((e) => e.at > now - ms && e.at <= now);
  const five = within(5 * 60_000);
  const sum = (k: TokenType) => five.reduce((n, e) => n + e.tokens[k], 0);
  const denom = sum('input') + sum('cacheRead') + sum('cacheCreation');
  const newest = counted.reduce<Emitted | null>((a, e) => (!a || e.at >= a.at ? e : a), null);
  const m = newest?.model ?? '';
  return {
    rate_1m: within(60_000).reduce((n, e) => n + total(e.tokens), 0),
    tokens_5m: five.reduce((n, e) => n + total(e.tokens), 0),
    // Everything here happens within minutes, so it all falls in one 5-hour block.
    window_5h_tokens: counted.reduce((n, e) => n + total(e.tokens), 0),
    cache_hit_rate: denom > 0 ? sum('cacheRead') / denom : 0,
    last_model: /opus/.test(m) ? 'opus' : /sonnet/.test(m) ? 'sonnet' : /haiku/.test(m) ? 'haiku' : 'other',
  };
}
