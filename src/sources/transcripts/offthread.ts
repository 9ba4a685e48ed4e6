// The listing of the transcript folders on another thread: on a large history it is thousands of
// system calls (a tenth of a second and more), which the thread answering /usage should not wait on.
import { Worker } from 'node:worker_threads';
import { entryUrl } from '../../paths.js';
import { discover, type Discovery } from './discover.js';

export function discoverOffThread(configDirs: string[]): Promise<Discovery> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (d: Discovery) => {
      if (settled) return;
      settled = true;
      resolve(d);
    };
    try {
      const worker = new Worker(entryUrl('sources/transcripts/discover-worker'), { workerData: configDirs });
      worker.once('message', settle);
      // A worker that cannot start or dies: list here instead, the listing must not be lost.
      worker.once('error', () => settle(discover(configDirs)));
      worker.once('exit', () => settle(discover(configDirs)));
    } catch {
      settle(discover(configDirs));
    }
  });
}
