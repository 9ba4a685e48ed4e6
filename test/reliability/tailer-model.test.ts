// Model-based test of the transcript tailer, in the spirit of Vector's file-source model tests:
// random sequences of appends, half-line appends, truncation, rename, deletion and re-creation
// across a few files, with permission changes (a file that cannot be read for a while), links to
// the files, and hostile entries beside them (FIFOs, link loops, self-links, links to nothing),
// drive the REAL TranscriptSource two ways:
// - by its rescan(), called in-process (thousands of sequences), one in ten also through the real
//   SQLite ingest;
// - live: the source started as the daemon starts it, following changes through its tree watcher,
//   direct watches and hot polling only (no rescan after the first), one in four also feeding the
//   history the paths it reports as grown, as the daemon does.
// A plain model says which records must be counted at each settle point. Asserted: every record
// the model requires is counted, with the numbers written (nothing from a partial line); no record
// is read twice unless its file was cut short under it (a restart re-reads what is left); with
// nothing cut short, every line is read exactly once, by the source and by the history; a file
// that cannot be read is a problem line while it lasts, and is read on from where it was after.
// Permissions only bind a user other than root: run as root, the test runs itself again as an
// unprivileged user.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, closeSync, constants, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { ResponseEvent, TurnEvent } from '../../src/core/events.js';
import { TranscriptSource } from '../../src/sources/transcripts/index.js';
import { openHistory, type History } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { assistant } from '../helpers/lines.js';
import { ROOT } from '../helpers/cli.js';
import { NOBODY_UID, rootFor } from '../helpers/unprivileged.js';

// Each way runs up to its count or its time, whichever comes first, and must reach its minimum.
const SEQUENCES = Number(process.env.CG_TAILER_SEQUENCES ?? 5000);
const LIVE_SEQUENCES = Number(process.env.CG_TAILER_LIVE_SEQUENCES ?? 300);
const RESCAN_BUDGET_MS = Number(process.env.CG_TAILER_RESCAN_MS ?? 22_000);
const LIVE_BUDGET_MS = Number(process.env.CG_TAILER_LIVE_MS ?? 18_000);
const MIN_SEQUENCES = Math.min(SEQUENCES, 150);
const MIN_LIVE_SEQUENCES = Math.min(LIVE_SEQUENCES, 20);
const MAX_STEPS = 100;
const LIVE_MAX_STEPS = 40;
const SLOTS = 3;
const HISTORY_EVERY = 10; // one rescan sequence in ten also drives the SQLite history
const LIVE_HISTORY_EVERY = 4;
/**
 * A live settle point waits this long at most for the source to catch up: past it, a record was
 * lost. Generous: a live run settles in about 0.15 s here, and a slow moment under the full
 * suite's load must not pass for a lost record.
 */
const SETTLE_MS = 15_000;
const MAX_FIFOS = 6;
// Thousands of tiny directories and SQLite files: on tmpfs when there is one, as the logic under
// test is the same and the run is several times faster than on a shared disk.
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const ROOT_USER = process.getuid?.() === 0;
const UNPRIVILEGED = NOBODY_UID;

type Op =
  | { k: 'append'; f: number; n: number }
  | { k: 'half'; f: number; cut: number }
  | { k: 'truncate'; f: number; keep: number }
  | { k: 'rename'; f: number }
  | { k: 'delete'; f: number }
  | { k: 'create'; f: number; n: number }
  | { k: 'deny'; f: number }
  | { k: 'allow'; f: number }
  | { k: 'link'; f: number }
  | { k: 'unlink' }
  | { k: 'hostile'; what: 'fifo' | 'loop' | 'self' | 'dangling' | 'dirloop' }
  | { k: 'poll' };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('append' as const), f: slot, n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('half' as const), f: slot, cut: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), f: slot, keep: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rename' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('create' as const), f: slot, n: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('deny' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('allow' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('link' as const), f: slot }) },
  { weight: 1, arbitrary: fc.constant({ k: 'unlink' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('hostile' as const), what: fc.constantFrom('fifo' as const, 'loop' as const, 'self' as const, 'dangling' as const, 'dirloop' as const) }) },
  { weight: 4, arbitrary: fc.constant({ k: 'poll' as const }) },
);

interface Line {
  key: string;
  input: number;
  bytes: Buffer; // with its newline
}

