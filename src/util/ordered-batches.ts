// Numbered batches of work handed to worker threads (and, while it would only wait, to the
// calling thread), their results passed on strictly in batch order: folding them in that order
// gives exactly the answer of doing them one after another, while the workers go on. The full
// scan (sources/transcripts/parallel.ts) and the history's first build (store/build.ts) both run
// on it: they differ in what a batch is, and in how far ahead the calling thread may read.
import { setImmediate } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';

export interface OrderedBatches<R> {
  /** Batches 0 to count - 1. */
  count: number;
  /** Each holds `inFlight` batches at once: the next waits in its queue while it sends a result. */
  workers: Worker[];
  inFlight?: number;
  /** Posts batch `batch` to `w`. */
  send(w: Worker, batch: number): void;
  /** A worker's message: which batch, and its result. */
  receive(message: any): { batch: number; result: R };
  /** Does a batch on this thread, while no result it could pass on is in; absent: never. */
  here?: (batch: number) => R;
  /** How many batches past the next one to pass on this thread may have done (their results wait in memory). */
  aheadLimit?: number;
  /** Each result in batch order, on this thread. */
  onResult(result: R, batch: number): void;
  /** What a worker is, for the error when one ends before the work: "scan worker". */
  workerName: string;
}

/** Resolves when every batch's result was passed on; rejects when a worker fails. Ends the workers either way (not waited for: a one-shot report exits sooner). */
export async function runOrdered<R>(o: OrderedBatches<R>): Promise<void> {
  const results: (R | undefined)[] = new Array(o.count);
  const have: boolean[] = new Array(o.count).fill(false);
  let next = 0; // the next batch to hand out
  let passed = 0; // batches passed on, in order
  let failed: Error | null = null;
  let wake: (() => void) | null = null;
  const arrived = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const give = (w: Worker) => {
    if (next < o.count) o.send(w, next++);
  };
  for (const w of o.workers) {
    w.on('message', (m: unknown) => {
      const { batch, result } = o.receive(m);
      results[batch] = result;
      have[batch] = true;
      give(w);
      arrived();
    });
    w.once('error', (err) => {
      failed ??= err;
      arrived();
    });
    w.once('exit', (code) => {
      if (passed < o.count) failed ??= new Error(`${o.workerName} exited with ${code}`);
      arrived();
    });
    for (let i = 0; i < (o.inFlight ?? 2); i++) give(w);
  }
  try {
    while (passed < o.count) {
      if (failed) throw failed;
      if (have[passed]) {
        const r = results[passed] as R;
        results[passed] = undefined; // what the caller drops is garbage at once
        o.onResult(r, passed++);
      } else if (o.here && next < o.count && next - passed < (o.aheadLimit ?? Infinity)) {
        const mine = next++;
        results[mine] = o.here(mine);
        have[mine] = true;
      } else {
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      await setImmediate(); // the workers' results come in, and they get their next batches
    }
  } finally {
    for (const w of o.workers) void w.terminate();
  }
}
