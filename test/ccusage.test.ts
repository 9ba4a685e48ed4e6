// The 5-hour blocks must equal ccusage's, field by field, on real transcripts and on a generated
// history with its junk (torn writes, garbage, NUL lines) in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCorpus } from '../src/generate/index.js';
import { FIXTURES, tempDir } from './helpers/cli.js';
import { assertSameBlocks, ccusageBlocks, ccusageSkip, ourBlocks } from './helpers/ccusage.js';

test('every 5-hour block on the shared fixtures equals ccusage 20.0.24', { skip: ccusageSkip }, async () => {
  const [ours, theirs] = await Promise.all([ourBlocks(FIXTURES), ccusageBlocks(FIXTURES)]);
  assert.ok(theirs.length >= 5, 'the fixtures span several blocks');
  assertSameBlocks(ours, theirs);
});

test('every 5-hour block of a generated history, torn and junk lines included, equals ccusage 20.0.24', { skip: ccusageSkip }, async () => {
  const dir = await tempDir('ccusage-gen');
  const summary = await generateCorpus({ outDir: dir, seed: 14, targetBytes: 12 * 1024 * 1024, start: new Date('2026-04-01T00:00:00Z'), end: new Date('2026-04-08T00:00:00Z') });
  assert.ok(summary.junkLines > 0, 'junk among the lines');
  const [ours, theirs] = await Promise.all([ourBlocks(dir), ccusageBlocks(dir)]);
  assert.ok(theirs.length >= 5, 'several blocks');
  assertSameBlocks(ours, theirs);
});
