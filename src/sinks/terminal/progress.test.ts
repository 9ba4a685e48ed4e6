import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressBar } from './progress.js';

function terminal() {
  const writes: string[] = [];
  return { isTTY: true, write: (s: string) => (writes.push(s), true), writes } as const;
}

test('no bar for nothing to read; a log line after the bar starts on a line of its own', () => {
  const t = terminal();
  const bar = progressBar(t, 'reading')!;
  bar.update(0, 0);
  bar.done();
  assert.deepEqual(t.writes, [], 'no full bar at 0/0 files, no stray newline');
  bar.update(5, 10);
  assert.match(t.writes.at(-1)!, /^\rreading \[#{15}\.{15}\] 5\/10 files$/);
  bar.interrupt();
  assert.equal(t.writes.at(-1), '\n');
  bar.interrupt();
  bar.done();
  assert.equal(t.writes.filter((w) => w === '\n').length, 1, 'the line is ended once');
  assert.equal(progressBar({ isTTY: false, write: () => true }, 'x'), null);
});
