// Where the stats queries run. On a large history one takes SQLite 0.1-0.5 s (at 2 GB the page's
// 22 queries took 3.4 s in all), and on the daemon's thread every /usage waited behind them:
// opening /stats froze the gauges. The daemon runs them in a worker thread (query-worker.ts) with a
// read-only connection (WAL: it reads while the ingest writes), started by the page or the first
// query and stopped after half a minute without one; tests and one-off callers run them here.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Filter } from './filter.js';
import type { QueryReply, QueryRequest } from './query-worker.js';
import { queryAt, type StatsContext } from './registry.js';
import { entryUrl } from '../../util/package-files.js';

export interface QueryRunner {
  /** The answer of the query at /api/<path> for this filter; rejects with the query's error. */
  run(path: string, f: Filter): Promise<unknown>;
  /** Starts what the queries will need (the page was asked for: its queries follow in a moment). */
  warm?(): void;
  /** Stops its threads, failing what they still had; safe to call twice. */
  close(): Promise<void>;
}

/** Every query on this thread. */
export function runHere(ctx: StatsContext): QueryRunner {
  return { run: async (path, f) => queryAt(path).run(ctx, f), close: async () => {} };
}

export interface PoolOptions {
  /** The history's SQLite file. */
  file: string;
  /** The daemon's live figures (no history): read on this thread and handed to the query. */
  live: Omit<StatsContext, 'db'>;
  /** At most this many query threads. */
  threads?: number;
  /** A thread without a query for this long stops, and its memory is the daemon's again. */
  idleMs?: number;
}

/**
 * One thread. A thread holds what its queries read while it lives (the page at 2 GB of history:
 * about 140 MB) and some of it after (the allocator keeps a thread's arenas): with one the daemon
 * peaks where it did when the queries ran on its own thread (236 MB), with two at 375 MB, for a
 * page 20 % sooner (2.3-2.6 s against 2.9-3.0).
 */
const THREADS = 1;
/** Long enough for a person to pick another range or project; then its memory is the daemon's again. */
const IDLE_MS = 30_000;
const WORKER = entryUrl('sinks/stats/query-worker');

interface Slot {
  worker: Worker;
  waiting: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
  idle: NodeJS.Timeout | null;
}

/** The queries that read the history in worker threads; those of the live figures alone here. */
export class QueryPool implements QueryRunner {
  private readonly slots: Slot[] = [];
  private readonly threads: number;
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: PoolOptions) {
    this.threads = Math.max(1, Math.min(o.threads ?? THREADS, availableParallelism()));
  }

  async run(path: string, f: Filter): Promise<unknown> {
    const q = queryAt(path);
    const live = this.o.live;
    if (q.live) return q.run(live as StatsContext, f); // no history read: nothing to wait for
    if (this.closed) throw new Error('the stats queries are closed');
    const slot = this.slot();
    const request: QueryRequest = { id: this.nextId++, path, filter: f, snapshot: live.snapshot?.(), ingest: live.ingest?.(), now: (live.now ?? Date.now)() };
    return new Promise((resolve, reject) => {
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      try {
        slot.worker.postMessage(request);
      } catch (err) {
        // Live figures that cannot be copied to a thread: this query fails, the thread stays.
        if (slot.waiting.size === 0) this.rest(slot);
        return reject(err);
      }
      slot.waiting.set(request.id, { resolve, reject });
      slot.worker.ref(); // a query under way keeps the process up
    });
  }

  /** Every thread started ahead, resting until the queries come (a thread takes 50-100 ms to start and open the history). */
  warm(): void {
    while (!this.closed && this.slots.length < this.threads) this.rest(this.start());
  }

  /** How many query threads run now. */
  get size(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots].map((s) => this.end(s, new Error('the stats queries were closed'))));
  }

  /** A free thread, else a new one while there may be more, else the least busy. */
  private slot(): Slot {
    const free = this.slots.find((s) => s.waiting.size === 0);
    if (free) return free;
    if (this.slots.length < this.threads) return this.start();
    return this.slots.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
  }

  private start(): Slot {
    const slot: Slot = { worker: new Worker(WORKER, { workerData: { file: this.o.file } }), waiting: new Map(), idle: null };
    this.slots.push(slot);
    slot.worker.on('message', (m: QueryReply) => {
      const w = slot.waiting.get(m.id);
      if (!w) return;
      slot.waiting.delete(m.id);
      if (m.ok) w.resolve(m.result);
      else w.reject(new Error(m.error));
      if (slot.waiting.size === 0) this.rest(slot);
    });
    // A thread that dies (out of memory, a crash in SQLite) fails its queries, never the daemon; the next query starts another.
    slot.worker.on('error', (err) => void this.end(slot, err));
    slot.worker.on('exit', (code) => void this.end(slot, new Error(`the stats query thread ended (exit ${code})`)));
    return slot;
  }

  /** Nothing asked of it: it lets the process exit, and stops after idleMs. */
  private rest(slot: Slot): void {
    slot.worker.unref();
    slot.idle = setTimeout(() => void this.end(slot, new Error('idle')), this.o.idleMs ?? IDLE_MS);
    slot.idle.unref();
  }

  private async end(slot: Slot, why: Error): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i === -1) return; // ended already
    this.slots.splice(i, 1);
    if (slot.idle) clearTimeout(slot.idle);
    for (const w of slot.waiting.values()) w.reject(why);
    slot.waiting.clear();
    await slot.worker.terminate();
  }
}
