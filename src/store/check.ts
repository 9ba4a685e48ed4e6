// The daemon's side of the history's check at start (check-worker.ts).
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CheckReply } from './check-worker.js';
import { entryUrl } from '../util/package-files.js';

export type { CheckReply } from './check-worker.js';

/**
 * Below this a history is checked where it is opened: quick_check reads about 0.6 GB/s here, so a
 * few milliseconds, less than a worker costs to start (and its 8-10 MB while it runs; a first
 * start, with no history yet, needs none).
 */
export const CHECK_HERE_BYTES = 4 * 1024 * 1024;

/** The worker's verdict on `file`; null when no worker gave one (none needed: CHECK_HERE_BYTES; or none could start): the caller checks as it opens. */
export function checkHistory(file: string, o: { hereBelow?: number } = {}): Promise<CheckReply | null> {
  let bytes: number;
  try {
    bytes = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    bytes = Infinity; // not even a stat (a file where the folder should be): the worker's open says why
  }
  if (bytes < (o.hereBelow ?? CHECK_HERE_BYTES)) return Promise.resolve(null);
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(entryUrl('store/check-worker'), { workerData: { file } });
    } catch {
      return resolve(null);
    }
    w.once('message', resolve);
    w.once('error', () => resolve(null));
    w.once('exit', () => resolve(null)); // after its message: already resolved
  });
}
