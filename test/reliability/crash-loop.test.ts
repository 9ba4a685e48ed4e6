// Crash loop: the real `serve` (bin/claude-gauge.cjs, its history worker thread inside it) is
// killed with SIGKILL at 200 moments chosen by a seeded PRNG, while transcripts arrive: released
// before a start (the history's backfill reads them) or appended while it runs (its watcher and
// follow path read them), cut at any byte so half-written lines are common. After every kill the
// history is opened read-only, straight through SQLite (never the repair path that would move a
// damaged file aside), and must pass a full integrity_check, with nothing moved aside. At the end
// the history must hold every response written exactly once: equal to the generator's own count
// of what it wrote, and row for row to one clean ingest of the final files.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { generateCorpus } from '../../src/generate/index.js';
import { Prng } from '../../src/generate/prng.js';
import { HISTORY_FILE, openHistory } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { isolatedEnv, tempDir } from '../helpers/cli.js';
import { inspectHistory, spawnServe, type HistoryOnDisk } from './helpers.js';

const KILLS = Number(process.env.CG_CRASH_KILLS ?? 200);
const SEED = process.env.CG_CRASH_SEED === undefined ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0 : Number(process.env.CG_CRASH_SEED);
/** Transcripts to release over the run: enough that every start has reading to do. */
const TOTAL_BYTES = Math.max(4, Math.round(KILLS * 0.3)) * 1024 * 1024;
/** Share of the starts that find new transcripts waiting (the rest see them appended while they run). */
const INGEST_SHARE = 0.55;
/** Of those, the share killed at any moment of start-up rather than once the history writes. */
const STARTUP_SHARE = 0.15;
const APPEND_EVERY_MS = 15;
/** Appending runs this long at most past the history's first write before the kill. */
const APPEND_KILL_MS = 400;
/** A start that never writes (nothing whole to read) is killed after this long anyway. */
const NO_WRITE_MS = 4000;

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Moment = 'start-up' | 'writing' | 'no-write' | 'appending';

interface Release {
  /** Appends the next `bytes` (at most `chunk` per file and call) to the live files; returns bytes appended. */
  some(rng: Prng, bytes: number, chunk: number): number;
  /** Bytes up to the last newline released, over every file: what an idle history has behind its offsets. */
  whole(): number;
  left(): number;
}

function releaser(data: Buffer[], live: string[]): Release {
  const released = data.map(() => 0);
  const wholeUpTo = data.map(() => 0);
  let total = 0;
  let whole = 0;
  const size = data.reduce((a, b) => a + b.length, 0);
  return {
    some(rng, bytes, chunk) {
      let done = 0;
      while (done < bytes && total < size) {
        const open = data.map((_, i) => i).filter((i) => released[i] < data[i].length);
        const i = rng.pick(open);
        const take = Math.min(data[i].length - released[i], bytes - done, rng.int(1, chunk));
        mkdirSync(path.dirname(live[i]), { recursive: true });
        appendFileSync(live[i], data[i].subarray(released[i], released[i] + take));
        released[i] += take;
        total += take;
        done += take;
        const w = data[i].lastIndexOf(10, released[i] - 1) + 1;
        whole += w - wholeUpTo[i];
        wholeUpTo[i] = w;
      }
      return done;
    },
    whole: () => whole,
    left: () => size - total,
  };
}

/**
 * Resolves with the time of the first write to the history's WAL (a commit under way), or null
 * after `ms`. Only a new modification time counts: opening the WAL as root changes its owner
 * (SQLite matches the database's), which fires the same event without a write.
 */
function firstWrite(state: string, walMtimeMs: number, ms: number): { when: Promise<number | null>; stop: () => void } {
  let stop = () => {};
  const when = new Promise<number | null>((resolve) => {
    let done = false;
    const finish = (at: number | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      w.close();
      resolve(at);
    };
    const wal = path.join(state, `${HISTORY_FILE}-wal`);
    const w = watch(state, (_ev, name) => {
      if (name === `${HISTORY_FILE}-wal` && (statSync(wal, { throwIfNoEntry: false })?.mtimeMs ?? walMtimeMs) !== walMtimeMs) finish(Date.now());
    });
    const timer = setTimeout(() => finish(null), ms);
    stop = () => finish(null);
  });
  return { when, stop };
}

interface Row {
  key: string;
  [col: string]: unknown;
}

function contents(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const table = (sql: string) => new Map((db.prepare(sql).all() as Row[]).map((r) => [r.key, r]));
  try {
    return {
      responses: table('SELECT * FROM responses'),
      tools: table('SELECT id AS key, * FROM tool_uses'),
      results: table('SELECT id AS key, * FROM tool_results'),
      texts: table('SELECT hash AS key, * FROM texts'),
      blocks: table('SELECT hash AS key, * FROM blocks'),
    };
  } finally {
    db.close();
  }
}

