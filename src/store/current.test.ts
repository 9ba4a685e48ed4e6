// Whether the history is current: every listed transcript read to its end, by identity and path,
// looked up either way (a few files, or the whole table); and the mark of completeness that lets a
// report's check leave out session folders that were final when the history had read them all.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openHistory, setMeta } from './db.js';
import { filesBehind, markComplete, staleFiles, staleFilesInSteps } from './current.js';
import { ingestPaths, transcriptFiles } from './ingest.js';
import { discover } from '../sources/transcripts/discover.js';
import { fixtureCopy, tempDir } from '../../test/helpers/cli.js';
import { assistant } from '../../test/helpers/lines.js';

const SESSION = path.join('projects', '-home-dev-spotter', '258c7280-ae70-4798-800f-63464d01a85d');

async function readHistory() {
  const home = await fixtureCopy();
  const h = openHistory(await tempDir('current'));
  ingestPaths(h.db, transcriptFiles([home]));
  return { home, h };
}

const line = (id: string) => assistant({ id, req: `r-${id}`, at: Date.parse('2026-02-12T10:00:00Z'), output: 3 }) + '\n';

test('a grown, renamed or new transcript is stale, looked up one by one or from the whole table alike', async () => {
  const { home, h } = await readHistory();
  const all = discover([home]).files;
  assert.ok(all.length > 6);
  assert.deepEqual(staleFiles(h.db, all), [], 'just read: none');
  assert.deepEqual(await staleFilesInSteps(h.db, all, 3), [], 'just read: none, in steps too');
  const grown = all.find((f) => f.path.endsWith('short.jsonl'))!;
  await fs.appendFile(grown.path, line('grown'));
  const half = all.find((f) => f.path.endsWith('tool_heavy.jsonl'))!;
  await fs.appendFile(half.path, '{"type":"assistant","message":{"id":"half');
  const moved = all.find((f) => f.path.endsWith('subagent.jsonl'))!;
  await fs.rename(moved.path, moved.path.replace('subagent.jsonl', 'moved.jsonl'));
  const now = discover([home]).files;
  const expected = now.filter((f) => f.path.endsWith('short.jsonl') || f.path.endsWith('moved.jsonl')).map((f) => f.path).sort();
  // Every file: more than half the table, so one read of every row.
  assert.deepEqual(staleFiles(h.db, now).map((f) => f.path).sort(), expected);
  // The daemon's start reads the rows a few at a time, other work running between.
  let turns = 0;
  let reading = true;
  const other = () => {
    turns++;
    if (reading) setImmediate(other);
  };
  setImmediate(other);
  const inSteps = await staleFilesInSteps(h.db, now, 3);
  reading = false;
  assert.deepEqual(inSteps.map((f) => f.path).sort(), expected);
  assert.ok(turns >= Math.floor(all.length / 3), `other work ran between the steps (${turns} turns, ${all.length} rows)`);
  // Two files at a time: a look-up of those alone.
  const few = now.filter((f) => expected.includes(f.path) || f.path === half.path);
  assert.ok(few.length * 2 < all.length, 'few enough for the look-up');
  assert.deepEqual(staleFiles(h.db, few).map((f) => f.path).sort(), expected, 'a half-written line is not a reason');
  h.close();
});

test('a mark of completeness skips the folders of sessions last written before it, and only those', async () => {
  const { home, h } = await readHistory();
  const dir = path.join(home, SESSION);
  const sub = path.join(dir, 'subagents', 'agent-a881341.jsonl');
  // The session and its subagents last written three hours ago, the history read after.
  const old = new Date(Date.now() - 3 * 3600_000);
  await fs.utimes(`${dir}.jsonl`, old, old);
  await fs.utimes(sub, old, old);
  // A time set after the read is a change at the same size: read once more to take the old times.
  assert.deepEqual(filesBehind(h.db, [home])!.map((f) => f.path).sort(), [`${dir}.jsonl`, sub].sort());
  ingestPaths(h.db, transcriptFiles([home]));
  assert.equal(markComplete(h.db, [home], Date.now(), discover([home]).files), true);
  assert.deepEqual(filesBehind(h.db, [home]), []);

  // A subagent's file grown while its session's transcript was not written (Claude Code does not):
  // the mark says the folder was final, so the check does not list it...
  await fs.appendFile(sub, line('late-subagent'));
  await fs.utimes(sub, old, old);
  assert.deepEqual(filesBehind(h.db, [home]), [], 'the folder is trusted');
  // ...unless the session was written since (within the hour's grace), or the mark is not for this listing.
  await fs.utimes(`${dir}.jsonl`, new Date(), new Date());
  assert.deepEqual(filesBehind(h.db, [home])!.map((f) => f.path).sort(), [`${dir}.jsonl`, sub].sort(), 'a session written lately: its folder listed (and it, touched)');
  await fs.utimes(`${dir}.jsonl`, old, old);
  assert.deepEqual(filesBehind(h.db, [home]), []);
  const mark = h.db.prepare("SELECT v FROM meta WHERE k = 'complete_as_of'").pluck().get() as string;
  for (const other of [
    { ...JSON.parse(mark), dirs: [home, '/elsewhere'] },
    { ...JSON.parse(mark), schema: 1 },
    'not json',
  ]) {
    setMeta(h.db, 'complete_as_of', typeof other === 'string' ? other : JSON.stringify(other));
    assert.deepEqual(filesBehind(h.db, [home])!.map((f) => f.path), [sub], `every file listed under ${JSON.stringify(other)}`);
  }
  setMeta(h.db, 'complete_as_of', mark);
  assert.deepEqual(filesBehind(h.db, [home]), [], 'back to the good mark');
  h.close();
});

