// The daemon's side of the history's check at start (check-worker.ts).
import { Worker } from 'node:worker_threads';
import type { CheckReply } from './check-worker.js';
import { entryUrl } from '../util/package-files.js';

export type { CheckReply } from './check-worker.js';

/** The worker's verdict on `file`; null when no worker could give one (the caller checks on its own thread then). */
export function checkHistory(file: string): Promise<CheckReply | null> {
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
