// Child process body: scan the old files on every core (worker threads of its own), summarize,
// report, exit. A separate process, so every byte it used goes back to the system when it ends.
import { scanAll } from '../sources/transcripts/parallel.js';
import { byPath, discover } from '../sources/transcripts/discover.js';
import type { OlderHistoryRequest } from '../sources/transcripts/older.js';
import { summarize } from './largest-block.js';

// The daemon went away (stopped, or killed): nobody wants the answer any more.
process.once('disconnect', () => process.exit(0));
const send = (m: unknown, then: () => void = () => {}) => {
  if (process.connected) process.send!(m, undefined, undefined, then);
  else process.exit(0);
};

process.once('message', async ({ configDirs, exclude }: OlderHistoryRequest) => {
  const skip = new Set(exclude);
  // Path order, as everywhere a history is summed: equal copies of a response resolve the same way.
  const files = discover(configDirs).files.filter((f) => !skip.has(f.id)).sort(byPath);
  send({ total: files.length });
  const results = await scanAll(files, { minBytes: 0, onProgress: (n) => send({ progress: n }) });
  send(summarize(results, Date.now()), () => process.exit(0));
});
