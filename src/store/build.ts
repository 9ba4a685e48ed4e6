// The history's first build (and any backfill at start-up) at scan speed: a reader thread reads
// and extracts batches of transcripts (build-read.ts) while this thread writes (and reads batches
// too while it would wait), applying each batch's facts strictly in file order, so the history is
// exactly the one the file-by-file ingest makes (ingest.ts). A batch's rows and its files' offsets
// commit together (every COMMIT_MS, at a batch's end), so a kill leaves the history at a batch
// boundary and the rest is read again on the next start.
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import { readBatch, type FileFacts } from './build-read.js';
import type { ReadRequest } from './build-worker.js';
import { deferIndexes, restoreIndexes } from './deferred-indexes.js';
import { reprice } from './ingest.js';
import { FORGET_FILE, SAVE_FILE } from './ingest-file.js';
import { Pricer } from './pricing.js';
import { dropKeptBlocks } from './history-blocks.js';
import { dropReportSlots } from './report-slots.js';
import type { StoredFile } from './read-lines.js';
import { Writer } from './writer.js';
import { runOrdered } from '../util/ordered-batches.js';
import { entryUrl } from '../util/package-files.js';
import { batches, bytesOf } from '../sources/transcripts/parallel.js';

export interface BuildFile {
  path: string;
  /** As listed: batches are cut by size. */
  size: number;
}

export interface BuildOptions {
  /** Reader threads (0: the files are read on this thread). */
  threads?: number;
  /** Below this many bytes the files are read on this thread (a worker costs more than it saves). */
  minParallelBytes?: number;
  batchBytes?: number;
  /**
   * A report's read (cli/commands/report.ts, --project; build-read.ts readBatch): the responses
   * and the projects' directories; the lines without a usage mark are read only until a project's
   * directory is known, and the rows of texts, tools and blocks not written. Such a history is for
   * one answer: its responses' visible characters (and so thinking estimates) stay 0.
   */
  usageOnly?: boolean;
  /**
   * Every file read from its start, whatever the history holds of it: the second pass of a
   * usage-first build (build-phases.ts), which adds the details to the responses already there.
   */
  fromStart?: boolean;
  /** After each batch commits: files done so far, and their lines. */
  onProgress?: (p: { files: number; lines: number; skipped: number }) => void;
}

export interface BuildResult {
  lines: number;
  skipped: number;
  /** Files to read again soon (out of file descriptors meanwhile). */
  retry: string[];
  problems: string[];
}

/**
 * Below this the files are read on the writer's thread (a thread costs tens of milliseconds to
 * start and a heap of its own). Above it one reader thread extracts while this thread writes.
 * Two readers and the writer were three busy threads on two cores: the writer, the one that paces
 * the build, got less than a core, and its statements slowed the most (Writer.apply 1.6 s of
 * processor at 500 MB, 0.9 with one reader). While it waits for the reader, it reads batches too
 * (READ_AHEAD). On the 2-core machine of docs/performance.md, alternating with the build before
 * (two readers above 768 MB), a fresh `serve` until the history was built: 2 GB 20.0 -> 18.8 s
 * (medians of 3), 500 MB 8.3 -> 8.1 s; in one process, 500 MB 4.7 -> 4.3 s (medians of 5); child
 * peak memory at 2 GB 474 -> 396 MB.
 * At 100 MB the reader and the writer's thread alone came out even (1.2-1.7 s each, alternating).
 */
const MIN_PARALLEL_BYTES = 256 * 1024 * 1024;
/** Reader threads above MIN_PARALLEL_BYTES: one, whatever the cores (above). */
const READERS = 1;
/** The build's semi-space (two of them, and as much again for the young generation's other space): build-spawn.ts says why. */
export const SEMI_SPACE_MB = 32;
/** A batch's facts are a fraction of its bytes; small enough that progress moves and memory stays flat. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Batches a reader holds at once: the next waits in its queue while it sends a result. */
const IN_FLIGHT = 2;
/**
 * How far past the batch it must apply next the writer reads batches itself while it waits (their
 * facts wait in memory). With one reader it waited 1.6 s of a 4.5 s build at 500 MB.
 */
