// The durable history: ingest correctness against an independent count of the fixtures,
// streamed duplicates, replays, incremental reads, deleted transcripts, text counters.
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openHistory } from './db.js';
import { ingestPaths, transcriptFiles } from './ingest.js';
import { fixtureCopy, tempDir } from '../../test/helpers/cli.js';
import { assistant, prompt } from '../../test/helpers/lines.js';
import { usageLines } from '../../test/helpers/raw-usage.js';

/** Written without any of the code under test: JSON.parse, key, keep the largest, main copy first. */
function independentDaily(files: string[]): Map<string, number> {
  const best = new Map<string, { side: boolean; total: number; day: string }>();
  for (const f of files) {
    for (const { r, total } of usageLines(readFileSync(f, 'utf8'))) {
      const key = `${r.message.id}:${r.requestId}`;
      const cand = { side: r.isSidechain === true, total, day: String(r.timestamp).slice(0, 10) };
      const cur = best.get(key);
      if (!cur || (cur.side && !cand.side) || (cur.side === cand.side && total > cur.total)) best.set(key, cand);
    }
  }
  const days = new Map<string, number>();
  for (const v of best.values()) days.set(v.day, (days.get(v.day) ?? 0) + v.total);
  return days;
}

function storedDaily(db: import('./db.js').Db): Map<string, number> {
  const rows = db.prepare("SELECT date(at / 1000, 'unixepoch') day, sum(input + output + cache_create + cache_read) t FROM responses GROUP BY day").all() as { day: string; t: number }[];
  return new Map(rows.map((r) => [r.day, r.t]));
}

test('per-day totals of the fixtures equal an independent count, and a second ingest changes nothing', async () => {
  const home = await fixtureCopy();
  const h = openHistory(await tempDir('hist'));
  const files = transcriptFiles([home]);
  ingestPaths(h.db, files);
  const want = independentDaily(files);
  assert.deepEqual(storedDaily(h.db), want);
  const before = h.db.prepare('SELECT count(*) n FROM responses').get();
  ingestPaths(h.db, files);
  assert.deepEqual(h.db.prepare('SELECT count(*) n FROM responses').get(), before);
  assert.deepEqual(storedDaily(h.db), want);
  h.close();
});

test('a response streamed over several lines is stored once, with the largest usage', async () => {
  const home = await tempDir('stream');
  const file = path.join(home, 'projects', '-p', 's.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const at = Date.parse('2026-03-01T10:00:00Z');
  const lines = [5, 120, 40].map((output, i) => assistant({ id: 'msg_1', req: 'req_1', at: at + i, input: 10, cacheRead: 1000, output, text: `part ${i}` }));
  await fs.writeFile(file, lines.join('\n') + '\n');
  const h = openHistory(await tempDir('hist'));
  ingestPaths(h.db, [file]);
  const rows = h.db.prepare('SELECT * FROM responses').all() as any[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0].output, 120);
  assert.equal(rows[0].visible_chars, 'part 0'.length * 3, 'each content block counted once');
  h.close();
});

test('a resumed session that replays earlier responses into a new file adds nothing', async () => {
  const home = await fixtureCopy();
  const h = openHistory(await tempDir('hist'));
  ingestPaths(h.db, transcriptFiles([home]));
  const before = { r: h.db.prepare('SELECT count(*) n, sum(output) o FROM responses').get(), t: h.db.prepare('SELECT count(*) n, sum(em_dashes) e FROM texts').get(), u: h.db.prepare('SELECT count(*) n FROM tool_uses').get(), i: h.db.prepare('SELECT count(*) n, group_concat(session) s FROM interrupts').get() };
  assert.ok((before.i as any).n > 0, 'the fixtures hold Esc lines');
  const src = path.join(home, 'projects', '-home-dev-spotter', 'tool_heavy.jsonl');
  await fs.copyFile(src, path.join(home, 'projects', '-home-dev-spotter', 'resumed-copy.jsonl'));
  ingestPaths(h.db, transcriptFiles([home]));
  assert.deepEqual({ r: h.db.prepare('SELECT count(*) n, sum(output) o FROM responses').get(), t: h.db.prepare('SELECT count(*) n, sum(em_dashes) e FROM texts').get(), u: h.db.prepare('SELECT count(*) n FROM tool_uses').get(), i: h.db.prepare('SELECT count(*) n, group_concat(session) s FROM interrupts').get() }, before);
  h.close();
});

