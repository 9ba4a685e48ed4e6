// `--source prometheus`: the gauges from Claude Code's token counter as Prometheus holds it (OTel
// collector -> prometheus exporter -> scrape). Raw samples are read (never rate()/increase(), which
// extrapolate and lose a new series' first sample) and turned into per-sample deltas (deltas.ts).
//
// Start: read backwards in growing chunks until the newest activity chain is covered (the 5-hour
// block depends on nothing older), at most 7 days. Then every POLL_MS read what is new since the
// last good read (plus an overlap for samples stored late). Prometheus unreachable, slow or
// refusing: health not ok (STALL, the reason in source.problems), retried with backoff; the next
// good read covers the whole gap, and stable keys keep anything read twice from counting twice.
// A series' first sample is usage when Prometheus holds no older sample of it (a new session, the
// exporter's first delta: what increase() loses), else a delta against that older sample.
import type { ResponseEvent } from '../../core/events.js';
import type { SourceHealth } from '../../core/snapshot.js';
import { querySamples, queryValues, type RawSeries, type Sample } from './api.js';
import { METRIC, mergeSeries, SeriesBook, seriesId } from './deltas.js';
import { parseSelector } from '../../config/prometheus-selector.js';

export interface PrometheusSourceOptions {
  url: string;
  /** Label matchers picking one host or user; empty: every machine. */
  selector: string;
  emit: (e: ResponseEvent) => void;
  /** Called after every poll, good or not, so health and figures are republished at once. */
  onBatch?: () => void;
  /** The engine's horizon: records before it cannot change the current block. */
  horizon: () => number | null;
  log?: (msg: string) => void;
  clock?: () => number;
  pollMs?: number;
  timeoutMs?: number;
}

/**
 * 2 s: a sample reaches Prometheus only at a scrape (15 s in deploy/, 1 s at the tightest), so
 * polling adds at most 2 s (1 s on average) to that; each poll is one small query.
 */
export const POLL_MS = 2_000;
const TIMEOUT_MS = 5_000;
const LOAD_TIMEOUT_MS = 30_000;
const HOUR = 3_600_000;
/** First chunk of the initial read; enough alone when the newest chain began within the last 2 h. */
const FIRST_CHUNK_MS = 7 * HOUR;
const MAX_LOOKBACK_MS = 7 * 24 * HOUR;
/** Samples stored late (a scrape in flight while we read) are caught by the next read. */
const OVERLAP_MS = 60_000;
const MAX_BACKOFF_MS = 15_000;
const START_WAIT_MS = 5_000;

