// The first build's writer holds a reply's texts with its row until the flush (deferred mode). Its
// texts must end where the writer that writes at once leaves them, with the winning copy's time,
// project and session, whether that copy comes before the flush or after the texts were written.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assistant } from '../../test/helpers/lines.js';
import { tempDir } from '../../test/helpers/cli.js';
import { openHistory, type Db } from './db.js';
import { extractLine } from './extract.js';
import { Pricer } from './pricing.js';
import { Writer } from './writer.js';

const at = Date.parse('2026-03-02T10:00:00Z');
// A streamed reply: its second line has more output and a later time, and wins. A resumed session
// then replays that copy under a smaller session id, which wins the tie.
const LINES = [
  assistant({ id: 'm1', req: 'r1', at, output: 5, text: 'the first part', session: 's-b' }),
  assistant({ id: 'm1', req: 'r1', at: at + 900, output: 40, text: 'the second part', session: 's-b' }),
  assistant({ id: 'm1', req: 'r1', at: at + 900, output: 40, text: 'the second part', session: 's-a' }),
];

function texts(db: Db): unknown[] {
  return db.prepare('SELECT hash, side, at, project, session, chars FROM texts ORDER BY hash').all();
}

/** Applies the lines with a flush after those whose index is in `flushAfter` (and at the end). */
function write(db: Db, deferred: boolean, flushAfter: number[] = []): void {
  const w = new Writer(db, new Pricer(), { deferred });
  LINES.forEach((line, i) => {
    const facts = extractLine(line, 'proj');
    assert.ok(facts && facts.responses.length === 1);
    w.apply(facts);
    if (flushAfter.includes(i)) w.flush();
  });
  w.flush();
}

test('a reply held for the flush leaves its texts where writing them at once does', async () => {
  const dir = await tempDir('cg-writer-');
  try {
    const now = openHistory(path.join(dir, 'now.sqlite'));
    write(now.db, false);
    const want = texts(now.db);
    now.close();
    assert.equal(want.length, 2, 'two texts: the first and the second part');
    for (const t of want as { at: number; session: string }[]) assert.deepEqual([t.at, t.session], [at + 900, 's-a'], 'both follow the winning copy');
    // One flush for all; a flush after every line (each winner finds the texts written); one in between.
    for (const flushAfter of [[], [0, 1], [0], [1]]) {
      const held = openHistory(path.join(dir, `held-${flushAfter.join('-')}.sqlite`));
      write(held.db, true, flushAfter);
      assert.deepEqual(texts(held.db), want, `flushed after lines ${flushAfter.join(', ') || 'none'}`);
      held.close();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('a writer that reads every stored row at once (preload) leaves the history one that looks each up does', async () => {
  const dir = await tempDir('cg-writer-');
  try {
    const more = assistant({ id: 'm2', req: 'r2', at: at + 5000, output: 7, text: 'another reply', session: 's-b' });
    const tables = (db: Db) => [db.prepare('SELECT * FROM responses ORDER BY key').all(), texts(db)];
    const result: unknown[][] = [];
    for (const preload of [false, true]) {
      const h = openHistory(path.join(dir, `${preload}.sqlite`));
      const first = new Writer(h.db, new Pricer(), { deferred: true });
      for (const line of LINES.slice(0, 2)) first.apply(extractLine(line, 'proj')!);
      first.flush();
      // Every line again from the start, and a reply not stored yet, as the details' pass reads them.
      const again = new Writer(h.db, new Pricer(), { deferred: true, preload });
      for (const line of [...LINES, more]) again.apply(extractLine(line, 'proj')!);
      again.flush();
      result.push(tables(h.db));
      h.close();
    }
    const [lookedUp, preloaded] = result;
    assert.deepEqual(preloaded, lookedUp);
    const rows = lookedUp[0] as { key: string; session: string; visible_chars: number }[];
    assert.deepEqual(rows.map((r) => [r.session, r.visible_chars]), [['s-a', 'the first part'.length + 'the second part'.length], ['s-b', 'another reply'.length]]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