interface Slot {
  path: string | null;
  lines: Line[]; // complete lines in the file, in order
  partial: { line: Line; written: number } | null;
  /** Truncated since the tailer could last read it; an append on top makes that read uncertain. */
  truncated: boolean;
  unsure: boolean;
  renames: number;
  /** Not readable (write-only) right now, and written since. */
  denied: boolean;
  deniedWrites: boolean;
}

// Padding with multi-byte characters, so a half-line cut can fall inside a character.
const PADS = ['', 'plain words', 'üñí€ode 😀 and more', 'x'.repeat(180)];

class World {
  readonly slots: Slot[] = [];
  readonly written = new Map<string, number>(); // every complete line ever written: key -> input tokens
  readonly must = new Set<string>();
  /** Lines in a file at a read after it was cut short and regrown unseen: that read may garble or miss them for good. */
  readonly excused = new Set<string>();
  /** Lines in a file when it was cut short: a restarted read takes them again. */
  readonly mayRepeat = new Set<string>();
  /** Complete lines ever written into a file (each to be read once when nothing is cut short). */
  completeLines = 0;
  truncations = 0;
  uncertainPolls = 0;
  denials = 0;
  /** Links made to the files: [link, the name it points to]. */
  links: [string, string][] = [];
  hostile = 0;
  private fifos = 0;
  private n = 0;

  constructor(readonly dir: string, readonly tag: string, readonly perms: boolean) {
    for (let i = 0; i < SLOTS; i++) this.slots.push({ path: null, lines: [], partial: null, truncated: false, unsure: false, renames: 0, denied: false, deniedWrites: false });
  }

  private newLine(): Line {
    const i = ++this.n;
    const key = `m${this.tag}-${i}:r${this.tag}-${i}`;
    const text = assistant({ id: `m${this.tag}-${i}`, req: `r${this.tag}-${i}`, at: 1_770_000_000_000 + i * 1000, input: i, output: 1, text: PADS[i % PADS.length] });
    return { key, input: i, bytes: Buffer.from(text + '\n') };
  }

  private write(s: Slot, data: Buffer): void {
    if (s.truncated) s.unsure = true;
    if (s.denied) s.deniedWrites = true;
    appendFileSync(s.path!, data);
  }

  /** A pending half line gets its rest first: a writer never leaves one behind and starts another. */
  private finishPartial(s: Slot): void {
    if (!s.partial) return;
    const { line, written } = s.partial;
    this.write(s, line.bytes.subarray(written));
    s.partial = null;
    this.complete(s, line);
  }

  private complete(s: Slot, line: Line): void {
    s.lines.push(line);
    this.written.set(line.key, line.input);
    this.completeLines++;
  }

  apply(op: Op): 'poll' | void {
    if (op.k === 'poll') return 'poll';
    if (op.k === 'unlink') {
      const l = this.links.pop();
      if (l) unlinkSync(l[0]);
      return;
    }
    if (op.k === 'hostile') return this.addHostile(op.what);
    const s = this.slots[op.f];
    switch (op.k) {
      case 'create':
        if (s.path) return;
        s.path = path.join(this.dir, `f${op.f}.jsonl`); // the same path again after a deletion
        appendFileSync(s.path, '');
        for (let i = 0; i < op.n; i++) this.appendLine(s);
        return;
      case 'append':
        if (!s.path) return;
        this.finishPartial(s);
        for (let i = 0; i < op.n; i++) this.appendLine(s);
        return;
      case 'half': {
        if (!s.path) return;
        this.finishPartial(s);
        const line = this.newLine();
        const written = Math.floor(op.cut * line.bytes.length); // never the newline
        this.write(s, line.bytes.subarray(0, written));
        s.partial = { line, written };
        return;
      }
      case 'truncate': {
        if (!s.path) return;
        const keep = Math.floor(op.keep * s.lines.length);
        for (const l of s.lines) this.mayRepeat.add(l.key);
        s.lines = s.lines.slice(0, keep);
        s.partial = null;
        // Opened write-only, as its writer would: a file nobody may read can still be cut short.
        const fd = openSync(s.path, constants.O_WRONLY);
        ftruncateSync(fd, s.lines.reduce((a, l) => a + l.bytes.length, 0));
        closeSync(fd);
        s.truncated = true;
        this.truncations++;
        return;
      }
      case 'rename': {
        if (!s.path) return;
        const to = path.join(this.dir, `f${op.f}-moved${++s.renames}.jsonl`);
        renameSync(s.path, to);
        s.path = to;
        return;
      }
      case 'delete':
        if (!s.path) return;
        unlinkSync(s.path);
        Object.assign(s, { path: null, lines: [], partial: null, truncated: false, unsure: false, denied: false, deniedWrites: false });
        return;
      case 'deny':
        // Write-only for its owner: the writer goes on, no reader gets in (root would: see the top).
        if (!s.path || s.denied || !this.perms) return;
        chmodSync(s.path, 0o200);
        s.denied = true;
        this.denials++;
        return;
      case 'allow':
        if (!s.path || !s.denied) return;
        chmodSync(s.path, 0o644);
        s.denied = s.deniedWrites = false;
        return;
      case 'link': {
        if (!s.path) return;
        const l = path.join(this.dir, `link${this.links.length}-${path.basename(s.path)}`);
        if (existsSync(l)) return;
        symlinkSync(path.basename(s.path), l); // the same file under a second name: counted once
        this.links.push([l, path.basename(s.path)]);
        return;
      }
    }
  }

