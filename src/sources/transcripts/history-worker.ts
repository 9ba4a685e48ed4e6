// Child process body: scan the old files on every core (worker threads of its own), summarize,
// report, exit. A separate process, so every byte it used goes back to the system when it ends.
import { scanParallel } from './parallel.js';
import { summarize } from './history.js';
import type { FoundFile } from './discover.js';

process.once('message', async (files: FoundFile[]) => {
  const results = await scanParallel(files, { minBytes: 0, onProgress: (n) => process.send!({ progress: n }) });
  process.send!(summarize(results, Date.now()), () => process.exit(0));
});
