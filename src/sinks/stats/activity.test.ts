// The blocks panel: each 5-hour block's responses and cost are those of the rows in its hours,
// checked here against SQLite's own sums, block by block, on real transcripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHistory } from '../../store/db.js';
import { ingestPaths, transcriptFiles } from '../../store/ingest.js';
import { fixtureCopy, tempDir } from '../../../test/helpers/cli.js';
import { blocks } from './activity.js';
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