  private addHostile(what: 'fifo' | 'loop' | 'self' | 'dangling' | 'dirloop'): void {
    const i = ++this.hostile;
    const at = (name: string) => path.join(this.dir, name);
    if (what === 'fifo') {
      if (this.fifos++ >= MAX_FIFOS) return;
      execFileSync('mkfifo', [at(`pipe${i}.jsonl`)]);
    } else if (what === 'loop') {
      symlinkSync(`loop${i}-b.jsonl`, at(`loop${i}-a.jsonl`));
      symlinkSync(`loop${i}-a.jsonl`, at(`loop${i}-b.jsonl`));
    } else if (what === 'self') symlinkSync(`self${i}.jsonl`, at(`self${i}.jsonl`));
    else if (what === 'dangling') symlinkSync(`nowhere${i}.jsonl`, at(`dangling${i}.jsonl`));
    else symlinkSync('..', at(`up${i}`)); // a folder link back to the projects folder
  }

  private appendLine(s: Slot): void {
    const line = this.newLine();
    this.write(s, line.bytes);
    this.complete(s, line);
  }

  /**
   * What a read at this moment must take in: every complete line of every readable file, except
   * in a file cut short and regrown since it was last read (the tailer cannot tell that from
   * growth when the first bytes match, or when the size comes back equal): those lines are
   * excused, later appends are not. A file that cannot be read is left as it is until it can.
   */
  polled(): void {
    for (const s of this.slots) {
      if (!s.path || s.denied) continue;
      if (s.unsure) {
        this.uncertainPolls++;
        for (const l of s.lines) this.excused.add(l.key);
        if (s.partial) this.excused.add(s.partial.line.key); // its first bytes were there, misread too
      } else for (const l of s.lines) if (!this.excused.has(l.key)) this.must.add(l.key);
      s.truncated = s.unsure = false;
    }
  }

  /** Files the source must show as unreadable now (each it had reason to read), by every name it may know them by. */
  denied(live: boolean): string[][] {
    return this.slots.filter((s) => s.path && s.denied && (!live || s.deniedWrites)).map((s) => this.names(s));
  }

  /** A file's path and the links to it (the listing and the watcher may meet it under any). */
  names(s: Slot): string[] {
    return [s.path!, ...this.links.filter(([, to]) => to === path.basename(s.path!)).map(([l]) => l)];
  }
}

const totals = {
  sequences: 0, liveSequences: 0, steps: 0, polls: 0, truncations: 0, uncertainPolls: 0, exact: 0, withHistory: 0, lines: 0,
  denials: 0, links: 0, hostile: 0, repeatsAfterTruncation: 0, slowestSettleMs: 0,
};

interface Counted {
  emitted: ResponseEvent[];
}

