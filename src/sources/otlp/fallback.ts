// Token-usage metrics as a fallback feed, never counted on top of api_request events.
//
// The rule: api_request log events are the feed. A `claude_code.token.usage` data point counts
// only if no api_request event has arrived from its origin (its session.id, or its resource
// when metrics carry no session id) by the time `graceMs` has passed since the point arrived.
// Logs are exported every 5 s and metrics every 60 s, so a session that sends events has
// announced itself long before its metrics are released. Replaying the journal applies the
// same rule over everything kept, so a restart never counts a request twice.
import type { ResponseEvent } from '../../core/events.js';
import { pointEvent, type TokenPoint } from './convert.js';

export interface SeriesState {
  id: string;
  start: string;
  value: number;
  time: string;
  at: number;
}

/** Cumulative counters -> deltas, per series, with counter resets (a new start time or a drop). */
export class Deltas {
  private states = new Map<string, SeriesState>();

  /** Deltas for a batch, staged: commit() only once the batch is durably kept. */
  stage(points: TokenPoint[]): { events: { event: ResponseEvent; origin: string }[]; states: SeriesState[]; commit: () => void } {
    const staged = new Map<string, SeriesState>();
    const events: { event: ResponseEvent; origin: string }[] = [];
    for (const p of points) {
      if (!p.cumulative) {
        if (p.value > 0) events.push({ event: pointEvent(p, p.value), origin: p.origin });
        continue;
      }
      const prev = staged.get(p.series) ?? this.states.get(p.series);
      let delta: number;
      if (prev && prev.start === p.start && BigInt(p.time) <= BigInt(prev.time)) continue; // a stale or retried point
      if (!prev || prev.start !== p.start || p.value < prev.value) delta = p.value; // first sight or reset: the counter began at its start time
      else delta = p.value - prev.value;
      staged.set(p.series, { id: p.series, start: p.start, value: p.value, time: p.time, at: p.at });
      if (delta > 0) events.push({ event: pointEvent(p, delta), origin: p.origin });
    }
    return { events, states: [...staged.values()], commit: () => staged.forEach((s, k) => this.states.set(k, s)) };
  }

  restore(s: SeriesState): void {
    this.states.set(s.id, s);
  }

  forgetBefore(at: number): void {
    for (const [k, s] of this.states) if (s.at < at) this.states.delete(k);
  }

  get size(): number {
    return this.states.size;
  }
}

interface Held {
  origin: string;
  event: ResponseEvent;
  until: number;
}

export class FallbackGate {
  private coveredAt = new Map<string, number>();
  private held: Held[] = [];

  constructor(private readonly graceMs: number) {}

  cover(origins: string[], at: number): void {
    for (const o of origins) this.coveredAt.set(o, Math.max(this.coveredAt.get(o) ?? 0, at));
  }

  covered(origin: string): boolean {
    return this.coveredAt.has(origin);
  }

  hold(origin: string, event: ResponseEvent, now: number): void {
    if (!this.covered(origin)) this.held.push({ origin, event, until: now + this.graceMs });
  }

  /** Points whose grace has passed and whose origin stayed silent; covered ones are dropped. */
  release(now: number, all = false): ResponseEvent[] {
    const out: ResponseEvent[] = [];
    const keep: Held[] = [];
    for (const h of this.held) {
      if (this.covered(h.origin)) continue;
      if (all || h.until <= now) out.push(h.event);
      else keep.push(h);
    }
    this.held = keep;
    return out;
  }

  get pending(): number {
    return this.held.length;
  }

  /** Next instant a held point may be released, or null. */
  nextDue(): number | null {
    return this.held.length ? Math.min(...this.held.map((h) => h.until)) : null;
  }

  forgetBefore(at: number): void {
    for (const [k, t] of this.coveredAt) if (t < at) this.coveredAt.delete(k);
  }
}
