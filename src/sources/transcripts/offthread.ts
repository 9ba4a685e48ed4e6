// The listing of the transcript folders on another thread: on a large history it is thousands of
// system calls (a tenth of a second and more), which the thread answering /usage should not wait on.
import { Worker } from 'node:worker_threads';
import { entryUrl } from '../../util/package-files.js';
import { discover, type Discovery } from './discover.js';

export function discoverOffThread(configDirs: string[]): Promise<Discovery> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (list: () => Discovery) => {
      if (settled) return;
      settled = true;
      resolve(list());
    };
    // A worker that cannot start, or ends without an answer: list here instead, the listing must not be lost.
    const here = () => settle(() => discover(configDirs));
    try {
      const worker = new Worker(entryUrl('sources/transcripts/discover-worker'), { workerData: configDirs });
      worker.once('message', (d: Discovery) => settle(() => d));
      worker.once('error', here);
      worker.once('exit', here);
    } catch {
      here();
    }
  });
}
