// Damaged state and history files, each against the real command with an exact expected outcome:
// nothing crashes, nothing is silently lost, a damaged history is kept aside and rebuilt from the
// transcripts (they are the truth; the history is derived from them).
import assert from 'node:assert/strict';
import { promises as fs, copyFileSync, openSync, writeSync, closeSync, truncateSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { CHECK_HERE_BYTES } from '../../src/store/check.js';
import { openHistory } from '../../src/store/db.js';
import { ingestPaths, transcriptFiles } from '../../src/store/ingest.js';
import { fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor } from '../helpers/cli.js';
import { inspectHistory } from './helpers.js';

const outcomes: Record<string, string> = {};

async function setup() {
  const home = await fixtureCopy();
  const state = await tempDir('corrupt-state');
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CONFIG: path.join(home, 'none.json') });
  return { home, state, env, db: path.join(state, 'history.sqlite') };
}

/** A history built from the transcripts exactly as serve's ingest builds it; returns its row count. */
function buildHistory(home: string, state: string): number {
  const h = openHistory(state);
  ingestPaths(h.db, transcriptFiles([home]));
  const n = (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
  h.close();
  return n;
}

/** Serves, waits for the history ingest to finish, stops; returns serve's stderr. */
async function serveUntilIngested(env: NodeJS.ProcessEnv): Promise<string> {
  const s = await startServe(env);
  try {
    await waitFor(async () => (await getJson(`${s.url}/api/summary`)).ingest?.backfilled === true, 60_000, 100);
    const usage = await getJson(`${s.url}/usage`);
    assert.equal(typeof usage.window_5h_tokens, 'number', '/usage answers throughout');
  } finally {
    await s.stop();
  }
  return s.stderr();
}

/** The history as serve left it, read-only and without the repair path (which would hide damage by moving it aside). */
function rows(db: string): { n: number; check: string } {
  const h = inspectHistory(path.dirname(db));
  return { n: h.responses, check: h.integrity };
}

const HISTORY_DAMAGE: [string, (db: string) => void][] = [
  ['history cut to half its size', (db) => truncateSync(db, Math.floor(statSync(db).size / 2))],
  ['history with a zeroed header', (db) => writeAt(db, Buffer.alloc(100), 0)],
  ['history with garbage in the middle', (db) => writeAt(db, Buffer.from('garbage!'.repeat(512)), Math.floor(statSync(db).size / 2 / 4096) * 4096)],
];

function writeAt(file: string, data: Buffer, at: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, data, 0, data.length, at);
  closeSync(fd);
}

