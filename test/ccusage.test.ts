// The 5-hour blocks must equal ccusage's, field by field, on real transcripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXTURES } from './helpers/cli.js';
import { assertSameBlocks, ccusageBlocks, ccusageSkip, ourBlocks } from './helpers/ccusage.js';

test('every 5-hour block on the shared fixtures equals ccusage 20.0.24', { skip: ccusageSkip }, async () => {
  const [ours, theirs] = await Promise.all([ourBlocks(FIXTURES), ccusageBlocks(FIXTURES)]);
  assert.ok(theirs.length >= 5, 'the fixtures span several blocks');
  assertSameBlocks(ours, theirs);
});
