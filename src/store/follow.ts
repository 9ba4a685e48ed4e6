// startIngest: backfills every transcript into the history (in a child process with parallel
// readers, build-child.ts; in the worker thread, file by file, should that fail), then follows
// new lines in a worker thread: the daemon pushes each path its own watcher saw grow (one watcher
// for everything), and a periodic rescan is the safety net.
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { discover, discoverInSteps, type FoundFile } from '../sources/transcripts/discover.js';
import type { History } from './db.js';
import { pricesFile as defaultPricesFile } from './price-overrides.js';
import type { WorkerReply, WorkerRequest } from './worker.js';
import { entryUrl } from '../util/package-files.js';
import { buildInChild, type BuildChild } from './build-spawn.js';
import { markComplete, staleFilesInSteps } from './current.js';
import { pricedAsNow } from './history-blocks.js';
import { reportSlotsKept } from './report-slots.js';
import { notStarted, type IngestStatus } from './ingest-status.js';
import { detailsPending } from './build-phases.js';
import { holdsNoResponses } from './build.js';
import { bytesOf } from '../sources/transcripts/parallel.js';

export type { IngestStatus } from './ingest-status.js';

const byMtime = (a: { mtimeMs: number }, b: { mtimeMs: number }) => a.mtimeMs - b.mtimeMs;

export interface IngestOptions {
  history: History;
  configDirs: string[];
  log?: (msg: string) => void;
  pricesFile?: string;
  /** Follow changes (default true); false: one backfill, then idle. */
  follow?: boolean;
  rescanMs?: number;
  batchFiles?: number;
  /** Backfill in a child process with parallel readers (default true); false: in the worker, file by file. */
  buildInChild?: boolean;
  /** What starts that child (build-spawn.ts); the tests count its calls. */
  spawnBuild?: typeof buildInChild;
}

export interface Ingest {
  /** Reads what is new in `file` (the daemon may call this on its own change events). */
  ingestFile(file: string): Promise<void>;
  /** Queues `file` for a read soon (batched): what the daemon's watcher calls on every change. */
  touch(file: string): void;
  /** Resolves when nothing is queued or being read. */
  whenIdle(): Promise<void>;
  status(): IngestStatus;
  close(): Promise<void>;
}

/**
 * A first build of at least this much reads the responses first and the details after
 * (build-phases.ts): reports and /stats's token and cost figures answer after the first pass.
 * The second pass reads every line again, so the whole build takes longer (500 MB on the 2-core
 * machine of docs/performance.md, in one process: 3.0 s in one pass, 1.1 + 3.1 in two); below
 * this the one pass is over in a second or two anyway.
 */
export const USAGE_FIRST_BYTES = 256 * 1024 * 1024;

const RETRY_MS = 5000;
/** A file not opened for want of file descriptors is read again this soon: not dropped, not left for the next change. */
const RETRY_OPEN_MS = 500;

