// Splits a scan over worker threads, one per core. The path-sorted list is cut into batches of a
// few megabytes, handed to whichever worker is free (so no core idles while another finishes a
// slow half), and the results are passed on strictly in batch order, each as soon as it and all
// before it are in: folding them in that order gives exactly the sequential answer, and the
// caller folds while the workers are still reading.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoundFile } from './discover.js';
import { unpack, type PackedScan } from './packed.js';
import { scanFiles, UsageReader, type ScanResult } from './scan.js';
import type { FoldOrder } from '../../core/response-fold.js';
import { runOrdered } from '../../util/ordered-batches.js';
import { entryUrl } from '../../util/package-files.js';

/** Below this much data a worker costs more to start than it saves. */
const MIN_PARALLEL_BYTES = 64 * 1024 * 1024;
/**
 * Small enough that the last batches end together, large enough that messages cost nothing. A
 * report scans batches on its own thread too (scanHere), and a worker's next batch is handed out
 * only between them: with 16 MB batches and two in a worker's hands, the worker stood idle 5-8 %
 * of a 1 GB scan while this thread read one, and the last batch ran alone for about 0.1 s. With
 * 4 MB and three in hand, alternating on the 2-core machine of docs/performance.md (`blocks
 * --json`, ccusage in the same rounds): 1 GB 1,217 -> 1,119 ms (0.75 -> 0.69 x ccusage, medians
 * of 9), 2 GB 2,035 -> 1,959 (0.61 -> 0.59, medians of 5). Against 4 MB and three, in the same
 * rounds: 8 MB and two in hand 1,184 against 1,060 ms, 2 MB and four 1,165 against 1,079.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Batches a worker holds at once: the next ones wait in its queue while it sends a result. */
const IN_FLIGHT = 3;

/** The bytes of `files` as listed. */
export const bytesOf = (files: readonly { size: number }[]): number => files.reduce((a, f) => a + f.size, 0);

/** Contiguous runs of `files`, in order, of about `bytes` each (a larger file is a run alone). */
export function batches<F extends { size: number }>(files: readonly F[], bytes = BATCH_BYTES): F[][] {
  const out: F[][] = [];
  let cur: F[] = [];
  let acc = 0;
  for (const f of files) {
    if (cur.length > 0 && acc + f.size > bytes) {
      out.push(cur);
      cur = [];
      acc = 0;
    }
    cur.push(f);
    acc += f.size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export interface ParallelOptions {
  /** Workers started ahead (while the files were being listed); any left unused are stopped. */
  pool?: ScanPool;
  threads?: number;
  /** Below this many bytes, scan on this thread; 0: always in workers (keeps this thread free). */
  minBytes?: number;
  batchBytes?: number;
  /** Files finished so far: every file of the batches passed on. */
  onProgress?: (filesDone: number) => void;
  /**
   * This thread scans batches too, between the workers' results (a one-shot report, whose thread
   * would only wait): one worker fewer to boot and to hold in memory for the same cores.
   */
  scanHere?: boolean;
  /** How copies of a response fold (scan.ts scanFiles): 'first' unless given. */
  order?: FoldOrder;
}

/** Every batch's result, in file order. */
export async function scanAll(files: readonly FoundFile[], o: ParallelOptions = {}): Promise<ScanResult[]> {
  const out: ScanResult[] = [];
  await scanParallel(files, (r) => out.push(r), o);
  return out;
}

/**
 * Passes each batch's result to `onResult`, in file order, as soon as it and every batch before
 * it are in; nothing is kept here after that, so what the caller drops is garbage at once.
 */
export async function scanParallel(files: readonly FoundFile[], onResult: (r: ScanResult) => void, o: ParallelOptions = {}): Promise<void> {
  const pool = o.pool;
  const threads = Math.max(1, pool?.size ?? o.threads ?? availableParallelism());
  const total = bytesOf(files);
  if (files.length === 0 || total < (o.minBytes ?? MIN_PARALLEL_BYTES)) {
    await pool?.close();
    if (files.length === 0) return;
    onResult(scanFiles(files, undefined, o.order));
    o.onProgress?.(files.length);
    return;
  }
  const work = batches(files, o.batchBytes);
  const workers = Array.from({ length: Math.min(threads, o.scanHere ? work.length - 1 : work.length) }, (_, i) => pool?.take(i) ?? scanWorker());
  await pool?.close(); // the ones this scan does not need
  const reader = o.scanHere ? new UsageReader() : null;
  let filesDone = 0;
  await runOrdered<ScanResult>({
    count: work.length,
    workers,
    inFlight: IN_FLIGHT,
    send: (w, batch) => w.postMessage({ batch, paths: work[batch].map((f) => f.path), sizes: work[batch].map((f) => f.size), order: o.order } satisfies ScanBatch),
    receive: ({ batch, packed }: { batch: number; packed: PackedScan }) => ({ batch, result: unpack(packed) }),
    here: reader ? (batch) => scanFiles(work[batch], reader, o.order) : undefined,
    onResult: (r, batch) => {
      onResult(r);
      filesDone += work[batch].length;
      o.onProgress?.(filesDone);
    },
    workerName: 'scan worker',
  });
}

const WORKER = entryUrl('sources/transcripts/scan-worker');

function scanWorker(): Worker {
  return new Worker(WORKER);
}

/** A batch for a scan worker: files as listed, each read no further than its size then. */
export interface ScanBatch {
  batch: number;
  paths: string[];
  sizes: number[];
  order?: FoldOrder;
}

/**
 * Scan workers started before the file list is known: a worker takes tens of milliseconds to
 * boot, which then overlaps with listing the files instead of following it.
 */
export class ScanPool {
  private workers: (Worker | null)[];

  constructor(threads = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => scanWorker());
  }

  get size(): number {
    return this.workers.length;
  }

  take(i: number): Worker | null {
    const w = this.workers[i] ?? null;
    this.workers[i] = null;
    return w;
  }

  /** Stops the workers nobody took; safe to call twice. */
  async close(): Promise<void> {
    const left = this.workers.filter((w): w is Worker => w !== null);
    this.workers = this.workers.map(() => null);
    await Promise.all(left.map((w) => w.terminate()));
  }
}
