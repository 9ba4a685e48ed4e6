// The gate in front of the live engine: every event from every source passes `admit`, which
// checks it (validate.ts), counts what it turns away, and holds records dated in the future until
// their time comes, so a skewed clock or a bad line can neither take over the 5-hour window nor
// be lost. A failure while the engine folds one event is contained to that event.
import type { GaugeEvent } from './events.js';
import { isFuture, rejection, type Rejection } from './validate.js';

/** Future records held at most; past it the oldest-dated are dropped (and counted). */
const MAX_HELD = 10_000;

export interface AdmissionCounts {
  rejected: Record<Rejection, number>;
  /** The engine threw on these (a bug, contained). */
  failed: number;
  /** Dated in the future and waiting for their time. */
  held: number;
  /** Future records dropped because too many were held. */
  dropped: number;
}

export class Admission {
  private held: GaugeEvent[] = [];
  private rejected: Record<Rejection, number> = { time: 0, tokens: 0, shape: 0 };
  private failed = 0;
  private dropped = 0;
  private newestFuture = -Infinity;
  private lastFailure: string | null = null;

  constructor(
    private readonly apply: (e: GaugeEvent) => void,
    private readonly clock: () => number,
  ) {}

  /** Checks one event and passes it on, holds it, or counts it out. Never throws. */
  admit(e: GaugeEvent): void {
    const why = rejection(e);
    if (why) {
      this.rejected[why]++;
      return;
    }
    if (isFuture(e, this.clock())) return this.hold(e);
    this.pass(e);
  }

  /** Releases the held records whose time has come; call before each snapshot. */
  release(): void {
    if (this.held.length === 0) return;
    const now = this.clock();
    const due = this.held.filter((e) => !isFuture(e, now));
    if (due.length === 0) return;
    this.held = this.held.filter((e) => isFuture(e, now));
    due.sort((a, b) => a.at - b.at);
    for (const e of due) this.pass(e);
  }

  counts(): AdmissionCounts {
    return { rejected: { ...this.rejected }, failed: this.failed, held: this.held.length, dropped: this.dropped };
  }

  /** Records turned away or held, for `source.problems`; empty while every record was fine. */
  problems(): string[] {
    const out: string[] = [];
    const r = this.rejected;
    if (r.time) out.push(`${r.time} record(s) skipped: timestamp missing or outside 2000-2100`);
    if (r.tokens) out.push(`${r.tokens} record(s) skipped: token counts not whole numbers from 0 to 1e9`);
    if (r.shape) out.push(`${r.shape} record(s) skipped: fields of the wrong type or size`);
    if (this.held.length) {
      out.push(`${this.held.length} record(s) dated in the future (newest ${new Date(this.newestFuture).toISOString()}) held out of the live gauges until then; is this machine's clock right?`);
    }
    if (this.dropped) out.push(`${this.dropped} future-dated record(s) dropped: more than ${MAX_HELD} were held`);
    if (this.failed) out.push(`${this.failed} record(s) failed in the engine and were skipped (last: ${this.lastFailure})`);
    return out;
  }

  private hold(e: GaugeEvent): void {
    this.held.push(e);
    if (e.at > this.newestFuture) this.newestFuture = e.at;
    if (this.held.length > MAX_HELD) {
      // Keep the soonest: they are the ones that will count first.
      this.held.sort((a, b) => a.at - b.at);
      this.dropped += this.held.length - MAX_HELD;
      this.held.length = MAX_HELD;
    }
  }

  private pass(e: GaugeEvent): void {
    try {
      this.apply(e);
    } catch (err) {
      this.failed++;
      this.lastFailure = err instanceof Error ? err.message : String(err);
    }
  }
}

