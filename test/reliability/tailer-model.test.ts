// Model-based test of the transcript tailer, in the spirit of Vector's file-source model tests:
// random sequences of appends, half-line appends, truncation, rename, deletion and re-creation
// across a few files drive the REAL TranscriptSource (its rescan, called in-process instead of
// waiting on timers) and, for a subset, the real SQLite ingest; a plain model says what must have
// been counted. Exact when nothing was truncated; `model <= counted <= written` otherwise; a
// partial line is never counted.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ResponseEvent, TurnEvent } from '../../src/core/events.js';
import { TranscriptSource } from '../../src/sources/transcripts/index.js';
import { openHistory } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { assistant } from '../helpers/lines.js';

const SEQUENCES = Number(process.env.CG_TAILER_SEQUENCES ?? 5000);
const MAX_STEPS = 100;
const SLOTS = 3;
const HISTORY_EVERY = 10; // one sequence in ten also drives the SQLite history
// Thousands of tiny directories and SQLite files: on tmpfs when there is one, as the logic under
// test is the same and the run is several times faster than on a shared disk.
const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

type Op =
  | { k: 'append'; f: number; n: number }
  | { k: 'half'; f: number; cut: number }
  | { k: 'truncate'; f: number; keep: number }
  | { k: 'rename'; f: number }
  | { k: 'delete'; f: number }
  | { k: 'create'; f: number; n: number }
  | { k: 'poll' };

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('append' as const), f: slot, n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('half' as const), f: slot, cut: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), f: slot, keep: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rename' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), f: slot }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('create' as const), f: slot, n: fc.integer({ min: 0, max: 3 }) }) },
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
  /** Truncated since the last poll; an append on top makes that poll's read uncertain. */
  truncated: boolean;
  unsure: boolean;
  renames: number;
}

// Padding with multi-byte characters, so a half-line cut can fall inside a character.
const PADS = ['', 'plain words', 'üñí€ode 😀 and more', 'x'.repeat(180)];

class World {
  readonly slots: Slot[] = [];
  readonly written = new Map<string, number>(); // every complete line ever written: key -> input tokens
  readonly must = new Set<string>();
  /** Lines in a file at a read after it was cut short and regrown unseen: that read may garble or miss them for good. */
  readonly excused = new Set<string>();
  truncations = 0;
  uncertainPolls = 0;
  private n = 0;

  constructor(readonly dir: string) {
    for (let i = 0; i < SLOTS; i++) this.slots.push({ path: null, lines: [], partial: null, truncated: false, unsure: false, renames: 0 });
  }

  private newLine(): Line {
    const i = ++this.n;
    const text = assistant({ id: `m${i}`, req: `r${i}`, at: 1_770_000_000_000 + i * 1000, input: i, output: 1, text: PADS[i % PADS.length] });
    return { key: `m${i}:r${i}`, input: i, bytes: Buffer.from(text + '\n') };
  }

  private write(s: Slot, data: Buffer): void {
    if (s.truncated) s.unsure = true;
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
  }

  apply(op: Op): 'poll' | void {
    if (op.k === 'poll') return 'poll';
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
        s.lines = s.lines.slice(0, keep);
        s.partial = null;
        truncateSync(s.path, s.lines.reduce((a, l) => a + l.bytes.length, 0));
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
        Object.assign(s, { path: null, lines: [], partial: null, truncated: false, unsure: false });
        return;
    }
  }

  private appendLine(s: Slot): void {
    const line = this.newLine();
    this.write(s, line.bytes);
    this.complete(s, line);
  }

  /**
   * What a read at this moment must take in: every complete line, except in a file cut short and
   * regrown since the last read (the tailer cannot tell that from growth when the first bytes
   * match, or when the size comes back equal): those lines are excused, later appends are not.
   */
  polled(): void {
    for (const s of this.slots) {
      if (!s.path) continue;
      if (s.unsure) {
        this.uncertainPolls++;
        for (const l of s.lines) this.excused.add(l.key);
        if (s.partial) this.excused.add(s.partial.line.key); // its first bytes were there, misread too
      } else for (const l of s.lines) if (!this.excused.has(l.key)) this.must.add(l.key);
      s.truncated = s.unsure = false;
    }
  }
}

const totals = { sequences: 0, steps: 0, polls: 0, truncations: 0, uncertainPolls: 0, exact: 0, withHistory: 0, lines: 0, duplicatesAfterTruncation: 0 };

