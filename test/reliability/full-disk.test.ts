// A full disk under the state folder: a real tmpfs too small for the history, mounted there, while
// transcripts keep growing; then it is made larger (space returns). The daemon keeps serving /usage (the gauges live in memory),
// reports the failing history writes, and once space returns the history catches up with nothing lost.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { transcriptFiles } from '../../src/store/ingest.js';
import { fixtureCopy, getJson, isolatedEnv, startServe, tempDir, waitFor } from '../helpers/cli.js';
import { assistant } from '../helpers/lines.js';
import { cleanIngestRows, historyRows, historySummary, inspectHistory } from './helpers.js';

const NEW_LINES = 50;

function mountTmpfs(dir: string, size: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a tmpfs (needs root with CAP_SYS_ADMIN): ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
}

test('a full state disk: /usage keeps up, the history reports the failure and loses nothing once space returns', { timeout: 180_000 }, async (t) => {
  const home = await fixtureCopy();
  const state = await tempDir('full-disk-state');
  // 1 MB holds the daemon's small files and an empty history, not the history of the fixtures
  // (about 1.3 MB): the disk fills during the first ingest, every time.
  const why = mountTmpfs(state, '1m');
  if (why) {
    if (process.env.CI) assert.fail(why);
    return t.skip(why);
  }
  const s = await startServe(isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state }));
  try {
    const failed = await waitFor(async () => {
      const h = await historySummary(s.url);
      return h.lastError ? h : undefined;
    }, 60_000, 100);
    assert.match(failed.value.lastError!, /database or disk is full/, 'the failure is reported');
    const usage0 = await getJson(`${s.url}/usage`);

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
    assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    const want = await cleanIngestRows(transcriptFiles([home]));
    const during = historyRows(state);
    assert.ok(during < want, `the history is behind while the disk is full (${during} of ${want})`);

    // Space returns: the retries read the same files again from their last committed offsets.
    execFileSync('mount', ['-o', 'remount,size=32m', state]);
    const caught = await waitFor(async () => historyRows(state) === want, 60_000, 200);
    const u = await getJson(`${s.url}/usage`);
    assert.equal(u.window_5h_tokens, usage0.window_5h_tokens + added);
    console.log(`# full disk: ${JSON.stringify({ tmpfs: '1m, then 32m', error: failed.value.lastError, failedAfterMs: failed.ms, newResponses: NEW_LINES, usageUpdatedMs: live.ms, rowsWhileFull: during, rows: want, caughtUpMs: caught.ms })}`);
  } finally {
    await s.stop();
    const h = inspectHistory(state); // read-only, no repair path: damage would show, not be moved aside
    execFileSync('umount', [state]);
    assert.equal(h.integrity, 'ok');
    assert.deepEqual(h.movedAside, [], 'nothing moved aside as damaged');
  }
});
