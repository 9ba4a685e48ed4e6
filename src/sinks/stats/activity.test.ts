// The blocks panel: each 5-hour block's responses and cost are those of the rows in its hours,
// checked here against SQLite's own sums, block by block, on real transcripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHistory } from '../../store/db.js';
import { ingestPaths, transcriptFiles } from '../../store/ingest.js';
import { fixtureCopy, tempDir } from '../../../test/helpers/cli.js';
import { keepBlocks } from '../../store/history-blocks.js';
import { blocks, blocksFromRows } from './activity.js';
import { parseFilter } from './filter.js';

test("blocks: every block's responses and cost are the rows between its start and end", async () => {
  const h = openHistory(await tempDir('stats-blocks'));
  try {
    ingestPaths(h.db, transcriptFiles([await fixtureCopy()]));
    const now = Date.parse('2026-12-01T00:00:00Z');
    const project = h.db.prepare('SELECT project FROM responses GROUP BY project ORDER BY count(*) DESC').pluck().get() as string;
    for (const f of [parseFilter(() => undefined, now), parseFilter((k) => (k === 'project' ? project : undefined), now)]) {
      const { rows } = blocks(h.db, f, 1_000_000, now);
      assert.ok(rows.length >= 3, `${rows.length} blocks`);
      const inRange = h.db.prepare(`SELECT count(*) n, count(cost) priced, sum(cost) cost FROM responses WHERE at >= ? AND at < ?${f.project ? ' AND project = ?' : ''}`);
      let responses = 0;
      for (const b of rows) {
        const want = inRange.get(...[Date.parse(b.start), Date.parse(b.end), ...(f.project ? [f.project] : [])]) as { n: number; priced: number; cost: number | null };
        assert.equal(b.responses, want.n, b.start);
        if (want.priced === 0) assert.equal(b.cost, null, b.start);
        else assert.ok(Math.abs(b.cost! - want.cost!) < 1e-6, `${b.start}: ${b.cost} against ${want.cost}`);
        responses += b.responses;
      }
      const all = h.db.prepare(`SELECT count(*) FROM responses${f.project ? ' WHERE project = ?' : ''}`).pluck().get(...(f.project ? [f.project] : [])) as number;
      assert.equal(responses, all, 'every row is in a block');
    }
  } finally {
    h.close();
  }
});

test('blocks over all time come from the kept blocks, and equal the fold over the rows', async () => {
  const h = openHistory(await tempDir('stats-kept-blocks'));
  try {
    ingestPaths(h.db, transcriptFiles([await fixtureCopy()]));
    keepBlocks(h.db);
    const kept = h.db.prepare('SELECT count(*) FROM block_summaries').pluck().get() as number;
    assert.ok(kept >= 3, `${kept} blocks kept`);
    const now = Date.parse('2026-12-01T00:00:00Z');
    const all = parseFilter(() => undefined, now);
    const fromKept = blocks(h.db, all, 1_000_000, now);
    assert.deepEqual(fromKept, blocksFromRows(h.db, all, 1_000_000, now));
    assert.ok(fromKept.rows.some((b) => b.cost !== null && b.models.length > 1), 'a priced block of several models');
    // They are read: a kept block changed by hand shows, over all time only.
    h.db.prepare('UPDATE block_summaries SET entries = entries + 1000 WHERE start = (SELECT min(start) FROM block_summaries)').run();
    assert.equal(blocks(h.db, all, 1_000_000, now).rows[0].responses, fromKept.rows[0].responses + 1000);
    const lastYear = parseFilter((k) => (k === 'from' ? '2025-01-01' : undefined), now);
    assert.equal(blocks(h.db, lastYear, 1_000_000, now).rows[0].responses, fromKept.rows[0].responses);
  } finally {
    h.close();
  }
});
