import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { assistant } from '../../../test/helpers/lines.js';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { Engine } from '../../engine/engine.js';
import { TranscriptSource } from './index.js';
import { summarizeInChild } from '../../daemon/older-history.js';

const H = 3600_000;

async function writeSession(dir: string, name: string, times: number[], tag: string): Promise<string> {
  const file = path.join(dir, `${name}.jsonl`);
  await fs.writeFile(file, times.map((t, i) => assistant({ id: `${tag}${i}`, req: `r${tag}${i}`, at: t, input: 1 })).join('\n') + '\n');
  const last = new Date(Math.max(...times));
  await fs.utimes(file, last, last); // a transcript's mtime is its last write
  return file;
}

test('start-up reads the whole current activity chain first, and leaves older history to the background', async () => {
  const cfg = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-src-'));
  const proj = path.join(cfg, 'projects', '-p');
  await fs.mkdir(proj, { recursive: true });
  const now = Date.now();
  // The current chain spans three files, each ending 4 h before the next begins: no 5-hour silence.
  await writeSession(proj, 'chain-a', [now - 13 * H, now - 12 * H], 'a');
  await writeSession(proj, 'chain-b', [now - 8 * H, now - 7 * H], 'b');
  await writeSession(proj, 'chain-c', [now - 3 * H, now - 60_000], 'c');
  // Old history behind a long silence.
  for (let i = 0; i < 20; i++) await writeSession(proj, `old-${i}`, [now - (100 + i) * H], `o${i}`);

  const engine = new Engine({ ceiling: 1e9, defaultCeiling: 1, redline: 1, stallMinutes: 5, abandonMinutes: 60, cacheFloor: 0, keepAllTicks: false });
  const seen: string[] = [];
  const src = new TranscriptSource({
    configDirs: [cfg],
    emit: (e: ResponseEvent | TurnEvent) => {
      if (e.kind === 'response') seen.push(e.key);
      engine.apply(e);
    },
    horizon: () => engine.horizon(),
    rescanMs: 0,
  });
  await src.start();
  const atReady = new Set(seen);
  for (const k of ['a0:ra0', 'a1:ra1', 'b0:rb0', 'c1:rc1']) assert.ok(atReady.has(k), `${k} read before ready`);
  assert.ok(atReady.size < 10, `old history left for later (read ${atReady.size})`);
  const snap = engine.snapshot(now);
  assert.equal(snap.window_5h_block_start !== null, true);
  const health = src.health();
  assert.equal(health.backfill.files_total, 20);
  await src.whenBackfilled();
  assert.equal(new Set(seen).size, 6 + 20);
  assert.equal(src.health().backfill.done, true);
  // The block the daemon showed at ready is the block a full read gives.
  assert.equal(engine.snapshot(now).window_5h_block_start, snap.window_5h_block_start);
  await src.close();
  await src.close(); // closing twice is safe
});

test('a renamed transcript keeps its place: nothing is read twice, appends after the rename count', async () => {
  const cfg = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-ren-'));
  const proj = path.join(cfg, 'projects', '-p');
  await fs.mkdir(proj, { recursive: true });
  const now = Date.now();
  const file = await writeSession(proj, 'one', [now - 1000], 'x');
  let lines = 0;
  const src = new TranscriptSource({ configDirs: [cfg], emit: () => lines++, rescanMs: 0 });
  await src.start();
  assert.equal(lines, 1);
  const moved = path.join(proj, 'two.jsonl');
  await fs.rename(file, moved);
  await fs.appendFile(moved, assistant({ id: 'y', req: 'ry', at: now, input: 1 }) + '\n');
  await src.rescan();
  assert.equal(lines, 2);
  await src.close();
});

