// A thread of the stats queries (runner.ts): a read-only connection of its own to the history,
// one query at a time, with the daemon's live figures the query may read handed over with it.
import { parentPort, workerData } from 'node:worker_threads';
import type { Snapshot } from '../../core/snapshot.js';
import { openHistory, type History } from '../../store/db.js';
import type { IngestStatus } from '../../store/follow.js';
import type { Filter } from './filter.js';
import { queryAt } from './registry.js';

export interface QueryRequest {
  id: number;
  path: string;
  filter: Filter;
  /** As the daemon's thread saw them when the request came in. */
  snapshot: Snapshot | undefined;
  ingest: IngestStatus | undefined;
  now: number;
}

export type QueryReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const { file } = workerData as { file: string };
// Opened as the thread starts (before the first query, when it was started ahead), and again at
// each query while it cannot be (a history moved aside and not yet made anew).
let history: History | null = null;
// Not mapped: the daemon's memory would hold the file's pages once per thread (2 GB of history: 320 MB).
const open = () => openHistory(file, { readonly: true, mapped: false });
try {
  history = open();
} catch {
  history = null; // the first query says why
}

parentPort!.on('message', (m: QueryRequest) => {
  let reply: QueryReply;
  try {
    history ??= open();
    const result = queryAt(m.path).run({ db: history.db, snapshot: m.snapshot && (() => m.snapshot!), ingest: m.ingest && (() => m.ingest!), now: () => m.now }, m.filter);
    reply = { id: m.id, ok: true, result };
  } catch (err) {
    reply = { id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }; // as the API answered it here: its message
  }
  parentPort!.postMessage(reply);
});
