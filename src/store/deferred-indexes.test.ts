// A first build's indexes are made again whatever stops it: at its end, or at the next open.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openHistory, type Db } from './db.js';
import { deferIndexes, restoreIndexes } from './deferred-indexes.js';
import { tempDir } from '../../test/helpers/cli.js';

const indexes = (db: Db) => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as { name: string; sql: string }[];
const waiting = (db: Db) => db.prepare("SELECT v FROM meta WHERE k = 'deferred_indexes'").pluck().get() as string | undefined;

test('indexes a build deferred come back at the next open after a kill, and twice deferred lose none', async () => {
  const dir = await tempDir('cg-defer-');
  const file = path.join(dir, 'history.sqlite');
  try {
    let h = openHistory(file);
    const all = indexes(h.db);
    assert.equal(deferIndexes(h.db), 6);
    const left = indexes(h.db).map((i) => i.name);
    assert.ok(!left.includes('responses_at') && left.includes('blocks_response') && left.includes('files_path'), 'what the build reads by stays');
    // Killed before its end, then killed again in the next build: the list holds both.
    assert.equal(deferIndexes(h.db), 0, 'nothing more to drop');
    h.db.close(); // no restore: as a kill leaves it
    h = openHistory(file);
    assert.deepEqual(indexes(h.db), all, 'the open made them again');
    assert.equal(waiting(h.db), undefined);
    assert.equal(restoreIndexes(h.db), 0, 'nothing waits after');
    h.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a waiting list that is garbage or names other statements runs none of them, and the open answers', async () => {
  const dir = await tempDir('cg-defer-bad-');
  const file = path.join(dir, 'history.sqlite');
  try {
    const cases = [
      ['not json', 'cleared'],
      ['{"a":1}', 'cleared'],
      [JSON.stringify(['DROP TABLE responses', 42]), 'cleared'],
      [JSON.stringify(['CREATE INDEX x ON nowhere(at)']), 'kept'],
    ] as const;
    for (const [v, after] of cases) {
      let h = openHistory(file);
      const all = indexes(h.db);
      h.db.prepare("INSERT OR REPLACE INTO meta (k, v) VALUES ('deferred_indexes', ?)").run(v);
      h.db.close();
      // An index on a table that is not there fails: the open still answers.
      h = openHistory(file);
      assert.ok(h.db.prepare('SELECT count(*) FROM responses').pluck().get() === 0, 'the responses are still there');
      assert.deepEqual(indexes(h.db), all);
      assert.equal(waiting(h.db) === undefined ? 'cleared' : 'kept', after, `${v}: cleared when nothing in it can run, kept for a later open when its index failed`);
      h.db.prepare("DELETE FROM meta WHERE k = 'deferred_indexes'").run();
      h.close();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
