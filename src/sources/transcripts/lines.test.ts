// Decoding lines as ccusage reads them: a line that is not UTF-8 is dropped on its own, its
// neighbours decode as ever; a record glued to the remains of a torn write is not repaired.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assistant } from '../../../test/helpers/lines.js';
import { eventsFromLines, lineText, NOT_UTF8, textLines } from './lines.js';

const T0 = '2026-02-12T10:00:00.000Z';

test('a line that is not UTF-8 reads as NOT_UTF8, and only that line', () => {
  const good = assistant({ id: 'm1', req: 'r1', at: T0, output: 5, text: 'caf\u00e9' });
  const bad = Buffer.from(assistant({ id: 'm2', req: 'r2', at: T0, output: 7, text: 'caf\u00e9' }));
  bad[bad.indexOf(0xc3)] = 0xff;
  const bytes = Buffer.concat([Buffer.from(`${good}\r\n`), bad, Buffer.from(`\n${good}\n`)]);
  const lines = textLines(bytes, bytes.length - 1);
  assert.deepEqual(lines, [good, NOT_UTF8, good], 'CR dropped, the bad line replaced, the rest decoded');
  const two = Buffer.from(`${good}\n${good}`);
  assert.deepEqual(textLines(two, two.length), [good, good], 'all UTF-8: one decode');
  assert.equal(lineText(bad), NOT_UTF8);
  assert.equal(lineText(Buffer.from(good)), good);
  const stats = { records: 0, skipped: 0 };
  const keys: string[] = [];
  eventsFromLines(lines, stats, (e) => e.kind === 'response' && keys.push(e.key));
  assert.deepEqual(keys, ['m1:r1', 'm1:r1']);
  assert.deepEqual(stats, { records: 2, skipped: 1 });
});

test('a record glued to a torn half-line is skipped, not repaired (ccusage drops the line)', () => {
  const whole = assistant({ id: 'm', req: 'r', at: T0, output: 5 });
  const glued = whole.slice(0, 60) + whole;
  const stats = { records: 0, skipped: 0 };
  const events: unknown[] = [];
  eventsFromLines([glued, whole], stats, (e) => events.push(e));
  assert.equal(events.length, 1, 'only the whole line counts');
  assert.deepEqual(stats, { records: 1, skipped: 1 });
});
