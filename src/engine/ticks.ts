// Token deltas on a time line, for the sliding 1- and 5-minute windows.
// Mostly appended in order; out-of-order inserts (backfill) are placed by binary search.

export interface Tick {
  at: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  thinking: number;
  /** Thinking was reported by the API (true) or estimated (false). */
  reported: boolean;
}

export interface WindowSum {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  thinking: number;
  reportedTicks: number;
  estimatedTicks: number;
}

export class TickLine {
  private ticks: Tick[] = [];

  get size(): number {
    return this.ticks.length;
  }

  add(t: Tick): void {
    const arr = this.ticks;
    if (arr.length === 0 || arr[arr.length - 1].at <= t.at) {
      arr.push(t);
      return;
    }
    arr.splice(upperBound(arr, t.at), 0, t);
  }

  /** Sum of ticks with from < at <= to. */
  sum(from: number, to: number): WindowSum {
    const s: WindowSum = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, thinking: 0, reportedTicks: 0, estimatedTicks: 0 };
    const arr = this.ticks;
    for (let i = upperBound(arr, from); i < arr.length && arr[i].at <= to; i++) {
      const t = arr[i];
      s.input += t.input;
      s.output += t.output;
      s.cacheCreation += t.cacheCreation;
      s.cacheRead += t.cacheRead;
      s.thinking += t.thinking;
      if (t.reported) s.reportedTicks++;
      else s.estimatedTicks++;
    }
    return s;
  }

  /** Forget ticks at or before `before`: live mode keeps only what a window can still see. */
  dropUntil(before: number): void {
    const n = upperBound(this.ticks, before);
    if (n > 0) this.ticks.splice(0, n);
  }
}

/** First index whose `at` is greater than `at`. */
export function upperBound<T extends { at: number }>(arr: readonly T[], at: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