/** The assertions every sequence ends with, whichever way it was driven. */
function check(world: World, run: Counted, health: ReturnType<TranscriptSource['health']>, skippedBefore: number, linesRead: number | null, exact: boolean): void {
  const counted = new Map<string, number>();
  for (const e of run.emitted) {
    // Counted <= written, with the numbers that were written: nothing from a partial line.
    assert.equal(world.written.get(e.key), e.tokens.input, `counted ${e.key} was written whole, with these tokens`);
    counted.set(e.key, (counted.get(e.key) ?? 0) + 1);
  }
  for (const k of world.must) assert.ok(counted.has(k), `${k} must have been counted`);
  // Read twice only when its file was cut short under it: a rename, a link, a permission change,
  // a retry, a FIFO beside it never make the tailer read a line again.
  for (const [k, times] of counted) if (times > 1) assert.ok(world.mayRepeat.has(k), `${k} was read ${times} times, and its file was never cut short`);
  if ([...counted.values()].some((n) => n > 1)) totals.repeatsAfterTruncation++;
  if (world.truncations === 0) {
    // Nothing truncated: exactly the model (driven by rescans: a live read also meets lines
    // deleted before the next settle point), each record once, no line skipped, every line read once.
    if (exact) assert.deepEqual([...counted.keys()].sort(), [...world.must].sort());
    assert.equal(health.skipped_lines - skippedBefore, 0, 'no partial line was taken for a line');
    if (linesRead !== null) assert.equal(linesRead, counted.size, 'every line read exactly once');
    totals.exact++;
  } else if (world.uncertainPolls === 0) {
    // Cut short but never regrown unseen: a restarted read may repeat records, never garble one.
    assert.equal(health.skipped_lines - skippedBefore, 0, 'no partial line was taken for a line');
  }
}

/** The history against the model: every required record, as written; with nothing cut short, each line ingested once. */
function checkHistory(world: World, history: History, ingested: number): void {
  const rows = history.db.prepare('SELECT key, input FROM responses').all() as { key: string; input: number }[];
  const keys = new Set(rows.map((r) => r.key));
  for (const r of rows) assert.equal(world.written.get(r.key), r.input, `history row ${r.key} was written whole`);
  for (const k of world.must) assert.ok(keys.has(k), `${k} must be in the history`);
  if (world.truncations === 0) {
    assert.deepEqual([...keys].sort(), [...world.must].sort(), 'the history holds exactly the model');
    assert.equal(ingested, world.must.size, 'each line ingested once');
    // Where each file stands: just after its last complete line (nothing skipped, nothing ahead).
    const offsetOf = history.db.prepare('SELECT offset FROM files WHERE id = ?');
    for (const s of world.slots) {
      if (!s.path || s.lines.length === 0) continue;
      const row = offsetOf.get(idOf(s.path)) as { offset: number } | undefined;
      assert.equal(row?.offset, s.lines.reduce((a, l) => a + l.bytes.length, 0), `the history stands at the end of ${s.path}'s lines`);
    }
  }
  assert.equal(history.db.pragma('integrity_check', { simple: true }), 'ok');
}

