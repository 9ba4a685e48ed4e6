// Crash loop: the real history ingest (follow.ts -> worker thread -> ingest-file.ts -> writer.ts)
// runs in a child process that is killed with SIGKILL at random moments, 200 times, while the
// transcripts keep growing (appends cut anywhere, so half-written lines are common). The end
// state must equal one clean ingest of the final files, row for row: nothing lost, nothing
// doubled, and SQLite's integrity_check ok throughout.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { generateHistory } from '../../src/generate/index.js';
import { openHistory, type Db } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { tempDir } from '../helpers/cli.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const KILLS = Number(process.env.CG_CRASH_KILLS ?? 200);
const RELEASE_BYTES = 512 * 1024; // transcript growth released when the last child has little left to do
const SPIN_UP_MS = 60; // the worker thread starting and opening the history, after the child says ready

type Outcome = { how: 'killed' | 'done'; readyAt: number | null };

function runChild(home: string, state: string, killAfterReadyMs: number | null): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, home, state], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let readyAt: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const started = Date.now();
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', () => {
      if (readyAt !== null) return;
      readyAt = Date.now() - started;
      if (killAfterReadyMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterReadyMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ how: 'killed', readyAt });
      else if (code === 0) resolve({ how: 'done', readyAt });
      else reject(new Error(`child exited ${code}: ${err}`));
    });
  });
}

interface Row {
  key: string;
  [col: string]: unknown;
}

function table(db: Db, sql: string): Map<string, Row> {
  return new Map((db.prepare(sql).all() as Row[]).map((r) => [r.key, r]));
}

function contents(db: Db) {
  return {
    responses: table(db, 'SELECT * FROM responses'),
    tools: table(db, 'SELECT id AS key, * FROM tool_uses'),
    results: table(db, 'SELECT id AS key, * FROM tool_results'),
    texts: table(db, 'SELECT hash AS key, * FROM texts'),
    blocks: table(db, 'SELECT hash AS key, * FROM blocks'),
  };
}

/** Rows missing from `got`, and rows present that differ or should not be there (a record counted twice shows as a larger row). */
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

test(`crash loop: ${KILLS} SIGKILLs during history ingest lose and double nothing`, { timeout: 600_000 }, async () => {
  const started = Date.now();
  // The full transcripts, released into the live folder a piece at a time.
  const source = await tempDir('crash-source');
  const end = Date.parse('2026-03-20T00:00:00Z');
  await generateHistory({ outDir: source, seed: 11, targetBytes: Math.max(8, Math.ceil(KILLS / 4)) * 1024 * 1024, start: new Date(end - 14 * 86_400_000), end: new Date(end), uniquePrefix: 'loop' });
  const files = transcriptFiles([source]);
  const data = files.map((f) => readFileSync(f));
  const totalBytes = data.reduce((a, b) => a + b.length, 0);

  const clean = openHistory(await tempDir('crash-clean'));
  const t0 = Date.now();
  ingestPaths(clean.db, files);
  const bytesPerMs = totalBytes / Math.max(1, Date.now() - t0);
  const want = contents(clean.db);
  clean.close();

  const home = await tempDir('crash-home');
  const live = files.map((f) => path.join(home, path.relative(source, f)));
  const released = data.map(() => 0);
  let releasedTotal = 0;
  // Growth as Claude Code makes it: appends to a few files at a time, cut at any byte.
  const release = (budget: number) => {
    while (budget > 0 && releasedTotal < totalBytes) {
      const i = Math.floor(Math.random() * data.length);
      const take = Math.min(data[i].length - released[i], Math.floor(Math.random() * 256 * 1024) + 1);
      if (take <= 0) continue;
      mkdirSync(path.dirname(live[i]), { recursive: true });
      appendFileSync(live[i], data[i].subarray(released[i], released[i] + take));
      released[i] += take;
      releasedTotal += take;
      budget -= take;
    }
  };
  const state = await tempDir('crash-state');
  const ingestedBytes = () => {
    const h = openHistory(state); // opened as the next child would: recovering the WAL a kill left
    try {
      return (h.db.prepare('SELECT coalesce(sum(offset), 0) n FROM files').get() as { n: number }).n;
    } finally {
      h.close();
    }
  };

  let kills = 0;
  let children = 0;
  let finished = 0;
  let checks = 0;
  release(RELEASE_BYTES);
  while (kills < KILLS) {
    // The kill lands uniformly within the work the child has left (estimated from the clean
    // ingest's rate), so nearly every one interrupts reading and writing.
    const left = children === 0 ? releasedTotal : Math.max(0, releasedTotal - ingestedBytes());
    const workMs = left / bytesPerMs;
    if (workMs < 15) {
      if (releasedTotal >= totalBytes) break; // everything released and read: data ran out
      release(RELEASE_BYTES);
      continue;
    }
    const r = await runChild(home, state, Math.floor(Math.random() * (SPIN_UP_MS + workMs)));
    children++;
    if (r.how === 'killed') kills++;
    else finished++;
    if (kills % 25 === 0 && r.how === 'killed') {
      const h = openHistory(state);
      assert.equal(h.db.pragma('integrity_check', { simple: true }), 'ok', `integrity after kill ${kills}`);
      h.close();
      checks++;
    }
  }
  assert.equal(kills, KILLS, `${kills} kills landed before the generated data ran out`);
  release(totalBytes); // the rest, then one run that is left to finish
  assert.equal((await runChild(home, state, null)).how, 'done');

  const h = openHistory(state);
  assert.equal(h.db.pragma('integrity_check', { simple: true }), 'ok');
  const got = contents(h.db);
  const offsets = (h.db.prepare('SELECT coalesce(sum(offset), 0) n FROM files').get() as { n: number }).n;
  h.close();
  const figures: Record<string, unknown> = {};
  for (const k of Object.keys(want) as (keyof typeof want)[]) {
    const d = diff(want[k], got[k]);
    figures[k] = { rows: want[k].size, ...d };
    assert.equal(d.lost, 0, `${k}: rows lost`);
    assert.equal(d.wrong, 0, `${k}: rows doubled or different`);
  }
  assert.equal(offsets, totalBytes, 'every byte of every file is behind the committed offsets');
  console.log(`# crash loop: ${JSON.stringify({ kills, children, finished, integrityChecks: checks + 1, bytes: totalBytes, rows: figures, seconds: Math.round((Date.now() - started) / 1000) })}`);
});
