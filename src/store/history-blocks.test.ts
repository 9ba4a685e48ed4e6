// The blocks kept in the history (block_summaries) plus the fold over the rows after them equal the
// fold over every row, byte for byte: after a build, after new lines (the last block grows), after
// a late older response (the kept blocks from it on are dropped), after a resumed session's copies
// of old responses (counted once, nothing dropped), across gaps.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { computeBlocks } from '../engine/blocks.js';
import { generateCorpus } from '../generate/index.js';
import { openHistory, type Db } from './db.js';
import { ingestPaths, transcriptFiles } from './ingest.js';
import { historyBlockEntries, historyBlocks, storedCost, summarizeBlocks } from './history-blocks.js';
import { tempDir } from '../../test/helpers/cli.js';

const NOW = Date.parse('2026-05-09T00:00:00Z');

/** The fold over every row, as before block_summaries: what the kept blocks must reproduce. */
function everyRow(db: Db, now = NOW): string {
  return JSON.stringify(computeBlocks(historyBlockEntries(db, { storedCosts: true }), now, storedCost));
}

const kept = (db: Db) => (db.prepare('SELECT count(*) n FROM block_summaries').get() as { n: number }).n;
const total = (db: Db) => (db.prepare('SELECT count(*) n FROM responses').get() as { n: number }).n;

function usageLines(text: string): any[] {
  return text.split('\n').filter((l) => l.includes('"usage"')).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

test('kept blocks and the rows after them equal the fold over every row, as the history changes', async () => {
  const home = await tempDir('history-blocks-gen');
  await generateCorpus({ outDir: home, seed: 7, targetBytes: 3 * 1024 * 1024, start: new Date('2026-05-01T00:00:00Z'), end: new Date('2026-05-08T00:00:00Z') });
  const h = openHistory(await tempDir('history-blocks-state'));
  const db = h.db;
  const files = transcriptFiles([home]);
  ingestPaths(db, files);
  assert.equal(kept(db), 0);
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'nothing kept: every row');

  summarizeBlocks(db);
  const blocks = historyBlocks(db, NOW);
  assert.ok(kept(db) >= 5, 'several blocks kept');
  assert.ok(blocks.some((b) => b.isGap), 'gaps between blocks');
  assert.equal(JSON.stringify(blocks), everyRow(db), 'all kept');
  // Another moment: the last block active, then not.
  const lastAt = Math.max(...blocks.filter((b) => !b.isGap).map((b) => b.actualEnd!));
  assert.equal(JSON.stringify(historyBlocks(db, lastAt + 60_000)), everyRow(db, lastAt + 60_000));
  assert.ok(historyBlocks(db, lastAt + 60_000).some((b) => b.isActive), 'the last block active then');

  // New lines at the end of a transcript: the last block grows (read from the rows after it), then a new block.
  const file = files.find((f) => !f.includes('/subagents/'))!;
  const last = usageLines(await fs.readFile(file, 'utf8')).pop()!;
  const line = (id: string, at: number) => JSON.stringify({ ...last, uuid: `u-${id}`, requestId: `req-${id}`, timestamp: new Date(at).toISOString(), message: { ...last.message, id: `msg-${id}` } }) + '\n';
  await fs.appendFile(file, line('grow', lastAt + 1000));
  ingestPaths(db, [file]);
  assert.equal(total(db), (JSON.parse(everyRow(db)) as any[]).reduce((s, b) => s + b.entries, 0));
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'the last block grew after what is kept');
  await fs.appendFile(file, line('later', lastAt + 9 * 3_600_000));
  ingestPaths(db, [file]);
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'a new block after a gap');
  summarizeBlocks(db);
  const before = kept(db);
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'kept again, to the newest row');

  // A resumed session: a new file copying old responses (same keys) counts each once, drops nothing kept.
  const rows = total(db);
  const old = usageLines(await fs.readFile(files[0], 'utf8')).slice(0, 20);
  const resumed = path.join(path.dirname(file), 'resumed-copy.jsonl');
  await fs.writeFile(resumed, old.map((r) => JSON.stringify({ ...r, sessionId: 'zz-resumed' }) + '\n').join(''));
  ingestPaths(db, [resumed]);
  assert.equal(total(db), rows, 'copies count once');
  assert.equal(kept(db), before, 'copies that change nothing a block reads keep every block');
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db));

  // A late response from days ago (a new key): the kept blocks from its time on are dropped, the rest stay.
  const early = Date.parse('2026-05-02T10:17:00Z');
  await fs.appendFile(file, line('late', early));
  ingestPaths(db, [file]);
  const after = kept(db);
  assert.ok(after > 0 && after < before, `kept blocks from the late response on dropped (${before} -> ${after})`);
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'the late response counts once, where it belongs');
  summarizeBlocks(db);
  assert.equal(kept(db), JSON.parse(everyRow(db)).filter((b: any) => !b.isGap).length, 'every block kept again');
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db));

  // A copy with more tokens wins and moves its response: the blocks at or after either time are dropped.
  const moved = usageLines(await fs.readFile(files[0], 'utf8'))[3];
  moved.message.usage.output_tokens += 5000;
  moved.timestamp = new Date(lastAt - 3_600_000).toISOString();
  await fs.appendFile(file, JSON.stringify(moved) + '\n');
  ingestPaths(db, [file]);
  assert.equal(JSON.stringify(historyBlocks(db, NOW)), everyRow(db), 'a winning copy at another time');
  h.close();
});
