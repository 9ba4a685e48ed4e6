import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TurnEvent } from '../../core/events.js';
import { HookSource } from './index.js';
import { hooksFile, parseRecord } from './record.js';

/** Hook times are real instants (core/validate.ts refuses 1970): offsets from a day in 2026. */
const T = Date.UTC(2026, 0, 1);
const line = (event: string, session: string, at: number) => JSON.stringify({ v: 1, event, session, at: T + at }) + '\n';

test('reads records as they are appended: a half-written line waits, a junk line is skipped, a rotation loses nothing', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-hooksrc-'));
  const file = hooksFile(dir);
  const got: TurnEvent[] = [];
  const src = new HookSource({ stateDir: dir, emit: (e) => got.push(e), intervalMs: 50 });
  await src.start(); // no file yet: fine
  await fs.writeFile(file, line('UserPromptSubmit', 'a', 1000) + 'not json\n');
  const half = line('PreToolUse', 'a', 2000);
  await fs.appendFile(file, half.slice(0, 10));
  await src.poll();
  assert.deepEqual(got.map((e) => e.at - T), [1000]);
  assert.equal(src.stats().skipped, 1);
  await fs.appendFile(file, half.slice(10));
  await src.poll();
  assert.deepEqual(got.map((e) => e.at - T), [1000, 2000]);
  // A hook rotates the file after appending one more line the source has not read yet.
  await fs.appendFile(file, line('PostToolUse', 'a', 3000));
  await fs.rename(file, `${file}.1`);
  await fs.writeFile(file, line('Stop', 'a', 4000));
  await src.poll();
  assert.deepEqual(got.map((e) => e.at - T), [1000, 2000, 3000, 4000]);
  assert.deepEqual(got.map((e) => [e.awaiting, e.open, e.exact]), [[true, true, true], [false, true, true], [true, true, true], [false, false, true]]);
  src.close();
});

test('records are checked: wrong version, unknown event, missing session or time are refused', () => {
  assert.ok(parseRecord(line('Stop', 's', 5)));
  assert.equal(parseRecord(JSON.stringify({ v: 2, event: 'Stop', session: 's', at: 5 })), null);
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'PreCompact', session: 's', at: 5 })), null);
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'Stop', session: '', at: 5 })), null);
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'Stop', session: 's', at: 'x' })), null);
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'Stop', session: 's', at: 5 })), null, '1970 is no hook time');
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'Stop', session: 's', at: 1e300 })), null);
  assert.equal(parseRecord(JSON.stringify({ v: 1, event: 'Stop', session: 's'.repeat(2000), at: T })), null);
  assert.equal(parseRecord('{"v":1,"event":"Stop","sess'), null);
});
