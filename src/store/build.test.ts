// The first build (parallel readers, one writer) makes exactly the history the file-by-file
// ingest makes: same rows, same costs, same offsets, on a generated history with junk lines and
// resumed sessions (replayed responses and prompts in other files), from empty and when going on
// from a history that already holds part of the files.
import assert from 'node:assert/strict';
import { appendFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { generateCorpus } from '../generate/corpus.js';
import { discover } from '../sources/transcripts/discover.js';
import { buildHistory, type BuildFile } from './build.js';
import { openHistory, type Db } from './db.js';
import { ingestPaths } from './ingest.js';
import { Pricer } from './pricing.js';
import { exportJson } from './transfer.js';
import { tempDir } from '../../test/helpers/cli.js';

function listed(dir: string): BuildFile[] {
  return discover([dir]).files.sort((a, b) => a.mtimeMs - b.mtimeMs).map((f) => ({ path: f.path, size: f.size }));
}

/** Everything the history holds but the files' write times. */
function contents(db: Db): unknown {
  const { exported_at: _, ...doc } = exportJson(db);
  // Exports round dollars to 1e-10; the raw figures are compared too.
  const raw = db.prepare('SELECT key, cost, cache_saved, thinking, visible_chars FROM responses ORDER BY key').all();
  return { ...doc, raw, files: db.prepare('SELECT id, path, offset, head, head_len FROM files ORDER BY id').all() };
}

const pricer = new Pricer();

test('a history built by the parallel readers equals one ingested file by file, from empty and going on', async () => {
  const dir = await tempDir('cg-build-');
  const summary = await generateCorpus({ outDir: dir, targetBytes: 3 * 1024 * 1024, seed: 11, start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-09T00:00:00Z'), junkRate: 0.05 });
  assert.ok(summary.junkLines > 0 && summary.replayedLines > 0, 'the history has junk lines and resumed sessions');
  const files = listed(dir);
  const old = openHistory(path.join(dir, 'old.sqlite'));
  const parallel = openHistory(path.join(dir, 'parallel.sqlite'));
  const inline = openHistory(path.join(dir, 'inline.sqlite'));
  try {
    const a = ingestPaths(old.db, files.map((f) => f.path), pricer);
    // Small batches over two threads: many batches arrive out of order and are applied in order.
    const b = await buildHistory(parallel.db, files, pricer, { threads: 2, minParallelBytes: 0, batchBytes: 64 * 1024 });
    const c = await buildHistory(inline.db, files, pricer, { threads: 1 });
    assert.ok(a.lines > 1000 && a.skipped > 0);
    assert.deepEqual([b.lines, b.skipped], [a.lines, a.skipped], 'lines read and skipped');
    assert.deepEqual([c.lines, c.skipped], [a.lines, a.skipped]);
    const want = contents(old.db);
    assert.ok((want as { responses: unknown[] }).responses.length > 100);
    assert.deepEqual(contents(parallel.db), want);
    assert.deepEqual(contents(inline.db), want);

    // Going on: files grow (one by an unfinished line, left for its newline), a new one appears.
    const grown = files.slice(-3).map((f) => f.path);
    appendFileSync(grown[0], (await fs.readFile(files[0].path, 'utf8')).split('\n').slice(0, 20).join('\n') + '\n');
    appendFileSync(grown[1], '{"type":"user","message":{"role":"user","content":"half a li');
    await fs.copyFile(grown[2], path.join(path.dirname(grown[2]), 'copied-session.jsonl'));
    const again = listed(dir);
    const a2 = ingestPaths(old.db, again.map((f) => f.path), pricer);
    const b2 = await buildHistory(parallel.db, again, pricer, { threads: 2, minParallelBytes: 0, batchBytes: 64 * 1024 });
    assert.ok(a2.lines > 0 && a2.lines < a.lines, 'only what is new is read');
    assert.deepEqual([b2.lines, b2.skipped], [a2.lines, a2.skipped]);
    assert.deepEqual(contents(parallel.db), contents(old.db));
  } finally {
    old.close();
    parallel.close();
    inline.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
});