test('appended lines are read incrementally; a half-written last line waits for its newline', async () => {
  const home = await tempDir('append');
  const file = path.join(home, 'projects', '-p', 's.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const at = Date.parse('2026-03-01T10:00:00Z');
  await fs.writeFile(file, prompt(at, 'thanks, now the tests') + '\n' + assistant({ id: 'm1', req: 'r1', at, output: 10 }) + '\n');
  const h = openHistory(await tempDir('hist'));
  ingestPaths(h.db, [file]);
  const second = assistant({ id: 'm2', req: 'r2', at: at + 1000, output: 7 });
  await fs.appendFile(file, second.slice(0, 40));
  ingestPaths(h.db, [file]);
  assert.equal((h.db.prepare('SELECT count(*) n FROM responses').get() as any).n, 1);
  await fs.appendFile(file, second.slice(40) + '\n');
  ingestPaths(h.db, [file]);
  assert.equal((h.db.prepare('SELECT sum(output) o FROM responses').get() as any).o, 17);
  const t = h.db.prepare("SELECT * FROM texts WHERE side = 'user'").get() as any;
  assert.equal(t.thanks, 1);
  assert.equal(Object.keys(t).includes('text'), false, 'no text column: only counters are kept');
  h.close();
});

test('the history outlives the transcripts: deleting them and ingesting again loses nothing', async () => {
  const home = await fixtureCopy();
  const dir = await tempDir('hist');
  let h = openHistory(dir);
  ingestPaths(h.db, transcriptFiles([home]));
  const before = storedDaily(h.db);
  h.close();
  await fs.rm(path.join(home, 'projects'), { recursive: true });
  h = openHistory(dir);
  ingestPaths(h.db, transcriptFiles([home]));
  assert.deepEqual(storedDaily(h.db), before);
  assert.ok(before.size > 0);
  h.close();
});

test('the schema is versioned and the database runs in WAL mode', async () => {
  const h = openHistory(await tempDir('hist'));
  assert.equal(h.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.ok((h.db.pragma('user_version', { simple: true }) as number) >= 1);
  h.close();
});

test('startIngest backfills in a worker, then reads what the daemon says grew', { timeout: 20_000 }, async () => {
  const { startIngest } = await import('./follow.js');
  const home = await fixtureCopy();
  const h = openHistory(await tempDir('hist'));
  const ing = startIngest({ history: h, configDirs: [home], rescanMs: 0 });
  await ing.whenIdle();
  assert.equal(ing.status().backfilled, true);
  const n = (h.db.prepare('SELECT count(*) n FROM responses').get() as any).n;
  assert.ok(n > 1000);
  const file = path.join(home, 'projects', '-home-dev-spotter', 'short.jsonl');
  await fs.appendFile(file, assistant({ id: 'live1', req: 'rl', at: Date.now(), output: 3 }) + '\n');
  ing.touch(file); // what the daemon's watcher does on every change
  const deadline = Date.now() + 10_000;
  while ((h.db.prepare('SELECT count(*) n FROM responses').get() as any).n === n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal((h.db.prepare('SELECT count(*) n FROM responses').get() as any).n, n + 1);
  await ing.ingestFile(file); // the same file again: nothing new, nothing doubled
  assert.equal((h.db.prepare('SELECT count(*) n FROM responses').get() as any).n, n + 1);
  await ing.close();
  h.close();
});

test('a start after the first reads only the files the history is behind on, and none when it is current', { timeout: 60_000 }, async () => {
  const { startIngest } = await import('./follow.js');
  const { buildInChild } = await import('./build-spawn.js');
  const { setMeta } = await import('./db.js');
  const home = await fixtureCopy();
  const h = openHistory(await tempDir('hist'));
  const all = transcriptFiles([home]);
  const asked: string[][] = [];
  // The real child, its requests noted.
  const spawnBuild: typeof buildInChild = (request, st, log) => {
    asked.push(request.files.map((f) => f.path));
    return buildInChild(request, st, log);
  };
  const start = async () => {
    const ing = startIngest({ history: h, configDirs: [home], rescanMs: 0, spawnBuild });
    await ing.whenIdle();
    assert.equal(ing.status().backfilled, true);
    await ing.close();
    return ing.status();
  };
  const count = () => (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;

  const before = Date.now();
  await start();
  assert.equal(asked.length, 1);
  assert.deepEqual([...asked[0]].sort(), [...all].sort(), 'the first start reads every file');
  const mark = () => JSON.parse((h.db.prepare("SELECT v FROM meta WHERE k = 'complete_as_of'").pluck().get() as string | undefined) ?? 'null');
  const first = mark();
  assert.ok(first && first.at >= before && first.at <= Date.now(), 'the build recorded when the history had every transcript (current.ts)');
  assert.deepEqual(first.dirs, [path.resolve(home)]);
  const n = count();
  assert.ok(n > 1000);

  assert.equal((await start()).files_total, 0);
  assert.equal(asked.length, 1, 'current: no build child at all');
  assert.ok(mark().at > first.at, 'and recorded again by a start that found it current');

  const grown = path.join(home, 'projects', '-home-dev-spotter', 'short.jsonl');
  await fs.appendFile(grown, assistant({ id: 'offline1', req: 'ro', at: Date.now(), output: 3 }) + '\n');
  // A line still being written (no newline yet) is not a reason to read a file.
  const writing = all.find((f) => f !== grown)!;
  await fs.appendFile(writing, '{"type":"assistant","message":{"id":"half');
  assert.equal((await start()).files_total, 1);
  assert.deepEqual(asked[1], [grown], 'only the file that grew by a line while no daemon ran');
  assert.equal(count(), n + 1);

  setMeta(h.db, 'pricing', 'prices of an older claude-gauge');
  await start();
  assert.deepEqual(asked[2], [], 'other prices: the child reprices what is stored, reading nothing');
  assert.equal((await start()).files_total, 0);
  assert.equal(asked.length, 3, 'and then it is current again');
  h.close();
});

test('a usage-first build in the child: the responses first, then the details; one stopped between its passes is read from the start again', { timeout: 60_000 }, async () => {
  const { startIngest } = await import('./follow.js');
  const { buildInChild } = await import('./build-spawn.js');
  const { DETAILS_PENDING, detailsPending } = await import('./build-phases.js');
  const { setMeta } = await import('./db.js');
  const home = await fixtureCopy();
  const all = transcriptFiles([home]);
  const asked: { files: string[]; usageFirst?: boolean; fromStart?: boolean; responsesIn: boolean }[] = [];
  const seen: { responses_in: boolean; backfilled: boolean }[] = [];
  let first = true;
  // The real child; the first request asks for two passes (the fixtures are far below USAGE_FIRST_BYTES).
  const spawnBuild: typeof buildInChild = (request, st, log) => {
    const r = first ? { ...request, usageFirst: true } : request;
    first = false;
    asked.push({ files: r.files.map((f) => f.path), usageFirst: r.usageFirst, fromStart: r.fromStart, responsesIn: st.responses_in });
    const child = buildInChild(r, st, log);
    const watch = setInterval(() => seen.push({ responses_in: st.responses_in, backfilled: st.backfilled }), 5);
    void child.done.finally(() => clearInterval(watch));
    return child;
  };
  const start = async (h: ReturnType<typeof openHistory>) => {
    const ing = startIngest({ history: h, configDirs: [home], rescanMs: 0, spawnBuild });
    await ing.whenIdle();
    await ing.close();
    return ing.status();
  };
  const twoPass = openHistory(await tempDir('hist'));
  const onePass = openHistory(await tempDir('hist'));
  try {
    const st = await start(twoPass);
    assert.deepEqual([st.backfilled, st.responses_in], [true, true]);
    assert.equal(asked[0].usageFirst, true);
    assert.ok(seen.some((s) => s.responses_in && !s.backfilled), 'the status said the responses were in before the details');
    assert.equal(detailsPending(twoPass.db), false);
    await start(onePass);
    const rows = (h: typeof twoPass) => h.db.prepare('SELECT key, cost, visible_chars, thinking, stop_reason FROM responses ORDER BY key').all();
    const tools = (h: typeof twoPass) => h.db.prepare('SELECT * FROM tool_uses ORDER BY id').all();
    assert.ok(rows(twoPass).length > 1000);
    assert.deepEqual(rows(twoPass), rows(onePass));
    assert.deepEqual(tools(twoPass), tools(onePass));

    // Stopped between the passes: the next start reads every file from its start, whatever is current.
    setMeta(twoPass.db, DETAILS_PENDING, '1');
    // As the first pass leaves it: the responses without their visible characters, no details.
    twoPass.db.exec('UPDATE responses SET visible_chars = 0, thinking = output WHERE thinking_reported = 0; DELETE FROM tool_uses; DELETE FROM blocks; DELETE FROM texts; DELETE FROM tool_results; DELETE FROM interrupts');
    const again = await start(twoPass);
    assert.equal(again.files_total, all.length);
    assert.deepEqual({ ...asked.at(-1), files: [...asked.at(-1)!.files].sort() }, { files: [...all].sort(), usageFirst: false, fromStart: true, responsesIn: true }, 'every file from its start, the responses said to be in meanwhile');
    assert.equal(detailsPending(twoPass.db), false);
    assert.deepEqual(rows(twoPass), rows(onePass));
    assert.deepEqual(tools(twoPass), tools(onePass));
    assert.equal((await start(twoPass)).files_total, 0, 'and current after it');
  } finally {
    twoPass.close();
    onePass.close();
  }
});