const READ_AHEAD = 6;
const WORKER = entryUrl('store/build-worker');
/**
 * How often the batches read commit. Each commit writes every page it dirtied, and rows keyed by
 * hashes dirty pages all over their tables: at 500 MB, commits every second took 0.42 s of COMMIT
 * and 1.6 s of SQLite in all, every 3 s 0.13 s and 1.3 s. /stats sees what has committed.
 */
const COMMIT_MS = 3000;
const BUILD_CACHE_KB = 64 * 1024;
/**
 * Above this many bytes to read, the report sums are dropped and made again after (report-slots.ts).
 * At 2 GB a response replaced with the sums kept took 100-130 us against 31-35 without, and making
 * them all about 0.15 s: some 2,000 replacements, a few MB of transcripts.
 */
const RESUM_BYTES = 4 * 1024 * 1024;
const BUILD_CHECKPOINT_PAGES = 16_384;

/** No response stored yet: what a first build starts from. */
export function holdsNoResponses(db: Db): boolean {
  return db.prepare('SELECT NOT EXISTS (SELECT 1 FROM responses)').pluck().get() === 1;
}

export async function buildHistory(db: Db, files: readonly BuildFile[], pricer = new Pricer(), o: BuildOptions = {}): Promise<BuildResult> {
  reprice(new Writer(db, pricer));
  // A long read would recompute a report group per response written: summed again once after (keepReportSlots).
  if (bytesOf(files) > RESUM_BYTES) dropReportSlots(db);
  // Read from their starts, the files rewrite every response, and with blocks kept each write
  // checked them (migration 4's block_summaries_insert) only to change none: at 500 MB, the
  // details' pass (build-phases.ts) wrote its 27k rows in 0.81-0.97 s of its writer's thread
  // against 0.39-0.47 with none kept. They are made again after (build-phases.ts keep).
  if (o.fromStart) dropKeptBlocks(db);
  // From an empty history every row is new: its indexes are made once at the end, and a response
  // is looked up only once this build has written it (writer.ts fresh).
  const fresh = files.length > 0 && holdsNoResponses(db);
  if (fresh) deferIndexes(db);
  // Read from their starts over the responses stored (the details' pass), the files look up every
  // row there is: read all at once.
  const w = new Writer(db, pricer, { deferred: true, fresh, preload: o.fromStart === true && !fresh });
  const save = db.prepare(SAVE_FILE);
  const forget = db.prepare(FORGET_FILE);
  const total: BuildResult = { lines: 0, skipped: 0, retry: [], problems: [] };
  let filesDone = 0;
  // Batches commit together every COMMIT_MS.
  let since = 0;
  const trigger = idleTrigger(db);
  const commit = () => {
    w.flush();
    trigger.restore();
    db.exec('COMMIT');
  };
  const apply = (batch: FileFacts[]) => {
    if (!db.inTransaction) {
      db.exec('BEGIN');
      trigger.lift();
      since = Date.now();
    }
    for (const f of batch) {
      if (!f.id) continue;
      if (f.forget) forget.run(f.path, f.id);
      for (const facts of f.facts) w.apply(facts);
      save.run(f.id, f.path, f.offset, f.head, f.headLen, Date.now(), f.seenSize, f.seenMtimeMs);
    }
    if (Date.now() - since >= COMMIT_MS) commit();
  };
  const take = (batch: FileFacts[]) => {
    apply(batch);
    for (const f of batch) {
      total.lines += f.lines;
      total.skipped += f.skipped;
      if (f.retry) total.retry.push(f.path);
      if (f.problem) total.problems.push(f.problem);
    }
    filesDone += batch.length;
    o.onProgress?.({ files: filesDone, lines: total.lines, skipped: total.skipped });
  };
  // Rows keyed by hashes land all over their tables: a page cache that holds them saves writing the
  // same pages again and again; checkpoints (each one syncs) come every 64 MB of log, not every 4.
  const before = { cache: db.pragma('cache_size', { simple: true }), checkpoint: db.pragma('wal_autocheckpoint', { simple: true }) };
  db.pragma(`cache_size = ${-BUILD_CACHE_KB}`);
  db.pragma(`wal_autocheckpoint = ${BUILD_CHECKPOINT_PAGES}`);
  try {
    await readAndWrite(db, files, o, take);
    if (db.inTransaction) commit();
    restoreIndexes(db); // before keepBlocks and the report sums, which read by them
    return total;
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK'); // a failure half way: the last second's batches are read again next time (and the trigger is back)
    db.pragma(`cache_size = ${before.cache}`);
    db.pragma(`wal_autocheckpoint = ${before.checkpoint}`);
  }
}

