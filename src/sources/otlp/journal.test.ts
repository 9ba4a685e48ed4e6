// The journal's retry: records held in memory while the disk refuses them reach it on the retry
// timer alone, with no further request to carry them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Journal, JOURNAL_FILE, type JournalRecord } from './journal.js';

test('records held while the journal cannot be written reach it on the timer, even with the wall clock set back meanwhile', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-journal-retry-'));
  // Its folder's name taken by a file: the journal can neither be made nor written (as root too).
  const folder = path.join(dir, 'state');
  writeFileSync(folder, 'in the way');
  const file = path.join(folder, JOURNAL_FILE);
  const at = Date.now();
  const journal = new Journal(file, () => at, undefined, undefined, 100);
  const realNow = Date.now;
  try {
    await journal.open();
    assert.ok(journal.status().failure);
    const held: JournalRecord = { t: 'e', e: { kind: 'turn', at, session: 'held-in-memory', awaiting: true } };
    await journal.append([held]);
    assert.equal(journal.status().pending, 1);
    rmSync(folder); // out of the way: the journal makes its folder on the next try
    // The wall clock stepped back a minute (or the loop's clock fired the timer a few ms before
    // Date.now said it was due): the timer is the retry all the same.
    Date.now = () => realNow() - 60_000;
    const until = performance.now() + 3000;
    while (journal.status().pending > 0 && performance.now() < until) await sleep(20);
    Date.now = realNow;
    assert.deepEqual({ failure: journal.status().failure, pending: journal.status().pending }, { failure: null, pending: 0 });
    assert.match(readFileSync(file, 'utf8'), /held-in-memory/);
  } finally {
    Date.now = realNow;
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