for (const [kind, damage] of HISTORY_DAMAGE) {
  test(`${kind}: moved aside with a timestamp, rebuilt from the transcripts`, { timeout: 120_000 }, async () => {
    const t = await setup();
    const want = buildHistory(t.home, t.state);
    damage(t.db);
    const damagedBytes = await fs.readFile(t.db);
    const stderr = await serveUntilIngested(t.env);
    assert.match(stderr, /the history was damaged \(.+\); kept it as .+history\.sqlite\.corrupt-\d{4}-\d\d-\d\dT.+ and rebuilding it from the transcripts/);
    const aside = (await fs.readdir(t.state)).filter((f) => /^history\.sqlite\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
    assert.equal(aside.length, 1, 'the damaged file is kept, once');
    assert.deepEqual(await fs.readFile(path.join(t.state, aside[0])), damagedBytes, 'kept as it was');
    assert.deepEqual(rows(t.db), { n: want, check: 'ok' }, 'rebuilt: every response back');
    outcomes[kind] = `moved aside, rebuilt: ${want} of ${want} responses, integrity ok`;
  });
}

test('a damaged history too large to check on the daemon\'s thread: checked in a worker, moved aside, rebuilt', { timeout: 120_000 }, async () => {
  const t = await setup();
  const want = buildHistory(t.home, t.state);
  // Past CHECK_HERE_BYTES with a table of filler: serve then checks it in a worker thread (store/check.ts).
  const db = new Database(t.db);
  db.exec('CREATE TABLE filler (x BLOB)');
  const put = db.prepare('INSERT INTO filler VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < (2 * CHECK_HERE_BYTES) / 4000; i++) put.run(Buffer.alloc(4000, i % 251));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  assert.ok(statSync(t.db).size > CHECK_HERE_BYTES);
  writeAt(t.db, Buffer.from('garbage!'.repeat(512)), Math.floor(statSync(t.db).size / 2 / 4096) * 4096);
  const stderr = await serveUntilIngested(t.env);
  assert.match(stderr, /the history was damaged \(quick_check: .+\); kept it as .+history\.sqlite\.corrupt-\d{4}-\d\d-\d\dT.+ and rebuilding it from the transcripts/);
  const aside = (await fs.readdir(t.state)).filter((f) => /^history\.sqlite\.corrupt-/.test(f));
  assert.equal(aside.length, 1, 'the damaged file is kept, once');
  assert.deepEqual(rows(t.db), { n: want, check: 'ok' }, 'rebuilt: every response back');
  outcomes['large history with garbage in the middle'] = `checked off the daemon's thread, moved aside, rebuilt: ${want} of ${want} responses, integrity ok`;
});

test('a WAL from another database: SQLite cannot tell it apart (it applies it); the ingest still ends with every response', { timeout: 120_000 }, async () => {
  const t = await setup();
  const want = buildHistory(t.home, t.state);
  // A WAL that another database left (wal_autocheckpoint off and copied while open).
  const other = path.join(await tempDir('corrupt-other'), 'other.sqlite');
  const db = new Database(other);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const put = db.prepare('INSERT INTO t VALUES (?)');
  for (let i = 0; i < 1000; i++) put.run('x'.repeat(200));
  copyFileSync(`${other}-wal`, `${t.db}-wal`);
  db.close();
  const stderr = await serveUntilIngested(t.env);
  assert.doesNotMatch(stderr, /damaged/);
  assert.deepEqual(rows(t.db), { n: want, check: 'ok' });
  outcomes['WAL from another database'] = `applied by SQLite (undetectable), history re-read from the transcripts: ${want} of ${want} responses, integrity ok`;
});

test('a corrupt statusline handoff is ignored: the 5-hour figure falls back to the local estimate', { timeout: 60_000 }, async () => {
  const t = await setup();
  await fs.writeFile(path.join(t.state, 'statusline.json'), '{"version":1,"seen_at":17700000'); // torn
  const s = await startServe(t.env);
  try {
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.window_5h_source, 'estimate');
    assert.equal(u.window_5h_pct, u.window_5h_estimate_pct);
  } finally {
    await s.stop();
  }
  outcomes['statusline handoff torn'] = 'ignored; /usage uses the local estimate';
});

test('a corrupt OTLP journal: good records replayed, bad lines dropped and counted, journal rewritten clean', { timeout: 60_000 }, async () => {
  const t = await setup();
  const now = Date.now();
  const ev = (i: number) => ({ kind: 'response', key: `j${i}:r${i}`, at: now - 60_000 * (i + 1), model: 'claude-opus-4-6', tokens: { input: 1000 * (i + 1), output: 10, cacheCreation: 0, cacheRead: 0 }, thinkingReported: null, visibleChars: 0, session: 's-journal', synthetic: false, sidechain: false, speed: false });
  const good = [0, 1, 2].map((i) => JSON.stringify({ v: 1, t: 'e', e: ev(i) }));
  const bad = ['\u0000\u0000garbage\u0000', '{"v":1,"t":"e","e":{"kind":"response"', JSON.stringify({ v: 99, t: 'e', e: ev(9) }), JSON.stringify({ v: 1, t: 'e', e: { ...ev(8), tokens: { input: -5, output: 0, cacheRead: 0, cacheCreation: 0 } } })];
  const journal = path.join(t.state, 'otlp-journal.jsonl');
  await fs.writeFile(journal, [good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3]].join('\n') + '\n{"v":1,"t":"e","e":{"ki'); // and a torn last line
  const s = await startServe({ ...t.env, CLAUDE_GAUGE_SOURCE: 'otlp', CLAUDE_GAUGE_OTLP_PORT: '0' });
  try {
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.source.skipped_lines, 5, 'bad lines counted');
    assert.equal(u.window_5h_tokens, 1000 + 2000 + 3000 + 30, 'exactly the three good records replayed');
  } finally {
    await s.stop();
  }
  const kept = (await fs.readFile(journal, 'utf8')).trim().split('\n');
  assert.equal(kept.length, 3, 'rewritten with the good records only');
  outcomes['OTLP journal with garbage, a future version, negative tokens and a torn line'] = '3 good records replayed, 5 bad lines dropped and counted in source.skipped_lines, journal rewritten clean';
});

test('a corrupt daemon.json: doctor reports no daemon; serve replaces it with its own address', { timeout: 60_000 }, async () => {
  const t = await setup();
  const file = path.join(t.state, 'daemon.json');
  await fs.writeFile(file, '{"pid": 12, "port": "ab');
  const doc = await runCli(['doctor'], { env: t.env });
  assert.match(doc.stdout, /no daemon running/);
  const s = await startServe(t.env);
  try {
    const info = await waitFor(async () => {
      try {
        return JSON.parse(await fs.readFile(file, 'utf8'));
      } catch {
        return undefined;
      }
    }, 10_000);
    assert.equal(info.value.pid, s.child.pid);
    assert.equal(`http://127.0.0.1:${info.value.port}`, s.url);
  } finally {
    await s.stop();
  }
  outcomes['daemon.json torn'] = 'doctor: "no daemon running"; serve rewrites it with its pid and port';
});

test('a config file that is not JSON: serve exits 2 with one line naming the file', { timeout: 60_000 }, async () => {
  const t = await setup();
  const cfg = path.join(t.home, 'config.json');
  await fs.writeFile(cfg, 'port = 1234\n');
  const r = await runCli(['serve', '--port', '0'], { env: { ...t.env, CLAUDE_GAUGE_CONFIG: cfg } });
  assert.equal(r.code, 2);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], new RegExp(`config file ${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`));
  outcomes['config file not JSON'] = 'exit 2, one line: "config file <path> is not valid JSON: ..."';
});

test('a half-written snapshot file: the statusline still prints its line and exits 0', { timeout: 60_000 }, async () => {
  const t = await setup();
  await fs.writeFile(path.join(t.state, 'snapshot.json'), JSON.stringify({ pid: process.pid, snapshot: { window_5h_pct: 42 } }).slice(0, 30));
  const input = JSON.stringify({ model: { display_name: 'Opus' }, workspace: { current_dir: t.home } });
  const r = await runCli(['statusline'], { env: t.env, input });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.ok(r.stdout.trim().length > 0);
  assert.equal(r.stderr, '');
  outcomes['snapshot.json half-written'] = 'statusline prints one line without the daemon figures, exit 0';
});

test('corruption outcomes', () => {
  console.log(`# corruption: ${JSON.stringify(outcomes)}`);
});
