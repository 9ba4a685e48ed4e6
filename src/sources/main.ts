// The main source feeds tach, lamps and (unless a fuel source is set, see fuel.ts) the window:
// Claude Code's transcripts, its OpenTelemetry export, or a Prometheus server. The daemon holds
// one, through this interface, and asks nothing of it that the others could not answer.
import type { Config } from '../config/index.js';
import type { ResponseEvent, TurnEvent } from '../core/events.js';
import type { SourceHealth } from '../core/snapshot.js';
import type { OtlpSource } from './otlp/index.js';
import { POLL_MS, PrometheusSource } from './prometheus/index.js';
import { TranscriptSource, type TranscriptSourceOptions } from './transcripts/index.js';

export type MainSourceKind = 'transcripts' | 'otlp' | 'prometheus';

export interface MainSource {
  readonly kind: MainSourceKind;
  /** Resolves when the gauges are right; older history may keep loading (see whenBackfilled). */
  start(): Promise<void>;
  /** Safe to call more than once, and before start. */
  close(): Promise<void>;
  health(): SourceHealth;
  /** Where the readings come from, in a line for the start-up banner. */
  describe(): string;
  /** Resolves once the older history is read in; at once for a source that has none to read. */
  whenBackfilled(): Promise<void>;
}

export interface MainSourceOptions {
  emit: (e: ResponseEvent | TurnEvent) => void;
  /** Called after each batch of events, so the daemon republishes once per batch. */
  onBatch: () => void;
  /** The engine's horizon: records before it cannot change the current block. */
  horizon: () => number | null;
  /** What the engine needs of the transcripts read at start (TranscriptSourceOptions says why). */
  usageOnlyBefore: () => number;
  liveSince: () => number;
  olderHistory?: TranscriptSourceOptions['olderHistory'];
  onFileGrew?: (path: string) => void;
  onProgress?: (done: number, total: number) => void;
  log?: (msg: string) => void;
  clock?: () => number;
}

/** `--source ccusage` is the transcripts with ccusage's window beside them. */
export function mainSourceKind(c: Config): MainSourceKind {
  return c.source === 'ccusage' ? 'transcripts' : c.source;
}

/** The configured main source, not yet started. */
export function makeMainSource(c: Config, o: MainSourceOptions): MainSource {
  const kind = mainSourceKind(c);
  if (kind === 'otlp') return otlpSource(c, o);
  if (kind === 'prometheus') return prometheusSource(c, o);
  return transcriptSource(c, o);
}

function transcriptSource(c: Config, o: MainSourceOptions): MainSource {
  const source = new TranscriptSource({
    configDirs: c.configDirs,
    emit: o.emit,
    onBatch: o.onBatch,
    horizon: o.horizon,
    usageOnlyBefore: o.usageOnlyBefore,
    liveSince: o.liveSince,
    olderHistory: o.olderHistory,
    onFileGrew: o.onFileGrew,
    onProgress: o.onProgress,
    rescanMs: c.rescanSeconds * 1000,
    log: o.log,
  });
  return {
    kind: 'transcripts',
    start: () => source.start(),
    close: () => source.close(),
    health: () => source.health(),
    describe: () => {
      const h = source.health();
      return `reading ${source.watchedDirs.join(', ') || '(no transcript folder yet)'}: ${h.files} files, ${h.backfill.files_total} older in the background`;
    },
    whenBackfilled: () => source.whenBackfilled(),
  };
}

function prometheusSource(c: Config, o: MainSourceOptions): MainSource {
  const source = new PrometheusSource({ url: c.prometheusUrl, selector: c.prometheusSelector, emit: o.emit, onBatch: o.onBatch, horizon: o.horizon, log: o.log, clock: o.clock });
  return {
    kind: 'prometheus',
    start: () => source.start(),
    close: () => source.close(),
    health: () => source.health(),
    describe: () => `reading ${c.prometheusUrl} every ${POLL_MS / 1000} s${c.prometheusSelector ? ` (${c.prometheusSelector})` : ' (every machine)'}`,
    whenBackfilled: async () => {},
  };
}

function otlpSource(c: Config, o: MainSourceOptions): MainSource {
  let source: OtlpSource | null = null;
  return {
    kind: 'otlp',
    async start() {
      // Loaded only for this source: its HTTP receiver and protobuf decoder cost the others start-up time.
      const { OtlpSource } = await import('./otlp/index.js');
      source = new OtlpSource({ stateDir: c.stateDir, host: c.otlpHost, port: c.otlpPort, grpcPort: c.otlpGrpcPort || null, emit: o.emit, onBatch: o.onBatch, log: o.log });
      await source.start();
    },
    close: async () => {
      await source?.close();
    },
    // Before the receiver is up (a statusline hand-off read at start asks already): what it says with nothing received.
    health: () => source?.health() ?? { kind: 'otlp', ok: true, problems: [], files: 0, records: 0, skipped_lines: 0, backfill: { done: true, files_done: 0, files_total: 0 } },
    describe: () => source?.describe() ?? `receiving OpenTelemetry on http://${c.otlpHost}:${c.otlpPort}/v1/logs and /v1/metrics`,
    whenBackfilled: async () => {},
  };
}