/** Rows missing from `got`, and rows present that differ or should not be there. */
function diff(want: Map<string, Row>, got: Map<string, Row>) {
  let lost = 0;
  let wrong = 0;
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) lost++;
    else if (JSON.stringify(g) !== JSON.stringify(w)) wrong++;
  }
  for (const k of got.keys()) if (!want.has(k)) wrong++;
  return { lost, wrong };
}

test(`crash loop: ${KILLS} kill -9 of the real serve during ingest and appends lose and double nothing`, { timeout: 900_000 }, async (t) => {
  const started = Date.now();
  const replay = `seed ${SEED} (replay: CG_CRASH_SEED=${SEED})`;
  console.log(`# crash loop: ${replay}`);
  t.diagnostic(replay);
  const rng = new Prng(SEED);

  // What will be written, and the generator's own count of it: the independent truth.
  const source = await tempDir('crash-source');
  const home = await tempDir('crash-home');
  const state = await tempDir('crash-state');
  dirs.push(source, home, state);
  const end = Date.parse('2026-03-20T00:00:00Z');
  const written = await generateCorpus({ outDir: source, seed: SEED, targetBytes: TOTAL_BYTES, start: new Date(end - 21 * 86_400_000), end: new Date(end), uniquePrefix: `crash${SEED}` });
  const files = transcriptFiles([source]);
  const data = files.map((f) => readFileSync(f));
  const release = releaser(data, files.map((f) => path.join(home, path.relative(source, f))));
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CONFIG: path.join(home, 'none.json') });

  // The daemon's ingest rate (bytes per ms) as the kills find it: sizes the writing window so
  // that most kills land before the reading is done.
  let rate = 4000;
  const tally: Record<string, number> = {};
  const count = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
  let midWrite = 0;
  let maxCycleMs = 0;
  let before: HistoryOnDisk = inspectHistory(state);

  for (let kill = 1; kill <= KILLS; kill++) {
    const cycleStarted = Date.now();
    const c = rng.fork(`kill ${kill}`); // every choice of this cycle, whatever the timing did to the others
    const ingest = c.chance(INGEST_SHARE);
    const share = Math.max(16 * 1024, Math.floor((release.left() / (KILLS - kill + 1)) * c.range(0.3, 1.7)));
    const u = c.next();
    const startup = ingest && c.chance(STARTUP_SHARE);
    if (ingest) release.some(c, share, 256 * 1024);

    const serve = spawnServe(env);
    const write = firstWrite(state, before.walMtimeMs, NO_WRITE_MS);
    let moment: Moment;
    let appending: NodeJS.Timeout | null = null;
    let wroteAt: number | null = null;
    if (startup) {
      moment = 'start-up';
      await sleep(u * 900); // spawn to well past the first writes of a small start
    } else if (ingest) {
      wroteAt = await Promise.race([write.when, serve.exited.then(() => null)]);
      moment = wroteAt === null ? 'no-write' : 'writing';
      // Anywhere in the reading left (at the rate seen so far), with a margin past its end.
      const left = Math.max(0, release.whole() - before.offsets);
      if (wroteAt !== null) await sleep(Math.min(2000, u * (left / rate) * 1.2));
    } else {
      moment = 'appending';
      await serve.serving.catch(() => {});
      // Appends cut at any byte, to any file, until the kill; the daemon's watcher hands them to
      // the history. The kill lands within the first writes that follow.
      // Small pieces, so that appending goes on past the kill (about 60 pieces from 'serving' on).
      let budget = share;
      appending = setInterval(() => {
        if (budget > 0) budget -= release.some(c, Math.min(budget, c.int(Math.ceil(share / 120), Math.ceil(share / 40))), 32 * 1024);
      }, APPEND_EVERY_MS);
      wroteAt = await Promise.race([write.when, serve.exited.then(() => null)]);
      await sleep(u * APPEND_KILL_MS);
    }
    if (appending) clearInterval(appending);
    const wholeAtKill = release.whole();
    const killedAt = Date.now();
    const alive = serve.child.exitCode === null && serve.child.signalCode === null;
    serve.child.kill('SIGKILL');
    const exit = await serve.exited;
    write.stop();
    assert.ok(alive && exit.signal === 'SIGKILL', `kill ${kill} (${moment}), ${replay}: serve was not running when killed (${exit.signal ?? exit.code}): ${serve.stderr()}`);
    assert.doesNotMatch(serve.stderr(), /damaged/, `kill ${kill}, ${replay}: serve found a damaged history`);

    const now = inspectHistory(state);
    assert.equal(now.integrity, 'ok', `kill ${kill} (${moment}), ${replay}: integrity_check after the kill`);
    assert.deepEqual(now.movedAside, [], `kill ${kill} (${moment}), ${replay}: nothing moved aside`);
    assert.ok(now.offsets >= before.offsets, `kill ${kill}, ${replay}: committed offsets never go back`);
    const wroteThisRun = now.walMtimeMs !== before.walMtimeMs;
    // Killed with reading under way: the history had begun writing and had not caught up.
    const interrupted = wroteThisRun && now.offsets < wholeAtKill;
    if (interrupted) midWrite++;
    count(`${moment}${interrupted ? ' (mid-ingest)' : ''}`);
    // The writing window adapts: a kill that found the reading done narrows it, one that cut it short widens it.
    if (moment === 'writing') rate = Math.min(100_000, Math.max(200, rate * (interrupted ? 0.95 : 1.15)));
    if (process.env.CG_CRASH_DEBUG) console.log(JSON.stringify({ kill, moment, u: +u.toFixed(2), share, before: before.offsets, after: now.offsets, whole: wholeAtKill, wrote: wroteThisRun, rate: Math.round(rate), sinceWrite: wroteAt && killedAt - wroteAt, ms: killedAt - cycleStarted }));
    before = now;
    maxCycleMs = Math.max(maxCycleMs, Date.now() - cycleStarted);
  }

  // The rest of the transcripts, then one run left to finish and stop cleanly.
  release.some(rng, release.left(), 1024 * 1024);
  const last = spawnServe(env);
  await last.serving;
  const totalBytes = data.reduce((a, b) => a + b.length, 0);
  const caughtUp = Date.now();
  while (inspectHistory(state).offsets < totalBytes) {
    assert.ok(Date.now() - caughtUp < 120_000, `${replay}: the history caught up within 120 s`);
    await sleep(100);
  }
  last.child.kill('SIGTERM');
  assert.equal((await last.exited).code, 0, `the last serve stops cleanly: ${last.stderr()}`);

  const final = inspectHistory(state);
  assert.equal(final.integrity, 'ok');
  assert.deepEqual(final.movedAside, []);
  assert.equal(final.offsets, totalBytes, 'every byte of every file is behind the committed offsets');

  // Against what the generator wrote: each response once (not lost), with its own counts (not doubled).
  const db = new Database(path.join(state, HISTORY_FILE), { readonly: true });
  // A first build killed half way had dropped the indexes it makes at its end: a later start made them.
  const indexes = (d: Database.Database) => d.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
  assert.equal(db.prepare("SELECT count(*) FROM meta WHERE k = 'deferred_indexes'").pluck().get(), 0, 'no index is left waiting');
  const haveIndexes = indexes(db);
  const got = db.prepare('SELECT count(*) n, sum(input) input, sum(output) output, sum(cache_create) cacheCreation, sum(cache_read) cacheRead FROM responses WHERE synthetic = 0').get() as Record<string, number>;
  db.close();
  const lost = Math.max(0, written.responses - got.n);
  const doubled = Math.max(0, got.n - written.responses);
  assert.equal(got.n, written.responses, `${replay}: responses in the history = responses written (${lost} lost, ${doubled} extra)`);
  const { total: _total, ...wantTokens } = written.tokens;
  assert.deepEqual({ input: got.input, output: got.output, cacheCreation: got.cacheCreation, cacheRead: got.cacheRead }, wantTokens, `${replay}: token totals = those written (a doubled response would add its counts again)`);

  // Row for row against one clean ingest of the same files: every column of five tables.
  const cleanState = await tempDir('crash-clean');
  dirs.push(cleanState);
  const clean = openHistory(cleanState);
  ingestPaths(clean.db, files);
  assert.deepEqual(haveIndexes, indexes(clean.db), 'every index the migrations make');
  clean.close();
  const want = contents(path.join(cleanState, HISTORY_FILE));
  const have = contents(path.join(state, HISTORY_FILE));
  const rows: Record<string, unknown> = {};
  for (const k of Object.keys(want) as (keyof typeof want)[]) {
    const d = diff(want[k], have[k]);
    rows[k] = { rows: want[k].size, ...d };
    assert.equal(d.lost, 0, `${replay}: ${k}: rows lost`);
    assert.equal(d.wrong, 0, `${replay}: ${k}: rows doubled or different`);
  }
  // The kills must land where they can do harm: most while the history was writing and behind.
  assert.ok(midWrite >= KILLS * 0.3, `${replay}: only ${midWrite} of ${KILLS} kills landed mid-ingest: ${JSON.stringify(tally)}`);
  const figures = {
    seed: SEED, kills: KILLS, midIngest: midWrite, moments: tally, integrityChecks: KILLS + 1, movedAside: 0,
    bytes: totalBytes, files: files.length, responses: { written: written.responses, inHistory: got.n, lost, doubled },
    rows, slowestCycleMs: maxCycleMs, seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(`# crash loop: ${JSON.stringify(figures)}`);
  t.diagnostic(JSON.stringify(figures));
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
