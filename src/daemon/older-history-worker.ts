// Child process body: scan the old files on every core (worker threads of its own), summarize,
// report, exit. A separate process, so every byte it used goes back to the system when it ends.
import { scanAll } from '../sources/transcripts/parallel.js';
import { byPath, discover } from '../sources/transcripts/discover.js';
import { loadPricer } from '../store/pricing.js';
import { priceWith, summarize, type SummaryRequest } from './older-history.js';
import { lowerPriority, SUMMARY_NICE } from '../util/priority.js';

// The daemon went away (stopped, or killed): nobody wants the answer any more.
process.once('disconnect', () => process.exit(0));
const send = (m: unknown, then: () => void = () => {}) => {
  if (process.connected) process.send!(m, undefined, undefined, then);
  else process.exit(0);
};

process.once('message', async ({ configDirs, before }: SummaryRequest) => {
  lowerPriority(SUMMARY_NICE); // before its scan threads start, which inherit it
  // Path order, as everywhere a history is summed: equal copies of a response resolve the same way.
  const files = discover(configDirs).files.sort(byPath);
  send({ total: files.length });
  const results = await scanAll(files, { minBytes: 0, onProgress: (n) => send({ progress: n }) });
  // A prices.json that does not read is the daemon's to report (it loads the same file).
  const price = priceWith(loadPricer());
  send(summarize(results, before, Date.now(), price), () => process.exit(0));
});
