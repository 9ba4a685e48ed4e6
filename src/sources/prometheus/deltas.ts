// Raw counter samples -> token deltas -> ResponseEvents the engine understands.
//
// Whatever Claude Code exports (delta by default, or cumulative), the collector's Prometheus
// exporter exposes a cumulative counter per series, so Prometheus holds counters in both cases:
// a drop between consecutive samples is a restart (collector, or a cumulative exporter), and the
// new value is what was used since. One event per (series, sample time), keyed by both, so reading
// the same samples again gives the same keys and the engine (largest observation per key) counts
// them once.
import { createHash } from 'node:crypto';
import type { ResponseEvent, Tokens } from '../../core/events.js';
import type { RawSeries, Sample } from './api.js';

export const METRIC = 'claude_code_token_usage_tokens_total';

const TYPES: Record<string, keyof Tokens> = { input: 'input', output: 'output', cacheRead: 'cacheRead', cacheCreation: 'cacheCreation' };

/** Identity of a series: every label but the metric name, in a stable order. */
export function seriesId(labels: Record<string, string>): string {
  const pairs = Object.keys(labels).filter((k) => k !== '__name__').sort().map((k) => [k, labels[k]]);
  return createHash('sha1').update(JSON.stringify(pairs)).digest('hex').slice(0, 16);
}

export function eventKey(id: string, at: number): string {
  return `prom:${id}:${at}`;
}

/**
 * Usage between consecutive samples. `prev` is the sample before these (already counted); without
 * one, the first sample is usage when `firstIsUsage` (a series that began here: a new session, or
 * the exporter's first delta) and a baseline otherwise (a counter already running before we looked).
 */
export function sampleDeltas(samples: readonly Sample[], prev: Sample | null, firstIsUsage: boolean): { at: number; delta: number }[] {
  const out: { at: number; delta: number }[] = [];
  let last = prev;
  for (const s of samples) {
    if (last && s.at <= last.at) continue; // already seen
    const delta = !last ? (firstIsUsage ? s.value : 0) : s.value < last.value ? s.value : s.value - last.value;
    if (delta > 0) out.push({ at: s.at, delta });
    last = s;
  }
  return out;
}

/** One delta of one series as a response of its own (one kind of token); null for an unknown type. */
export function deltaEvent(labels: Record<string, string>, id: string, at: number, delta: number): ResponseEvent | null {
  const type = TYPES[labels.type ?? ''];
  if (!type) return null;
  const tokens: Tokens = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  // A counter is a whole number stored as a double: float noise is rounded away. Whatever is still
  // out of range (a delta over 1e9 in one sample, a time past 2100) is counted out at the admission gate.
  tokens[type] = Math.round(delta);
  const model = labels.model || 'unknown';
  return {
    kind: 'response', key: eventKey(id, at), at, model, tokens,
    session: labels.session_id || labels.host_name || labels.instance || 'prometheus',
    // Telemetry carries no thinking tokens: THINKING reads 0 and says so (thinking_source none).
    thinkingReported: null, noThinking: true, visibleChars: 0,
    synthetic: model === '<synthetic>', sidechain: false, speed: false,
  };
}

/** The last sample of every series seen: what the next poll's samples are deltas against. */
export class SeriesBook {
  private last = new Map<string, Sample>();
  skipped = 0;

  /**
   * Events for samples newer than what is known. For a series not seen yet, `older` holds its last
   * sample before these (looked up in Prometheus): none there means the series began here, so its
   * first sample is usage; 'baseline' (nothing could be looked up) makes the first sample a baseline.
   */
  advance(series: readonly RawSeries[], older: ReadonlyMap<string, Sample> | 'baseline' = new Map()): ResponseEvent[] {
    const out: ResponseEvent[] = [];
    for (const s of series) {
      if (s.samples.length === 0) continue;
      const id = seriesId(s.labels);
      const prev = this.last.get(id) ?? (older === 'baseline' ? null : older.get(id) ?? null);
      for (const d of sampleDeltas(s.samples, prev, older !== 'baseline')) {
        const e = deltaEvent(s.labels, id, d.at, d.delta);
        if (e) out.push(e);
        else this.skipped++;
      }
      const newest = s.samples[s.samples.length - 1];
      if (!prev || newest.at > prev.at) this.last.set(id, newest);
    }
    return out;
  }

  /** Series among these that this book has never seen. */
  unseen(series: readonly RawSeries[]): RawSeries[] {
    return series.filter((s) => s.samples.length > 0 && !this.last.has(seriesId(s.labels)));
  }

  /** Series silent since `at` are forgotten (the exporter drops them after metric_expiration). */
  forgetBefore(at: number): void {
    for (const [id, s] of this.last) if (s.at < at) this.last.delete(id);
  }

  get size(): number {
    return this.last.size;
  }
}

/** Merges a chunk of older samples into what is held (initial load, read backwards in chunks). */
export function mergeSeries(into: Map<string, RawSeries>, chunk: readonly RawSeries[]): void {
  for (const s of chunk) {
    const id = seriesId(s.labels);
    const held = into.get(id);
    if (!held) into.set(id, { labels: s.labels, samples: [...s.samples] });
    else {
      const seen = new Set(held.samples.map((x) => x.at));
      held.samples.push(...s.samples.filter((x) => !seen.has(x.at)));
      held.samples.sort((a, b) => a.at - b.at);
    }
  }
}
