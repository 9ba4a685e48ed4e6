import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseActiveBlock } from './parse.js';

test('the active block of ccusage blocks --json gives total and times; gaps and finished blocks are skipped', () => {
  const out = JSON.stringify({
    blocks: [
      { isActive: false, isGap: false, totalTokens: 5, startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-01-01T05:00:00.000Z' },
      { isActive: true, isGap: false, totalTokens: 1234, startTime: '2026-01-02T10:00:00.000Z', endTime: '2026-01-02T15:00:00.000Z' },
    ],
  });
  assert.deepEqual(parseActiveBlock(out), { tokens: 1234, start: Date.parse('2026-01-02T10:00:00.000Z'), end: Date.parse('2026-01-02T15:00:00.000Z') });
  assert.deepEqual(parseActiveBlock('{"blocks":[]}'), { tokens: 0, start: null, end: null });
});

test('anything else is an error with a reason, never a figure', () => {
  for (const bad of ['', 'nope', '{}', '{"blocks":{}}', '{"blocks":[{"isActive":true,"totalTokens":"7"}]}', '{"blocks":[{"isActive":true,"totalTokens":7,"startTime":"x","endTime":"y"}]}']) {
    const r = parseActiveBlock(bad);
    assert.ok('error' in r, `${bad} -> ${JSON.stringify(r)}`);
  }
});
