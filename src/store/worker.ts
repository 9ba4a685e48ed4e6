// The ingest in a worker thread: JSON parsing and SQLite writes of a long backfill never hold
// up the daemon's event loop. Files arrive as messages and are read one after another.
import { parentPort, workerData } from 'node:worker_threads';
import { openHistory } from './db.js';
import { ingestPaths } from './ingest.js';
import { keepBlocks } from './history-blocks.js';
import { keepReportSlots } from './report-slots.js';
import { loadPricer } from './pricing.js';

export interface WorkerRequest {
  seq: number;
  paths: string[];
}

export interface WorkerReply {
  seq: number;
  lines: number;
  skipped: number;
  error?: string;
  /** Files not read for want of file descriptors: to be read again soon. */
  retry?: string[];
  /** Files that could not be read, one line each. */
  problems?: string[];
}

const { file, pricesFile } = workerData as { file: string; pricesFile: string };
const history = openHistory(file, { checked: true }); // by the daemon's start (serve.ts)
const pricer = loadPricer(pricesFile, (error) => parentPort!.postMessage({ seq: -1, lines: 0, skipped: 0, error } satisfies WorkerReply));

parentPort!.on('message', (m: WorkerRequest | 'close') => {
  if (m === 'close') {
    history.close();
    process.exit(0);
  }
  try {
    const r = ingestPaths(history.db, m.paths, pricer);
    keepBlocks(history.db);
    keepReportSlots(history.db);
    parentPort!.postMessage({ seq: m.seq, lines: r.lines, skipped: r.skipped, retry: r.retry, problems: r.problems } satisfies WorkerReply);
  } catch (err) {
    parentPort!.postMessage({ seq: m.seq, lines: 0, skipped: 0, error: (err as Error).message } satisfies WorkerReply);
  }
});