export class PrometheusSource {
  private readonly clock: () => number;
  private readonly query: string;
  private book = new SeriesBook();
  private loaded = false;
  /** When the last good read was issued (our clock): the next one covers everything since. */
  private readFrom = 0;
  private newestSampleAt: number | null = null;
  private problem: string | null = null;
  private failures = 0;
  private records = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: PrometheusSourceOptions) {
    this.clock = options.clock ?? Date.now;
    const sel = parseSelector(options.selector);
    if ('error' in sel) throw new Error(`bad Prometheus selector: ${sel.error}`); // config already checked it
    this.query = `${METRIC}{${sel.matchers}}`;
  }

  /**
   * Resolves after the first attempt, good or not (the daemon serves either way, STALL when not),
   * or after START_WAIT_MS: a slow Prometheus delays the figures, never the daemon's start.
   */
  async start(): Promise<void> {
    const first = this.poll().then(() => this.schedule());
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise<void>((r) => (waited = setTimeout(r, START_WAIT_MS)))]);
    clearTimeout(waited);
  }

  health(): SourceHealth {
    const now = this.clock();
    return {
      kind: 'prometheus',
      ok: this.problem === null,
      problems: this.problem ? [this.problem] : [],
      files: 0,
      records: this.records,
      skipped_lines: this.book.skipped,
      backfill: { done: this.loaded, files_done: 0, files_total: 0 },
      newest_sample_at: this.newestSampleAt === null ? null : new Date(this.newestSampleAt).toISOString(),
      lag_s: this.newestSampleAt === null ? null : Math.max(0, Math.round((now - this.newestSampleAt) / 100) / 10),
    };
  }

  /** One read at a time: a slow Prometheus is never stacked up. */
  poll(): Promise<void> {
    this.running ??= this.pollOnce().finally(() => (this.running = null));
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    const every = this.options.pollMs ?? POLL_MS;
    const delay = this.failures === 0 ? every : Math.min(every * 2 ** this.failures, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => void this.poll().then(() => this.schedule()), delay);
    this.timer.unref();
  }

  private async pollOnce(): Promise<void> {
    try {
      if (this.loaded) await this.follow();
      else await this.load();
      if (this.problem) this.options.log?.(`prometheus: back (${this.options.url})`);
      this.problem = null;
      this.failures = 0;
    } catch (err) {
      const why = (err as Error).message;
      if (why !== this.problem) this.options.log?.(`prometheus: ${why}`);
      this.problem = why;
      this.failures++;
    }
    if (!this.closed) this.options.onBatch?.();
  }

  /** Backwards in doubling chunks until the newest activity chain is covered (or 7 days). */
  private async load(): Promise<void> {
    const end = this.clock();
    const merged = new Map<string, RawSeries>();
    let covered = 0;
    let chunk = FIRST_CHUNK_MS;
    for (;;) {
      const span = Math.min(chunk, MAX_LOOKBACK_MS - covered);
      const part = await querySamples(this.options.url, `${this.query}[${seconds(span)}]`, { timeMs: end - covered, timeoutMs: LOAD_TIMEOUT_MS });
      mergeSeries(merged, part);
      covered += span;
      const rangeStart = end - covered;
      const all = [...merged.values()];
      const older = covered >= MAX_LOOKBACK_MS ? 'baseline' : await this.samplesBefore(rangeStart, MAX_LOOKBACK_MS - covered, all);
      if (this.closed) return;
      // Everything again, over all chunks so far: same samples, same keys, same deltas (the sample
      // before each series' first is known), so nothing read twice counts twice.
      const book = new SeriesBook();
      const events = book.advance(all, older);
      for (const e of events) this.options.emit(e);
      const h = this.options.horizon();
      if (h === null || h >= rangeStart || covered >= MAX_LOOKBACK_MS) {
        this.book = book; // it holds every series' last sample: polls continue from there
        this.records = events.length;
        this.noteNewest(all);
        break;
      }
      chunk = covered;
    }
    this.readFrom = end;
    this.loaded = true;
  }

  private async follow(): Promise<void> {
    const now = this.clock();
    const span = Math.min(now - this.readFrom + OVERLAP_MS, MAX_LOOKBACK_MS);
    const o = { timeMs: now, timeoutMs: this.options.timeoutMs ?? TIMEOUT_MS };
    const series = await querySamples(this.options.url, `${this.query}[${seconds(span)}]`, o);
    // A series first seen now may have samples older than this read (sparse ones, with the
    // exporter's own timestamps): its last one is the baseline, else it began here.
    const fresh = this.book.unseen(series);
    const older = fresh.length ? await this.samplesBefore(now - span, MAX_LOOKBACK_MS, fresh, o.timeoutMs) : new Map<string, Sample>();
    if (this.closed) return;
    const events = this.book.advance(series, older);
    for (const e of events) this.options.emit(e);
    this.records += events.length;
    this.noteNewest(series);
    this.book.forgetBefore(now - MAX_LOOKBACK_MS);
    this.readFrom = now;
  }

  /** The last sample at or before `at` (within `withinMs`) of each of these series. */
  private async samplesBefore(at: number, withinMs: number, of: RawSeries[], timeoutMs = LOAD_TIMEOUT_MS): Promise<Map<string, Sample>> {
    const out = new Map<string, Sample>();
    if (of.length === 0 || withinMs <= 0) return out;
    const wanted = new Set(of.map((s) => seriesId(s.labels)));
    for (const v of await queryValues(this.options.url, `last_over_time(${this.query}[${seconds(withinMs)}])`, { timeMs: at, timeoutMs })) {
      const id = seriesId(v.labels);
      if (wanted.has(id)) out.set(id, { at, value: v.value });
    }
    return out;
  }

  private noteNewest(series: RawSeries[]): void {
    for (const s of series) {
      const last = s.samples[s.samples.length - 1];
      if (last && (this.newestSampleAt === null || last.at > this.newestSampleAt)) this.newestSampleAt = last.at;
    }
  }
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}
