// A full disk under the state folder: a small real tmpfs mounted there and filled to the last byte
// while transcripts keep growing. The daemon keeps serving /usage (the gauges live in memory),
// reports the failing history writes, and once space returns the history catches up with nothing lost.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openHistory } from '../../src/store/db.js';
import { fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor } from '../helpers/cli.js';
import { assistant } from '../helpers/lines.js';
import { historySummary } from './helpers.js';

const NEW_LINES = 50;

function mountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
}

/** Writes until the file system refuses: ENOSPC. Returns the bytes it took. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  let total = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          total += writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

test('a full state disk: /usage keeps up, the history reports the failure and loses nothing once space returns', { timeout: 180_000 }, async (t) => {
  const home = await fixtureCopy();
  const state = await tempDir('full-disk-state');
  const why = mountTmpfs(state, '8m');
  if (why) {
    if (process.env.CI) assert.fail(why);
    return t.skip(why);
  }
  const s = await startServe(isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state }));
  try {
    await waitFor(async () => (await historySummary(s.url)).backfilled, 60_000, 100);
    const before = await historySummary(s.url);
    const usage0 = await getJson(`${s.url}/usage`);
    const filler = path.join(state, 'filler');
    const took = fill(filler);

    // Claude Code keeps working: new responses arrive while the state disk is full.
    const dir = path.join(home, 'projects', (await fs.readdir(path.join(home, 'projects'))).sort()[0]);
    const file = path.join(dir, 'during-full-disk.jsonl');
    const now = Date.now();
    let added = 0;
    for (let i = 0; i < NEW_LINES; i++) {
      await fs.appendFile(file, assistant({ id: `full${i}`, req: `rfull${i}`, at: now - (NEW_LINES - i) * 1000, input: 100, output: 10, session: 'full-disk' }) + '\n');
      added += 110;
    }
    const live = await waitFor(async () => {
      const u = await getJson(`${s.url}/usage`);
      return u.window_5h_tokens === usage0.window_5h_tokens + added ? u : undefined;
    }, 15_000, 100);
    const failed = await waitFor(async () => {
      const h = await historySummary(s.url);
      return h.lastError ? h : undefined;
    }, 20_000, 100);
    assert.match(failed.value.lastError!, /SQLITE_FULL|full/i, 'the failure is reported');
    assert.equal((await historySummary(s.url)).responses, before.responses, 'nothing half-written');
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);

    // Space returns: the retry reads the same lines again from the last committed offset.
    await fs.rm(filler);
    const caught = await waitFor(async () => (await historySummary(s.url)).responses === before.responses + NEW_LINES, 30_000, 200);
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.window_5h_tokens, usage0.window_5h_tokens + added);
    console.log(`# full disk: ${JSON.stringify({ tmpfs: '8m', fillerBytes: took, newResponses: NEW_LINES, usageUpdatedMs: live.ms, error: failed.value.lastError, caughtUpMs: caught.ms })}`);
  } finally {
    await s.stop();
    const h = openHistory(state);
    const check = h.db.pragma('integrity_check', { simple: true });
    h.close();
    execFileSync('umount', [state]);
    assert.equal(check, 'ok');
  }
});
