// Child process body: scan the old files on every core (worker threads of its own), summarize,
// report, exit. A separate process, so every byte it used goes back to the system when it ends.
import { scanParallel } from './parallel.js';
import { summarize } from './history.js';
import type { FoundFile } from './discover.js';

// The daemon went away (stopped, or killed): nobody wants the answer any more.
process.once('disconnect', () => process.exit(0));
const send = (m: unknown, then: () => void = () => {}) => {
  if (process.connected) process.send!(m, undefined, undefined, then);
  else process.exit(0);
};

process.once('message', async (files: FoundFile[]) => {
  const results = await scanParallel(files, { minBytes: 0, onProgress: (n) => send({ progress: n }) });
  send(summarize(results, Date.now()), () => process.exit(0));
});
