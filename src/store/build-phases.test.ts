// A usage-first build (the responses, then every line again for the details) makes exactly the
// history one full pass makes, on a generated history with junk lines and resumed sessions; after
// its first pass the reports' rows are complete already; one stopped between the passes says so,
// and a start reads every file from its start again and ends at the same history.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generateCorpus } from '../generate/corpus.js';
import { discover } from '../sources/transcripts/discover.js';
import { buildHistory, type BuildFile } from './build.js';
import { buildInPhases, detailsPending } from './build-phases.js';
import { openHistory, type Db } from './db.js';
import { keepBlocks } from './history-blocks.js';
import { Pricer } from './pricing.js';
import { keepReportSlots } from './report-slots.js';
import { exportJson } from './transfer.js';
import { tempDir } from '../../test/helpers/cli.js';

const pricer = new Pricer();

function listed(dir: string): BuildFile[] {
  return discover([dir]).files.sort((a, b) => a.mtimeMs - b.mtimeMs).map((f) => ({ path: f.path, size: f.size }));
}

/** Everything the history holds but the files' write times. */
function contents(db: Db): unknown {
  const { exported_at: _, ...doc } = exportJson(db);
  const raw = db.prepare('SELECT key, cost, cache_saved, thinking, visible_chars, stop_reason FROM responses ORDER BY key').all();
  const kept = ['block_summaries', 'report_slots'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all());
  return { ...doc, raw, kept, files: db.prepare('SELECT id, path, offset, head, head_len, seen_size, seen_mtime_ms FROM files ORDER BY id').all() };
}

/** What the reports read: every response's counted copy and its cost. */
const reportRows = (db: Db) => db.prepare('SELECT key, at, model, input, output, cache_create, cache_5m, cache_1h, cache_read, cost, project, session, agent, sidechain, synthetic, speed FROM responses ORDER BY key').all();

test('a usage-first build equals one full pass; stopped between its passes, a start from the files ends at the same history', async () => {
  const dir = await tempDir('cg-phases-');
  const summary = await generateCorpus({ outDir: dir, targetBytes: 2 * 1024 * 1024, seed: 23, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-08T00:00:00Z'), junkRate: 0.05 });
  assert.ok(summary.junkLines > 0 && summary.replayedLines > 0, 'the history has junk lines and resumed sessions');
  const files = listed(dir);
  const [one, two, stopped] = ['one', 'two', 'stopped'].map((n) => openHistory(path.join(dir, `${n}.sqlite`)));
  try {
    const a = await buildHistory(one.db, files, pricer, { threads: 0 });
    keepBlocks(one.db);
    keepReportSlots(one.db);
    const want = contents(one.db);

    let usable: unknown = null;
    const b = await buildInPhases(two.db, files, pricer, { usageFirst: true, onUsable: () => void (usable = { rows: reportRows(two.db), pending: detailsPending(two.db), thinking: two.db.prepare('SELECT sum(visible_chars) FROM responses').pluck().get() }) });
    assert.deepEqual(usable, { rows: reportRows(one.db), pending: true, thinking: 0 }, 'after the first pass: every response as the reports read it, the details still to come');
    assert.deepEqual([b.lines, b.skipped], [a.lines, a.skipped], 'the second pass read every line');
    assert.equal(detailsPending(two.db), false);
    assert.deepEqual(contents(two.db), want);
    assert.ok((one.db.prepare('SELECT sum(visible_chars) FROM responses').pluck().get() as number) > 0, 'the details hold visible characters');

    // A kill after the first pass (the child's message is the last thing before the second).
    await assert.rejects(
      buildInPhases(stopped.db, files, pricer, {
        usageFirst: true,
        onUsable: () => {
          throw new Error('killed');
        },
      }),
      /killed/,
    );
    assert.equal(detailsPending(stopped.db), true, 'the history says its details are not in');
    const c = await buildInPhases(stopped.db, files, pricer, { fromStart: true });
    assert.deepEqual([c.lines, c.skipped], [a.lines, a.skipped]);
    assert.equal(detailsPending(stopped.db), false);
    assert.deepEqual(contents(stopped.db), want);
  } finally {
    for (const h of [one, two, stopped]) h.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
