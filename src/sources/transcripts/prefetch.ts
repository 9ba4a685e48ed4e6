// A head start for `serve`: the first listing of the transcript folders (thousands of stat calls
// on a large history) runs in a worker thread while the main thread is still loading the
// program, instead of after it. The source takes the result if it asks for the same folders.
import { Worker } from 'node:worker_threads';
import type { Discovery } from './discover.js';
import { entryUrl } from '../../paths.js';

let pending: { key: string; result: Promise<Discovery | null> } | null = null;

export function prefetchDiscovery(configDirs: string[]): void {
  const worker = new Worker(entryUrl('sources/transcripts/prefetch-worker'), { workerData: configDirs });
  const result = new Promise<Discovery | null>((resolve) => {
    worker.once('message', (d: Discovery) => resolve(d));
    worker.once('error', () => resolve(null)); // the source lists the folders itself
    worker.once('exit', () => resolve(null));
  });
  pending = { key: configDirs.join('\0'), result };
}

/** The prefetched listing, once, if it was made for these folders; null otherwise or on failure. */
export function takePrefetched(configDirs: string[]): Promise<Discovery | null> | null {
  if (pending?.key !== configDirs.join('\0')) return null;
  const r = pending.result;
  pending = null;
  return r;
}
