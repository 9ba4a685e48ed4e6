// Token deltas on a time line, for the sliding 1- and 5-minute windows.
import { Timeline, upperBound } from './timeline.js';


export interface Tick {
  at: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  thinking: number;
  /** Thinking was reported by the API (true), estimated (false), or unknowable (null: telemetry). */
  reported: boolean | null;
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
  private line = new Timeline<Tick>();

  get size(): number {
    return this.line.length;
  }

  add(t: Tick): void {
    this.line.push(t);
  }

  /** Sum of ticks with from < at <= to. */
  sum(from: number, to: number): WindowSum {
    const s: WindowSum = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, thinking: 0, reportedTicks: 0, estimatedTicks: 0 };
    const arr = this.line.sorted();
    for (let i = upperBound(arr, from); i < arr.length && arr[i].at <= to; i++) {
      const t = arr[i];
      s.input += t.input;
      s.output += t.output;
      s.cacheCreation += t.cacheCreation;
      s.cacheRead += t.cacheRead;
      s.thinking += t.thinking;
      if (t.reported === true) s.reportedTicks++;
      else if (t.reported === false) s.estimatedTicks++;
    }
    return s;
  }

  /** Forget ticks at or before `before`: live mode keeps only what a window can still see. */
  dropUntil(before: number): void {
    this.line.dropFirst(upperBound(this.line.sorted(), before));
  }
}
