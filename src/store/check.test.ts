// The history's check at the daemon's start, off its thread (check-worker.ts), and the open after
// it that does not read every page again (db.ts `checked`).
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { discover } from '../sources/transcripts/discover.js';
import { checkHistory } from './check.js';
import { HISTORY_FILE, openHistory } from './db.js';
import { ingestPaths } from './ingest.js';
import { MIGRATIONS } from './migrations.js';
import { FIXTURES, tempDir } from '../../test/helpers/cli.js';

/** A history of the fixtures' transcripts in a new folder; its file and its row count. */
async function builtHistory(): Promise<{ dir: string; file: string; rows: number }> {
  const dir = await tempDir('check');
  const h = openHistory(dir);
  ingestPaths(h.db, discover([FIXTURES]).files.map((f) => f.path));
  const rows = (h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;
  h.db.pragma('wal_checkpoint(TRUNCATE)');
  h.close();
  assert.ok(rows > 0);
  return { dir, file: path.join(dir, HISTORY_FILE), rows };
}

/** Garbage over a page in the middle of the file: SQLite's header still reads, quick_check does not pass. */
function damageMiddle(file: string): void {
  const at = Math.floor(statSync(file).size / 2 / 4096) * 4096;
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from('garbage!'.repeat(512)), 0, 4096, at);
  closeSync(fd);
}

test('a sound history: the worker says so and leaves it where it is', async () => {
  const { dir, file, rows } = await builtHistory();
  assert.equal(await checkHistory(file), null, 'small: checked as it opens');
  assert.deepEqual(await checkHistory(file, { hereBelow: 0 }), { ok: true, movedAside: null });
  const h = openHistory(dir, { checked: true });
  assert.equal((h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n, rows);
  h.close();
});

test('a damaged history: the worker moves it aside and leaves a fresh, migrated one', async () => {
  const { dir, file } = await builtHistory();
  damageMiddle(file);
  const r = await checkHistory(file, { hereBelow: 0 });
  assert.ok(r?.ok && r.movedAside, JSON.stringify(r));
  assert.match(r.movedAside.why, /quick_check|SQLITE_CORRUPT/);
  assert.equal(path.dirname(r.movedAside.to), dir);
  assert.ok(readdirSync(dir).some((f) => f.startsWith(`${HISTORY_FILE}.corrupt-`)), 'kept aside');
  const h = openHistory(dir, { checked: true });
  assert.equal(h.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.equal((h.db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n, 0, 'rebuilt from the transcripts later');
  h.close();
});

test('a history that cannot be opened at all: the worker says why, and nothing is moved', async () => {
  const dir = await tempDir('check');
  const notADir = path.join(dir, 'state');
  writeFileSync(notADir, 'a file\n');
  const r = await checkHistory(path.join(notADir, HISTORY_FILE), { hereBelow: 0 });
  assert.ok(r && !r.ok, JSON.stringify(r));
  assert.match(r.error, /EEXIST|ENOTDIR/);
  assert.deepEqual(readdirSync(dir), ['state']);
});

test('opened as checked, the pages are not read again: the same damage stays unseen until a query meets it', async () => {
  const { dir, file } = await builtHistory();
  damageMiddle(file);
  const moved: string[] = [];
  openHistory(dir, { checked: true, onMovedAside: (to) => moved.push(to) }).close();
  assert.equal(moved.length, 0, 'no quick_check: nothing found, nothing moved');
  openHistory(dir, { onMovedAside: (to) => moved.push(to) }).close();
  assert.equal(moved.length, 1, 'the check at start finds it');
});
