import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResponseEvent } from './events.js';
import { ResponseFold } from './response-fold.js';

const copy = (key: string, at: number, output: number, o: Partial<ResponseEvent> = {}): ResponseEvent => ({
  kind: 'response', key, at, model: 'claude-sonnet-4-5', tokens: { input: 1, output, cacheCreation: 0, cacheRead: 0 },
  thinkingReported: null, visibleChars: 0, session: 's', synthetic: false, sidechain: false, speed: false, ...o,
});

test('the fold keeps one copy per response: the winner, in order of first appearance', () => {
  const f = new ResponseFold();
  assert.equal(f.add(copy('a', 10, 5)), 'first');
  assert.equal(f.add(copy('b', 5, 1)), 'first');
  assert.equal(f.add(copy('a', 12, 9)), 'won', 'a larger copy wins, its time with it');
  assert.equal(f.add(copy('a', 13, 7)), 'lost');
  assert.equal(f.add(copy('b', 6, 50, { sidechain: true })), 'lost', "a subagent's mirror never beats the main session's copy");
  assert.equal(f.add(copy('b', 7, 1, { speed: true })), 'won', 'fast mode breaks a tie');
  assert.deepEqual(f.responses.map((e) => [e.key, e.at]), [['a', 12], ['b', 7]]);
  assert.deepEqual(f.byTime().map((e) => e.key), ['b', 'a']);
});

test('byTime keeps first-appearance order among equal times', () => {
  const f = new ResponseFold();
  for (const k of ['z', 'y', 'x']) f.add(copy(k, 100, 1));
  f.add(copy('w', 50, 1));
  assert.deepEqual(f.byTime().map((e) => e.key), ['w', 'z', 'y', 'x']);
});
