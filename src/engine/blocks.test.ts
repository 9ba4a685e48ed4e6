import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockEntry } from '../core/blocks.js';
import { activeBlock, computeBlocks, floorToHour } from './blocks.js';

const H = 3600_000;
const T0 = Date.parse('2026-03-02T10:17:00.000Z');
const e = (at: number, input = 1): BlockEntry => ({ at, model: 'm', tokens: { input, output: 0, cacheCreation: 0, cacheRead: 0 } });

test('a block starts at the first entry floored to the UTC hour and lasts 5 h', () => {
  const [b] = computeBlocks([e(T0)], T0);
  assert.equal(b.start, floorToHour(T0));
  assert.equal(b.end, floorToHour(T0) + 5 * H);
  assert.equal(b.isActive, true);
});

test('exactly 5 h after the block start stays in the block; a millisecond later starts a new one', () => {
  const start = floorToHour(T0);
  const inside = computeBlocks([e(T0), e(start + 4 * H), e(start + 5 * H)], start + 5 * H);
  assert.equal(inside.length, 1);
  const outside = computeBlocks([e(T0), e(start + 4 * H), e(start + 5 * H + 1)], start + 5 * H + 1);
  assert.equal(outside.length, 2);
  assert.equal(outside[1].start, start + 5 * H); // floored again
  assert.equal(outside[1].isGap, false); // continuous activity: no gap
});

test('a silence over 5 h closes the block and leaves a gap from last entry + 5 h to the next entry', () => {
  const next = T0 + 9 * H;
  const bs = computeBlocks([e(T0), e(next, 3)], next + H);
  assert.deepEqual(bs.map((b) => b.isGap), [false, true, false]);
  assert.equal(bs[1].start, T0 + 5 * H);
  assert.equal(bs[1].end, next);
  assert.equal(bs[2].totalTokens, 3);
});

test('blocks are listed by start, so a gap starting after the next block\'s floored start follows it (as ccusage)', () => {
  const bs = computeBlocks([e(T0), e(T0 + 5 * H + 1, 3)], T0 + 6 * H);
  assert.deepEqual(bs.map((b) => b.isGap), [false, false, true]);
  assert.equal(bs[1].start, floorToHour(T0 + 5 * H + 1));
  assert.equal(bs[2].start, T0 + 5 * H);
});

test('only the newest block can be active, and only while inside its 5 h and within 5 h of its last entry', () => {
  const entries = [e(T0), e(T0 + 6 * H)];
  assert.equal(activeBlock(entries, T0 + 6 * H + 1)?.start, floorToHour(T0 + 6 * H));
  assert.equal(activeBlock(entries, floorToHour(T0 + 6 * H) + 5 * H), null);
  assert.equal(activeBlock([], T0), null);
});