export function startIngest(o: IngestOptions): Ingest {
  const log = o.log ?? (() => {});
  const pricesFile = o.pricesFile ?? defaultPricesFile();
  const st = notStarted();
  let seq = 0;
  const waiting = new Map<number, () => void>();
  let idleWaiters: (() => void)[] = [];
  const queue = new Set<string>();
  const sent = new Map<number, string[]>(); // by request, for a retry when it fails
  let inFlight = 0;
  let closed = false;

  // Started when first needed: during a first build in the child it would only hold memory.
  let started: Worker | null = null;
  const workerNow = (): Worker => {
    if (started) return started;
    const w = (started = new Worker(entryUrl('store/worker'), { workerData: { file: o.history.file, pricesFile } }));
    w.unref();
    w.on('message', (r: WorkerReply) => {
      if (r.error) {
        st.last_error = r.error;
        log(`history: ${r.error}`);
        // A full disk or a busy lock: nothing was committed past the failure (rows and offsets share
        // one transaction), so reading the same files again later loses nothing.
        const failed = sent.get(r.seq);
        if (failed && !closed) setTimeout(() => failed.forEach((p) => touch(p)), RETRY_MS).unref();
      }
      if (r.problems?.length) {
        st.last_error = r.problems[r.problems.length - 1];
        for (const p of r.problems) log(`history: ${p}`);
      }
      if (r.retry?.length && !closed) {
        const again = r.retry;
        setTimeout(() => again.forEach((p) => touch(p)), RETRY_OPEN_MS).unref();
      }
      sent.delete(r.seq);
      st.lines += r.lines;
      st.skipped_lines += r.skipped;
      waiting.get(r.seq)?.();
      waiting.delete(r.seq);
    });
    w.on('error', (err) => {
      st.last_error = err.message;
      log(`history: the ingest worker failed: ${err.message}`);
      for (const done of waiting.values()) done();
      waiting.clear();
    });
    return w;
  };

  const send = (paths: string[]) =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      const s = ++seq;
      waiting.set(s, resolve);
      sent.set(s, paths);
      const worker = workerNow();
      if (inFlight++ === 0) worker.ref(); // pending work keeps the process alive; an idle worker does not
      worker.postMessage({ seq: s, paths } satisfies WorkerRequest);
    }).finally(() => {
      if (--inFlight === 0) started?.unref();
      if (inFlight === 0 && queue.size === 0) {
        const ws = idleWaiters;
        idleWaiters = [];
        ws.forEach((w) => w());
      }
    });

  let flushing: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    flushing ??= (async () => {
      while (queue.size && !closed) {
        const paths = [...queue];
        queue.clear();
        await send(paths);
      }
    })().finally(() => (flushing = null));
    return flushing;
  };

  /** The files to read: all of them when the history cannot be asked (the build sorts it out). */
  const behind = async <F extends FoundFile>(found: F[]): Promise<F[]> => {
    try {
      return await staleFilesInSteps(o.history.db, found);
    } catch (err) {
      if (closed) return []; // the history closed under the steps: nothing more to read
      log(`history: cannot tell which transcripts it is behind on (${(err as Error).message}); reading them all`);
      return found;
    }
  };

  // Backfill in batches so the status moves and live files queued meanwhile get their turn.
  // Listed in steps (discoverInSteps): in one go, at 2 GB, it held the daemon's thread 60-70 ms.
  const listedAt = Date.now();
  const listed = discoverInSteps(o.configDirs);
  let files: string[] = [];
  const batch = o.batchFiles ?? 25;
  let builder: BuildChild | null = null;
  // That the history had every file of this listing, so that a report's check lists fewer (current.ts).
  const complete = (found?: FoundFile[]) => {
    if (closed) return;
    try {
      markComplete(o.history.db, o.configDirs, listedAt, found);
    } catch (err) {
      log(`history: cannot record that it is current (${(err as Error).message}); reports check every transcript`);
    }
  };
  const finished = () => Object.assign(st, { backfilled: true, responses_in: true });
  const backfill = (async () => {
    const found = (await listed).files.sort(byMtime);
    files = found.map((f) => f.path);
    if (closed) return;
    // A start after the first: only the files the history is behind on are read (by identity, path
    // and size; current.ts), and none when it is current and priced as now. The build child checked
    // every file's head for a reason to read it: at 2 GB, 1-2 s of processor on every start.
    // A usage-first build stopped before its second pass: every file from its start again.
    const pending = detailsPendingOf(o.history.db);
    const stale = pending ? found : await behind(found);
    if (closed) return;
    st.files_total = stale.length;
    if (stale.length === 0) complete();
    if (stale.length === 0 && pricedAsNow(o.history.db)) {
      finished();
      // A history from before the report sums (migration 6): the worker makes them after any batch, this empty one too.
      if (!reportSlotsKept(o.history.db)) await send([]);
      return;
    }
    if (o.buildInChild !== false) {
      const usageFirst = !pending && bytesOf(stale) >= USAGE_FIRST_BYTES && isEmpty(o.history.db);
      const request = { file: o.history.file, pricesFile, files: stale.map((f) => ({ path: f.path, size: f.size })), usageFirst, fromStart: pending };
      if (pending) st.responses_in = true; // the first pass was done: only the details are missing
      builder = (o.spawnBuild ?? buildInChild)(request, st, log);
      const r = await builder.done;
      builder = null;
      if (r) {
        if (r.retry.length && !closed) setTimeout(() => r.retry.forEach((p) => touch(p)), RETRY_OPEN_MS).unref();
        else complete(found);
        finished();
        return;
      }
      st.files_done = 0; // the worker goes on from what the child committed
    }
    const rest = stale.map((f) => f.path);
    if (rest.length === 0) await send([]); // the prices changed, nothing else: the worker reprices what is stored
    for (let i = 0; i < rest.length && !closed; i += batch) {
      const part = rest.slice(i, i + batch);
      await send(part);
      st.files_done += part.length;
    }
    complete(found);
    finished();
  })();

  const sizes = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  const touch = (p: string) => {
    if (!p.endsWith('.jsonl')) return;
    queue.add(p);
    debounce ??= setTimeout(() => {
      debounce = null;
      void backfill.then(flush);
    }, 200);
  };
  // The safety net: a watch can miss events (network folders, editors replacing files). The
  // daemon passes rescanMs 0: its own watcher, hot polling and rescan already call touch().
  const every = o.follow === false ? 0 : o.rescanMs ?? 60_000;
  if (every > 0) {
    const rescan = () => {
      for (const f of discover(o.configDirs).files) {
        if (sizes.get(f.path) !== f.size) touch(f.path);
        sizes.set(f.path, f.size);
      }
    };
    void backfill.then(() => {
      for (const f of files) {
        try {
          const s = statSync(f, { throwIfNoEntry: false });
          if (s) sizes.set(f, s.size);
        } catch {
          // a link that loops now, a folder not entered: the next rescan reports and retries it
        }
      }
    });
    timer = setInterval(() => void backfill.then(rescan), every);
    timer.unref();
  }

  return {
    async ingestFile(file) {
      await backfill;
      queue.add(file);
      await flush();
    },
    touch,
    async whenIdle() {
      await backfill;
      await flush();
      if (inFlight === 0 && queue.size === 0) return;
      await new Promise<void>((r) => idleWaiters.push(r));
    },
    status: () => ({ ...st }),
    async close() {
      closed = true;
      await (builder as BuildChild | null)?.stop();
      if (timer) clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      const worker = started;
      if (worker) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 2000);
          worker.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          worker.ref();
          worker.postMessage('close');
        });
      }
      for (const done of waiting.values()) done();
    },
  };
}

/** A history that cannot be asked is taken as complete: the build sorts out the rest, as for staleness. */
function detailsPendingOf(db: History['db']): boolean {
  try {
    return detailsPending(db);
  } catch {
    return false;
  }
}

function isEmpty(db: History['db']): boolean {
  try {
    return holdsNoResponses(db);
  } catch {
    return false;
  }
}