test('the files being written get a watch of their own: the newest few, dropped when deleted or on close', async () => {
  const cfg = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-direct-'));
  const proj = path.join(cfg, 'projects', '-p');
  await fs.mkdir(proj, { recursive: true });
  const now = Date.now();
  const hot = await writeSession(proj, 'hot', [now - 60_000], 'h');
  await writeSession(proj, 'cold', [now - 2 * H], 'c');
  const seen: string[] = [];
  // No rescan, no hot polling: only watches can bring the append in.
  const src = new TranscriptSource({ configDirs: [cfg], emit: (e) => e.kind === 'response' && seen.push(e.key), rescanMs: 0, hotPollMs: 0 });
  await src.start();
  assert.deepEqual(src.directlyWatched, [hot], 'the file written in the last minutes, not the one from 2 h ago');
  const t = Date.now();
  await fs.appendFile(hot, assistant({ id: 'n', req: 'rn', at: Date.now(), input: 1 }) + '\n');
  while (!seen.includes('n:rn')) {
    assert.ok(Date.now() - t < 2000, 'the append was read within 2 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  // Many files growing: the direct watches stay few, the newest ones kept.
  const more = [];
  for (let i = 0; i < 12; i++) {
    const f = path.join(proj, `busy-${i}.jsonl`);
    await fs.writeFile(f, '');
    more.push(f);
  }
  await src.rescan();
  for (const [i, f] of more.entries()) {
    await fs.appendFile(f, assistant({ id: `b${i}`, req: `rb${i}`, at: Date.now(), input: 1 }) + '\n');
    await src.rescan();
  }
  assert.equal(src.directlyWatched.length, 8);
  assert.ok(src.directlyWatched.includes(more[11]), 'the newest writer is watched');
  // A deleted file loses its watch.
  await fs.rm(more[11]);
  const gone = Date.now();
  while (src.directlyWatched.includes(more[11])) {
    assert.ok(Date.now() - gone < 2000, 'the watch of a deleted file is dropped');
    await new Promise((r) => setTimeout(r, 5));
  }
  await src.close();
  assert.deepEqual(src.directlyWatched, [], 'closing drops every watch');
});

test('the history child dying (out of memory, killed) costs the ceiling, not the source: a problem line, the backfill ends, the files are followed', { skip: process.platform !== 'linux' && 'Linux only (/proc)' }, async () => {
  const cfg = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-src-'));
  const proj = path.join(cfg, 'projects', '-p');
  await fs.mkdir(proj, { recursive: true });
  const now = Date.now();
  const live = await writeSession(proj, 'live', [now - 60_000], 'l');
  for (let i = 0; i < 5; i++) await writeSession(proj, `old-${i}`, [now - (100 + i) * H], `o${i}`);
  const seen: string[] = [];
  const src = new TranscriptSource({
    configDirs: [cfg],
    emit: (e) => e.kind === 'response' && seen.push(e.key),
    horizon: () => now - 10 * H,
    olderHistory: { summarize: (request, progress, total) => summarizeInChild({ ...request, before: Date.now() }, progress, total), take: () => assert.fail('the child was killed before it answered') },
    rescanMs: 0,
    hotPollMs: 50,
  });
  await src.start();
  // The child this process forks for the older history, killed as soon as it appears.
  const children = async () => {
    const tasks = await fs.readdir(`/proc/${process.pid}/task`);
    const all = await Promise.all(tasks.map((t) => fs.readFile(`/proc/${process.pid}/task/${t}/children`, 'utf8').catch(() => '')));
    return all.join(' ').split(/\s+/).filter(Boolean).map(Number);
  };
  let killed = false;
  for (let i = 0; i < 400 && !killed; i++) {
    for (const pid of await children()) {
      const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('older-history-worker')) {
        process.kill(pid, 'SIGKILL');
        killed = true;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(killed, 'the history child was found');
  await src.whenBackfilled();
  const h = src.health();
  assert.equal(h.backfill.done, true);
  assert.equal(h.ok, false);
  assert.ok(h.problems.some((p) => p.startsWith('reading the older history failed')), JSON.stringify(h.problems));
  assert.equal(h.files, 6, 'every file followed');
  await fs.appendFile(live, assistant({ id: 'after', req: 'rafter', at: Date.now(), input: 1 }) + '\n');
  for (let i = 0; i < 100 && !seen.includes('after:rafter'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(seen.includes('after:rafter'), 'still following live');
  await src.close();
});
