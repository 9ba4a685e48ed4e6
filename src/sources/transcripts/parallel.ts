// Splits a scan over worker threads, one per core: contiguous runs of the path-sorted list,
// balanced by bytes, so folding the results in order gives exactly the sequential answer.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FoundFile } from './discover.js';
import { scanFiles, type ScanResult } from './scan.js';

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
export async function scanParallel(files: readonly FoundFile[], o: { threads?: number; minBytes?: number } = {}): Promise<ScanResult[]> {
  const threads = o.threads ?? availableParallelism();
  const total = files.reduce((a, f) => a + f.size, 0);
  if (threads < 2 || total < (o.minBytes ?? MIN_PARALLEL_BYTES)) return [scanFiles(files.map((f) => f.path))];
  const groups = splitByBytes(files, threads);
  return Promise.all(
    groups.map(
      (g) =>
        new Promise<ScanResult>((resolve, reject) => {
          const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: { paths: g.map((f) => f.path) } });
          w.once('message', (r: ScanResult) => resolve(r));
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`scan worker exited with ${code}`)));
        }),
    ),
  );
}
