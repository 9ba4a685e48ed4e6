// What the demo has written, as the engine will count it: token growth per response (core's
// tokenGrowth, the engine's own rule) on a time line. The writer paces itself
// by it, so the tach stays where the script wants it without waiting for the daemon to say so.
import { addTokens, tokenGrowth, totalTokens, type Tokens } from '../core/events.js';
import type { LineUsage } from '../generate/index.js';

const MINUTE = 60_000;
const WINDOW_5M = 5 * MINUTE;

interface Entry {
  at: number;
  total: number;
  cacheRead: number;
  /** Input, cache write and cache read: the cache hit rate's denominator. */
  prompt: number;
}

export class WrittenLedger {
  private entries: Entry[] = [];
  private peaks = new Map<string, Tokens>();

  /** The tokens this usage line adds, as the engine's per-minute windows will count them. */
  delta(u: LineUsage): number {
    const p = this.peaks.get(u.key);
    return totalTokens(p ? tokenGrowth(u, p) : u);
  }

  add(at: number, u: LineUsage): void {
    const p = this.peaks.get(u.key) ?? { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };
    const d = tokenGrowth(u, p);
    this.peaks.set(u.key, addTokens(p, d));
    const prompt = d.input + d.cacheCreation + d.cacheRead;
    if (prompt + d.output > 0) this.entries.push({ at, total: prompt + d.output, cacheRead: d.cacheRead, prompt });
    // Keep what a window can still see.
    while (this.entries.length && this.entries[0].at <= at - WINDOW_5M) this.entries.shift();
    if (this.peaks.size > 5000) this.peaks.clear(); // responses are done with long before this
  }

  /** Tokens written in (from, to]: the engine's window sum. */
  sum(from: number, to: number): number {
    let n = 0;
    for (const e of this.entries) if (e.at > from && e.at <= to) n += e.total;
    return n;
  }

  /** When each kept write was made. */
  times(): number[] {
    return this.entries.map((e) => e.at);
  }

  /** The tach's figure at `now`: tokens in the minute up to it. */
  rate(now: number): number {
    return this.sum(now - MINUTE, now);
  }

  /** The earliest time from `now` on at which the minute's tokens are at most `limit` (with no more writes). */
  fitsAt(now: number, limit: number): number {
    let over = this.rate(now) - limit;
    if (over <= 0) return now;
    for (const e of this.entries) {
      if (e.at <= now - MINUTE) continue;
      over -= e.total;
      if (over <= 0) return e.at + MINUTE;
    }
    return now + MINUTE;
  }

  /** Cache reads and all prompt tokens (input, cache write, cache read) of the 5 minutes up to `now`: the boost gauge's window. */
  cacheWindow(now: number): { read: number; prompt: number } {
    let read = 0;
    let prompt = 0;
    for (const e of this.entries) {
      if (e.at > now - WINDOW_5M && e.at <= now) {
        read += e.cacheRead;
        prompt += e.prompt;
      }
    }
    return { read, prompt };
  }
}
