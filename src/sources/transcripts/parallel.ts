// Splits a scan over worker threads, one per core: contiguous runs of the path-sorted list,
// balanced by bytes, so folding the results in order gives exactly the sequential answer.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoundFile } from './discover.js';
import { unpack, type PackedScan } from './packed.js';
import { scanFiles, type ScanResult } from './scan.js';
import { entryUrl } from '../../util/package-files.js';

/** Below this much data a worker costs more to start than it saves. */
const MIN_PARALLEL_BYTES = 64 * 1024 * 1024;

export function splitByBytes(files: readonly FoundFile[], parts: number): FoundFile[][] {
  const total = files.reduce((a, f) => a + f.size, 0);
  const groups: FoundFile[][] = [[]];
  let acc = 0;
  for (const f of files) {
    if (acc >= (total * groups.length) / parts && groups.length < parts) groups.push([]);
    groups[groups.length - 1].push(f);
    acc += f.size;
  }
  return groups.filter((g) => g.length > 0);
}

/** Results in file order: group by group, each group's responses in first-appearance order. */
export interface ParallelOptions {
  /** Workers started ahead (while the files were being listed); any left unused are stopped. */
  pool?: ScanPool;
  threads?: number;
  /** Below this many bytes, scan on this thread; 0: always in workers (keeps this thread free). */
  minBytes?: number;
  /** Files finished so far, across all workers. */
  onProgress?: (filesDone: number) => void;
}

export async function scanParallel(files: readonly FoundFile[], o: ParallelOptions = {}): Promise<ScanResult[]> {
  const pool = o.pool;
  const threads = Math.max(1, pool?.size ?? o.threads ?? availableParallelism());
  const total = files.reduce((a, f) => a + f.size, 0);
  if (files.length === 0 || total < (o.minBytes ?? MIN_PARALLEL_BYTES)) {
    await pool?.close();
    return files.length === 0 ? [] : [scanFiles(files.map((f) => f.path))];
  }
  const groups = splitByBytes(files, threads);
  const workers = groups.map((_, i) => pool?.take(i) ?? null);
  await pool?.close(); // the ones this scan does not need
  const done = groups.map(() => 0);
  return Promise.all(
    groups.map(
      (g, i) =>
        new Promise<ScanResult>((resolve, reject) => {
          const paths = g.map((f) => f.path);
          const w = workers[i] ?? new Worker(WORKER, { workerData: { paths } });
          if (workers[i]) w.postMessage({ paths });
          w.on('message', (m: PackedScan | { progress: number }) => {
            if ('progress' in m) {
              done[i] = m.progress;
              o.onProgress?.(done.reduce((a, b) => a + b, 0));
            } else resolve(unpack(m));
          });
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`scan worker exited with ${code}`)));
        }),
    ),
  );
}

const WORKER = entryUrl('sources/transcripts/scan-worker');

/**
 * Scan workers started before the file list is known: a worker takes tens of milliseconds to
 * boot, which then overlaps with listing the files instead of following it.
 */
export class ScanPool {
  private workers: (Worker | null)[];

  constructor(threads = availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(WORKER));
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
