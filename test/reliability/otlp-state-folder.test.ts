// `serve --source otlp` on a state folder it cannot write: read-only (the daemon runs unprivileged
// through setpriv, since root ignores permissions) and full (a real tmpfs, filled). Before, it
// exited at start on a read-only folder and answered 503 to every request on a full one. Now it
// starts, replays what it can read, takes every request into memory and says so in
// source.problems; once the folder can be written again the waiting records reach the journal,
// and a restart finds them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { JOURNAL_FILE } from '../../src/sources/otlp/journal.js';
import { apiRequest, JSONH, logsRequest, post } from '../helpers/otlp-fixtures.js';
import { tempDir, waitFor } from '../helpers/cli.js';
import { restart, startOtlpServe, usage } from './otlp-serve.js';
import { asNobody } from '../helpers/unprivileged.js';

/** The journal is tried again this often (journal.ts RETRY_MS); the waits below allow twice that. */
const RETRY_MS = 10_000;

function needRoot(what: string): string | null {
  if (process.getuid?.() !== 0) return `needs root (${what})`;
  if (!existsSync('/usr/bin/setpriv')) return 'needs setpriv (util-linux)';
  return null;
}

function skipUnlessAble(t: { skip: (m: string) => void }, why: string | null): boolean {
  if (!why) return false;
  if (process.env.CI) assert.fail(why);
  t.skip(why);
  return true;
}

const record = (id: string, input: number) => JSON.stringify(logsRequest([apiRequest({ at: Date.now() - 1000, session: 'RO', requestId: id, input })]));
const journalHas = (state: string, id: string) => {
  try {
    return readFileSync(path.join(state, JOURNAL_FILE), 'utf8').includes(`"otlp:${id}"`);
  } catch {
    return false;
  }
};

test('a read-only state folder: serve starts, replays the journal, keeps new records in memory, and writes them once it can', { timeout: 120_000 }, async (t) => {
  if (skipUnlessAble(t, needRoot('to run the daemon as another user'))) return;
  const state = await tempDir('otlp-readonly');
  // A journal from an earlier run, readable by everyone; the folder writable by root only.
  const first = await startOtlpServe(state);
  assert.equal((await post(first.otlp, '/v1/logs', record('before', 100), JSONH)).status, 200);
  await first.stop();
  execFileSync('chmod', ['-R', 'a+rX', state]);
  await fs.chmod(state, 0o755);

  let s = await startOtlpServe(state, { as: asNobody() });
  try {
    let u = await usage(s);
    assert.equal(u.window_5h_tokens, 100, 'the journal replayed');
    assert.ok(u.source.problems.some((p: string) => p.includes(JOURNAL_FILE) && /EACCES/.test(p) && /memory only/.test(p)), JSON.stringify(u.source.problems));
    const r = await post(s.otlp, '/v1/logs', record('while-read-only', 5), JSONH);
    assert.equal(r.status, 200, 'taken, not 503');
    assert.deepEqual(r.json(), {});
    u = await usage(s);
    assert.equal(u.window_5h_tokens, 105);
    assert.ok(u.source.problems.some((p: string) => /1 accepted record\(s\) are kept in memory only/.test(p)), JSON.stringify(u.source.problems));
    assert.ok(!journalHas(state, 'while-read-only'));

    // Writable again: the waiting record reaches the journal on the next try, and the problem goes.
    execFileSync('chown', ['-R', '65534:65534', state]);
    const { ms } = await waitFor(async () => journalHas(state, 'while-read-only'), 2 * RETRY_MS, 200);
    // /usage carries the health of its last refresh (once a second).
    await waitFor(async () => (await usage(s)).source.problems.length === 0, 3_000, 100);
    t.diagnostic(`read-only state folder: started, 200 in memory; journal written ${ms} ms after the folder became writable`);
    s = await restart(s, asNobody());
    assert.equal((await usage(s)).window_5h_tokens, 105, 'both records after a restart');
  } finally {
    await s.stop();
  }
});

test('a full state folder (a real tmpfs): requests still taken, the journal catches up once space returns', { timeout: 120_000 }, async (t) => {
  if (skipUnlessAble(t, needRoot('to mount a tmpfs'))) return;
  const state = await tempDir('otlp-full');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', state], { stdio: 'pipe' });
  } catch (err) {
    if (skipUnlessAble(t, `cannot mount a tmpfs (needs CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`)) return;
  }
  let s = await startOtlpServe(state);
  try {
    assert.equal((await post(s.otlp, '/v1/logs', record('before', 100), JSONH)).status, 200);
    // Fill the disk to the last byte.
    const filler = path.join(state, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'pipe' });
    } catch {
      // dd stops at ENOSPC, which is the point
    }
    // Requests until one can no longer be written (the journal's last page had room for a few).
    const ids: string[] = [];
    let u = await usage(s);
    while (!u.source.problems.some((p: string) => /ENOSPC/.test(p))) {
      assert.ok(ids.length < 500, `500 records written to a full disk? ${JSON.stringify(u.source.problems)}`);
      const id = `full-${ids.length}`;
      const r = await post(s.otlp, '/v1/logs', record(id, 1), JSONH);
      assert.equal(r.status, 200, `${id}: ${r.body.toString()}`);
      ids.push(id);
      u = await usage(s);
    }
    for (let i = 0; i < 5; i++) {
      const id = `full-${ids.length}`;
      assert.equal((await post(s.otlp, '/v1/logs', record(id, 1), JSONH)).status, 200);
      ids.push(id);
    }
    u = await usage(s);
    assert.equal(u.window_5h_tokens, 100 + ids.length, 'counted while the disk is full');
    assert.ok(u.source.problems.some((p: string) => /ENOSPC/.test(p) && /\d+ accepted record\(s\) are kept in memory only/.test(p)), JSON.stringify(u.source.problems));
    const held = ids.filter((id) => !journalHas(state, id)).length;
    assert.ok(held >= 5, `${held} records waiting in memory`);

    await fs.rm(filler);
    const { ms } = await waitFor(async () => ids.every((id) => journalHas(state, id)), 2 * RETRY_MS, 200);
    // /usage carries the health of its last refresh (once a second).
    await waitFor(async () => (await usage(s)).source.problems.length === 0, 3_000, 100);
    t.diagnostic(`full state folder: ${ids.length} requests taken, ${held} of them in memory only; journal caught up ${ms} ms after space returned`);
    s = await restart(s);
    assert.equal((await usage(s)).window_5h_tokens, 100 + ids.length, 'every record after a restart, once');
  } finally {
    await s.stop();
    execFileSync('umount', [state]);
  }
});
