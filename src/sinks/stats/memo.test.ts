// An answer is remembered while the history stands still, and never once it moved: by this
// connection's own writes or by another connection's commit (the daemon's ingest beside a query thread).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rmSync } from 'node:fs';
import { openHistory } from '../../store/db.js';
import { tempDir } from '../../../test/helpers/cli.js';
import { parseFilter } from './filter.js';
import { rangeKey, remembered } from './memo.js';

test('remembered: the same answer until this connection or another one changes the history', async () => {
  const dir = await tempDir('stats-memo');
  const writer = openHistory(dir);
  const reader = openHistory(writer.file, { readonly: true });
  try {
    let computed = 0;
    const count = (db: typeof writer.db) => () => (computed++, db.prepare('SELECT count(*) FROM projects').pluck().get() as number);
    const add = (folder: string) => writer.db.prepare('INSERT INTO projects (folder, cwd) VALUES (?, ?)').run(folder, `/w/${folder}`);

    assert.equal(remembered(reader.db, 'n', count(reader.db)), 0);
    assert.equal(remembered(reader.db, 'n', count(reader.db)), 0);
    assert.equal(computed, 1, 'asked twice, computed once');
    assert.equal(remembered(reader.db, 'other', count(reader.db)), 0);
    assert.equal(computed, 2, 'another question is its own');

    add('a'); // another connection commits: the reader's data_version moves
    assert.equal(remembered(reader.db, 'n', count(reader.db)), 1);
    assert.equal(computed, 3);

    // The writer's own changes do not move its data_version: its change count does.
    assert.equal(remembered(writer.db, 'n', count(writer.db)), 1);
    add('b');
    assert.equal(remembered(writer.db, 'n', count(writer.db)), 2);
    writer.db.transaction(() => add('c'))();
    assert.equal(remembered(writer.db, 'n', count(writer.db)), 3);
    assert.equal(remembered(writer.db, 'n', count(writer.db)), 3);
    assert.equal(computed, 6);
  } finally {
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rangeKey: a range ending past the newest row is one question whenever it is asked', async () => {
  const dir = await tempDir('stats-memo-range');
  const h = openHistory(dir);
  try {
    const put = h.db.prepare("INSERT INTO texts (hash, side, at, project, session, chars, em_dashes, emoji, correction, thanks, phrases) VALUES (?, 'user', ?, 'p', 's', 1, 0, 0, 0, 0, '')");
    put.run('a', 1_000);
    put.run('b', 5_000);
    const at = (now: number, to?: string) => rangeKey(h.db, parseFilter((k) => (k === 'to' ? to : undefined), now));
    assert.equal(at(10_000), at(20_000), 'the default end, a day after two different instants');
    assert.notEqual(at(10_000), at(10_000, '4000'), 'an end before the newest row is its own question');
    assert.notEqual(at(10_000, '4000'), at(10_000, '3000'));
    const before = at(10_000);
    put.run('c', 7_000); // a newer row: the same request now covers it, and is another question
    assert.notEqual(at(10_000), before);
  } finally {
    h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