test('no mark for a listing the history had not read through', async () => {
  const { home, h } = await readHistory();
  const listing = discover([home]).files;
  await fs.appendFile(listing[0].path, line('unread'));
  const after = discover([home]).files;
  assert.equal(markComplete(h.db, [home], Date.now(), after), false, 'a file grown by a line since the read');
  assert.equal(h.db.prepare("SELECT count(*) FROM meta WHERE k = 'complete_as_of'").pluck().get(), 0);
  // The listing the history did read: recorded, with the folders it listed.
  assert.equal(markComplete(h.db, [home], 1234, listing), true);
  const mark = JSON.parse(h.db.prepare("SELECT v FROM meta WHERE k = 'complete_as_of'").pluck().get() as string);
  assert.deepEqual({ at: mark.at, dirs: mark.dirs }, { at: 1234, dirs: [path.resolve(home)] });
  h.close();
});

test('a transcript written again at the same size is stale, and read again from its start', async () => {
  const { home, h } = await readHistory();
  const file = path.join(home, `${SESSION}.jsonl`);
  const outputs = () => h.db.prepare('SELECT sum(output) FROM responses').pluck().get() as number;
  const before = outputs();
  const text = await fs.readFile(file, 'utf8');
  // One response's output tokens changed past the head checksum's bytes, digit for digit: the
  // same size, other bytes (a restore from a copy, or the file deleted and its inode reused).
  const m = [...text.matchAll(/"output_tokens":(\d+)/g)].at(-1)!;
  const at = m.index! + m[0].length - m[1].length;
  assert.ok(at > 1024, 'past the head');
  const other = String((Number(m[1]) + 1) % 10 ** m[1].length).padStart(m[1].length, '0').replace(/^0(?=\d)/, '1');
  await fs.writeFile(file, text.slice(0, at) + other + text.slice(at + m[1].length));
  const later = new Date(Date.now() + 5_000);
  await fs.utimes(file, later, later);
  assert.equal((await fs.stat(file)).size, Buffer.byteLength(text), 'the same size');
  assert.deepEqual(filesBehind(h.db, [home])!.map((f) => f.path), [file], 'stale by its time');
  assert.deepEqual(staleFiles(h.db, discover([home]).files.filter((f) => f.path === file)).length, 1, 'looked up alone too');
  ingestPaths(h.db, transcriptFiles([home]));
  assert.deepEqual(filesBehind(h.db, [home]), [], 'read again: current');
  assert.notEqual(outputs(), before, 'the new bytes were read');
  // A fresh history read from the files as they are now holds the same.
  const fresh = openHistory(await tempDir('current-fresh'));
  ingestPaths(fresh.db, transcriptFiles([home]));
  assert.equal(outputs(), fresh.db.prepare('SELECT sum(output) FROM responses').pluck().get());
  // Touched without a change: read again once, then current, nothing counted twice.
  const now = new Date(Date.now() + 9_000);
  await fs.utimes(file, now, now);
  assert.equal(filesBehind(h.db, [home])!.length, 1);
  ingestPaths(h.db, transcriptFiles([home]));
  assert.deepEqual(filesBehind(h.db, [home]), []);
  assert.equal(outputs(), fresh.db.prepare('SELECT sum(output) FROM responses').pluck().get());
  fresh.close();
  h.close();
});