function idOf(p: string): string {
  const st = statSync(p, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

async function runSequence(ops: Op[], withHistory: boolean, tag: string): Promise<void> {
  const root = mkdtempSync(path.join(SCRATCH, 'cg-tailer-model-'));
  const dir = path.join(root, 'projects', '-p');
  mkdirSync(dir, { recursive: true });
  const world = new World(dir, tag, !ROOT_USER);
  const run: Counted = { emitted: [] };
  const src = new TranscriptSource({
    configDirs: [root],
    emit: (e: ResponseEvent | TurnEvent) => {
      if (e.kind === 'response') run.emitted.push(e);
    },
    rescanMs: 0,
    hotPollMs: 0,
  });
  const history = withHistory ? openHistory(path.join(root, 'state')) : null;
  let ingested = 0;
  const poll = async () => {
    await src.rescan();
    if (history) ingested += ingestPaths(history.db, transcriptFiles([root])).lines;
    world.polled();
    totals.polls++;
    const problems = src.health().problems;
    for (const names of world.denied(false)) assert.ok(names.some((p) => problems.includes(`cannot read ${p}: EACCES`)), `${names[0]} cannot be read: ${JSON.stringify(problems)}`);
  };
  try {
    for (const op of ops) if (world.apply(op) === 'poll') await poll();
    for (let f = 0; f < SLOTS; f++) world.apply({ k: 'allow', f });
    await poll(); // the final read
    const health = src.health();
    check(world, run, health, 0, health.records, true);
    assert.ok(!health.problems.some((p) => p.endsWith('EACCES')), `nothing left unreadable: ${JSON.stringify(health.problems)}`);
    if (history) {
      checkHistory(world, history, ingested);
      totals.withHistory++;
    }
    totals.sequences++;
    tally(world, ops.length);
  } finally {
    await src.close();
    history?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function tally(world: World, steps: number): void {
  totals.steps += steps;
  totals.truncations += world.truncations;
  totals.uncertainPolls += world.uncertainPolls;
  totals.lines += world.written.size;
  totals.denials += world.denials;
  totals.links += world.links.length;
  totals.hostile += world.hostile;
}

/**
 * Live: the source started as the daemon starts it, then left to its watchers and hot polling. A
 * settle point waits until it has caught up with the model (at most SETTLE_MS: past that, a
 * record was lost); with the history, it then ingests the paths the source reported as grown.
 */
async function runLive(ops: Op[], withHistory: boolean, tag: string): Promise<void> {
  const root = mkdtempSync(path.join(SCRATCH, 'cg-tailer-live-'));
  const dir = path.join(root, 'projects', '-p');
  mkdirSync(dir, { recursive: true });
  const world = new World(dir, tag, !ROOT_USER);
  const run: Counted = { emitted: [] };
  const counted = new Set<string>();
  const grew = new Set<string>();
  const src = new TranscriptSource({
    configDirs: [root],
    emit: (e: ResponseEvent | TurnEvent) => {
      if (e.kind !== 'response') return;
      run.emitted.push(e);
      counted.add(e.key);
    },
    onFileGrew: (p) => grew.add(p),
    rescanMs: 0,
    hotPollMs: 20,
  });
  const history = withHistory ? openHistory(path.join(root, 'state')) : null;
  let ingested = 0;
  const settle = async () => {
    world.polled();
    totals.polls++;
    const started = Date.now();
    for (;;) {
      const problems = src.health().problems;
      const caughtUp =
        [...world.must].every((k) => counted.has(k)) &&
        world.denied(true).every((names) => names.some((p) => problems.includes(`cannot read ${p}: EACCES`))) &&
        // Every readable file seen as it is now (a file cut short, too: noticed before it grows again).
        world.slots.every((s) => !s.path || s.denied || src.takenIn(idOf(s.path)) === statSync(s.path).size);
      if (caughtUp) break;
      if (Date.now() - started > SETTLE_MS) {
        // Which of the three conditions failed, so a rare counterexample from CI can be read as it is.
        const missing = [...world.must].filter((k) => !counted.has(k));
        const unreported = world.denied(true).filter((names) => !names.some((p) => problems.includes(`cannot read ${p}: EACCES`)));
        const behind = world.slots.filter((s) => s.path && !s.denied && src.takenIn(idOf(s.path)) !== statSync(s.path).size).map((s) => `${s.path}: taken ${src.takenIn(idOf(s.path!))} of ${statSync(s.path!).size}`);
        assert.fail(`not caught up after ${SETTLE_MS} ms: missing ${missing.join(', ')}; denied but not reported ${JSON.stringify(unreported)}; behind ${JSON.stringify(behind)}; problems ${JSON.stringify(problems)}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    totals.slowestSettleMs = Math.max(totals.slowestSettleMs, Date.now() - started);
    await src.idle(); // a read reports the path it grew after its lines are counted
    if (history) {
      ingested += ingestPaths(history.db, [...grew]).lines;
      grew.clear();
      const keys = new Set((history.db.prepare('SELECT key FROM responses').all() as { key: string }[]).map((r) => r.key));
      for (const k of world.must) assert.ok(keys.has(k), `${k} must be in the history (fed the paths the source reported)`);
    }
  };
  try {
    await src.start();
    for (const op of ops) if (world.apply(op) === 'poll') await settle();
    for (let f = 0; f < SLOTS; f++) world.apply({ k: 'allow', f });
    // Once more after a pause: a late read (one more retry, one more poll) must add nothing.
    await settle();
    await new Promise((r) => setTimeout(r, 100));
    await settle();
    const health = src.health();
    check(world, run, health, 0, health.records, false);
    const paths = new Set(world.slots.flatMap((s) => (s.path ? world.names(s) : [])));
    assert.ok(!health.problems.some((p) => p.endsWith('EACCES') && [...paths].some((q) => p.includes(q))), `nothing left unreadable: ${JSON.stringify(health.problems)}`);
    if (history) {
      checkHistory(world, history, ingested);
      totals.withHistory++;
    }
    totals.liveSequences++;
    tally(world, ops.length);
  } finally {
    await src.close();
    history?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs `body` on random sequences until `runs` or `budgetMs`, whichever comes first. */
async function assertProperty(name: string, runs: number, budgetMs: number, maxSteps: number, every: number, body: (ops: Op[], withHistory: boolean, tag: string) => Promise<void>, prefix: string): Promise<void> {
  // A failure prints its seed and path; CG_TAILER_REPLAY='{"seed":..,"path":".."}' reruns just that case.
  const replay = process.env.CG_TAILER_REPLAY ? (JSON.parse(process.env.CG_TAILER_REPLAY) as { seed: number; path: string }) : {};
  let i = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: maxSteps, size: 'max' }), fc.nat(every - 1), async (ops, pick) => {
        // Every file exists at first (later ones are deleted and created again by the steps).
        const start: Op[] = Array.from({ length: SLOTS }, (_, f) => ({ k: 'create', f, n: 1 }));
        await body([...start, ...ops], pick === 0, `${prefix}${++i}`); // drawn, so a replay takes the same path
      }),
      { numRuns: runs, endOnFailure: false, interruptAfterTimeLimit: budgetMs, markInterruptAsFailure: false, ...replay },
    );
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}\ncause: ${String((err as Error).cause)}`);
  }
}

const CHILD = process.env.CG_TAILER_CHILD === '1';

if (ROOT_USER && !CHILD && process.platform === 'linux') {
  // Root reads every file whatever its mode: permission changes only bind another user.
  test('tailer model, run as an unprivileged user (permissions bind only without root)', { timeout: 900_000 }, async () => {
    // The file run directly (node:test runs its tests; under --test it would refuse to nest).
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    // From a copy that user can read when the checkout is closed to it (unprivileged.ts).
    const self = path.join(rootFor(UNPRIVILEGED), path.relative(ROOT, fileURLToPath(import.meta.url)));
    const child = spawn(process.execPath, ['--test-reporter=tap', self], {
      uid: UNPRIVILEGED,
      gid: UNPRIVILEGED,
      env: { ...env, CG_TAILER_CHILD: '1', HOME: os.tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    for (const line of out.split('\n')) if (line.includes('# tailer model')) console.log(line.replace(/^#\s*/, ''));
    assert.equal(code, 0, out.slice(-6000));
    assert.match(out, /# pass 2\b/, 'both ways ran and passed');
  });
} else {
  if (ROOT_USER && !CHILD) console.log('# tailer model: as root here, permission changes are left out (they only bind another user)');

  test(`tailer model, by rescan: up to ${SEQUENCES} random sequences of up to ${MAX_STEPS} steps, or ${RESCAN_BUDGET_MS / 1000} s`, { timeout: 600_000 }, async () => {
    const started = Date.now();
    if (process.env.CG_TAILER_OPS) {
      // One counterexample as printed (its operations), through the source and the history.
      return runSequence(JSON.parse(process.env.CG_TAILER_OPS) as Op[], true, 'x');
    }
    await assertProperty('by rescan', SEQUENCES, RESCAN_BUDGET_MS, MAX_STEPS, HISTORY_EVERY, runSequence, 's');
    assert.ok(totals.sequences >= MIN_SEQUENCES, `ran ${totals.sequences} sequences in the time given (at least ${MIN_SEQUENCES})`);
    assert.ok(totals.exact > 0 && totals.truncations > 0 && totals.withHistory > 0 && totals.hostile > 0 && totals.links > 0, 'every regime was exercised');
    if (!ROOT_USER) assert.ok(totals.denials > 0, 'permission changes were exercised');
    console.log(`# tailer model (rescan): ${JSON.stringify({ ...totals, seconds: Math.round((Date.now() - started) / 1000) })}`);
  });

  test(`tailer model, live (watchers and polling): up to ${LIVE_SEQUENCES} random sequences of up to ${LIVE_MAX_STEPS} steps, or ${LIVE_BUDGET_MS / 1000} s`, { timeout: 600_000 }, async () => {
    const started = Date.now();
    const before = { ...totals };
    if (process.env.CG_TAILER_LIVE_OPS) return runLive(JSON.parse(process.env.CG_TAILER_LIVE_OPS) as Op[], true, 'x');
    await assertProperty('live', LIVE_SEQUENCES, LIVE_BUDGET_MS, LIVE_MAX_STEPS, LIVE_HISTORY_EVERY, runLive, 'l');
    const ran = totals.liveSequences;
    assert.ok(ran >= MIN_LIVE_SEQUENCES, `ran ${ran} live sequences in the time given (at least ${MIN_LIVE_SEQUENCES})`);
    assert.ok(totals.truncations > before.truncations && totals.withHistory > before.withHistory && totals.hostile > before.hostile, 'every regime was exercised');
    if (!ROOT_USER) assert.ok(totals.denials > before.denials, 'permission changes were exercised');
    const live = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, k === 'slowestSettleMs' ? v : v - before[k as keyof typeof totals]]));
    console.log(`# tailer model (live): ${JSON.stringify({ ...live, seconds: Math.round((Date.now() - started) / 1000) })}`);
  });
}