async function runSequence(ops: Op[], withHistory: boolean): Promise<void> {
  const root = mkdtempSync(path.join(SCRATCH, 'cg-tailer-model-'));
  const dir = path.join(root, 'projects', '-p');
  mkdirSync(dir, { recursive: true });
  const world = new World(dir);
  const emitted: ResponseEvent[] = [];
  const src = new TranscriptSource({
    configDirs: [root],
    emit: (e: ResponseEvent | TurnEvent) => {
      if (e.kind === 'response') emitted.push(e);
    },
    rescanMs: 0,
    hotPollMs: 0,
  });
  const history = withHistory ? openHistory(path.join(root, 'state')) : null;
  const poll = async () => {
    await src.rescan();
    if (history) ingestPaths(history.db, transcriptFiles([root]));
    world.polled();
    totals.polls++;
  };
  try {
    for (const op of ops) if (world.apply(op) === 'poll') await poll();
    await poll(); // the final read
    const counted = new Map<string, number>();
    for (const e of emitted) {
      // Counted <= written, with the numbers that were written: nothing from a partial line.
      assert.equal(world.written.get(e.key), e.tokens.input, `counted ${e.key} was written whole, with these tokens`);
      counted.set(e.key, (counted.get(e.key) ?? 0) + 1);
    }
    for (const k of world.must) assert.ok(counted.has(k), `${k} must have been counted`);
    const health = src.health();
    if (world.truncations === 0) {
      // Nothing truncated: exactly the model, each record once, no line ever skipped.
      assert.deepEqual([...counted.keys()].sort(), [...world.must].sort());
      assert.ok([...counted.values()].every((n) => n === 1), 'no record read twice');
      assert.equal(health.skipped_lines, 0, 'no partial line was taken for a line');
      totals.exact++;
    } else if (world.uncertainPolls === 0) {
      // Cut short but never regrown unseen: a restarted read may repeat records, never garble one.
      assert.equal(health.skipped_lines, 0, 'no partial line was taken for a line');
    }
    if ([...counted.values()].some((n) => n > 1)) totals.duplicatesAfterTruncation++;
    if (history) {
      const rows = history.db.prepare('SELECT key, input FROM responses').all() as { key: string; input: number }[];
      const keys = new Set(rows.map((r) => r.key));
      assert.equal(keys.size, rows.length, 'no duplicate row in the history');
      for (const r of rows) assert.equal(world.written.get(r.key), r.input, `history row ${r.key} was written whole`);
      for (const k of world.must) assert.ok(keys.has(k), `${k} must be in the history`);
      if (world.truncations === 0) assert.equal(rows.length, world.must.size, 'the history holds exactly the model');
      assert.equal(history.db.pragma('integrity_check', { simple: true }), 'ok');
      totals.withHistory++;
    }
    totals.sequences++;
    totals.steps += ops.length;
    totals.truncations += world.truncations;
    totals.uncertainPolls += world.uncertainPolls;
    totals.lines += world.written.size;
  } finally {
    await src.close();
    history?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test(`tailer model: ${SEQUENCES} random sequences of up to ${MAX_STEPS} steps`, { timeout: 600_000 }, async () => {
  const started = Date.now();
  if (process.env.CG_TAILER_OPS) {
    // One counterexample as printed (its operations), through the source and the history.
    return runSequence(JSON.parse(process.env.CG_TAILER_OPS) as Op[], true);
  }
  // A failure prints its seed and path; CG_TAILER_REPLAY='{"seed":..,"path":".."}' reruns just that case.
  const replay = process.env.CG_TAILER_REPLAY ? (JSON.parse(process.env.CG_TAILER_REPLAY) as { seed: number; path: string }) : {};
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: MAX_STEPS, size: 'max' }), fc.nat(HISTORY_EVERY - 1), async (ops, pick) => {
        await runSequence(ops, pick === 0); // drawn, so a replay takes the same path
      }),
      { numRuns: SEQUENCES, endOnFailure: false, ...replay },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\ncause: ${String((err as Error).cause)}`);
  }
  assert.ok(totals.sequences >= SEQUENCES, `ran ${totals.sequences} sequences`);
  assert.ok(totals.exact > 0 && totals.truncations > 0 && totals.withHistory > 0, 'both regimes and the history were exercised');
  console.log(`# tailer model: ${JSON.stringify({ ...totals, seconds: Math.round((Date.now() - started) / 1000) })}`);
});