/** Triggers that keep a summary table and do nothing while it is empty: each, and its table. */
const IDLE_TRIGGERS = [
  ['block_summaries_insert', 'block_summaries'],
  ['report_slots_replace', 'report_slots'],
  ['report_slots_insert', 'report_slots'],
] as const;

/**
 * The triggers that keep the kept blocks and the report sums (migrations.ts 4 and 6) cost an
 * INSERT OR REPLACE into responses a third of its time with nothing kept, as in a first build
 * (200k rows: 2.0-2.5 s with the first, 1.4 without), only to find their table empty. While it is,
 * each of the build's transactions drops them first and makes them again just before its COMMIT:
 * DDL is transactional, so no reader ever sees the history without them, and a rollback brings
 * them back. Nothing the build writes adds a kept block or a sum, so none appears before the COMMIT.
 */
function idleTrigger(db: Db): { lift(): void; restore(): void } {
  const idle = IDLE_TRIGGERS.flatMap(([name, table]) => {
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(name) as { sql: string } | undefined)?.sql;
    return sql ? [{ name, sql, empty: db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`).pluck() }] : [];
  });
  let lifted: typeof idle = [];
  return {
    lift() {
      lifted = idle.filter((t) => t.empty.get() === 1);
      for (const t of lifted) db.exec(`DROP TRIGGER ${t.name}`);
    },
    restore() {
      for (const t of lifted) db.exec(t.sql);
      lifted = [];
    },
  };
}

async function readAndWrite(db: Db, files: readonly BuildFile[], o: BuildOptions, take: (b: FileFacts[]) => void): Promise<void> {
  const rows = o.fromStart ? [] : (db.prepare('SELECT id, offset, head, head_len, seen_size, seen_mtime_ms FROM files').all() as (StoredFile & { id: string })[]);
  const stored = new Map(rows.map((r) => [r.id, r] as const));
  // The scan's cutting: contiguous runs of files, in order, of about that many bytes each.
  const work = batches(files, o.batchBytes ?? BATCH_BYTES).map((run) => run.map((f) => f.path));
  const bytes = bytesOf(files);
  const threads = Math.min(work.length, o.threads ?? READERS);
  if (bytes < (o.minParallelBytes ?? MIN_PARALLEL_BYTES) || threads < 1) {
    for (const b of work) take(readBatch(b, stored, o.usageOnly));
    return;
  }
  const storedList = [...stored];
  await runOrdered<FileFacts[]>({
    count: work.length,
    // A report's read (usageOnly) makes little garbage: the young generation stays V8's own size.
    workers: Array.from({ length: threads }, () => new Worker(WORKER, { workerData: storedList, resourceLimits: o.usageOnly ? {} : { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } })),
    inFlight: IN_FLIGHT,
    send: (w, batch) => w.postMessage({ batch, paths: work[batch], usageOnly: o.usageOnly } satisfies ReadRequest),
    receive: (m: { batch: number; files: FileFacts[] }) => ({ batch: m.batch, result: m.files }),
    // The writer would wait for a reader: it reads the next batches itself meanwhile.
    here: (batch) => readBatch(work[batch], stored, o.usageOnly),
    aheadLimit: READ_AHEAD,
    onResult: take, // a refusal (a full disk) ends the build: what committed stays, the rest is read next time
    workerName: 'history reader',
  });
}

