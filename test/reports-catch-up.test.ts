// A report while a session is being written: the daemon takes new lines about 0.2 s after they
// land, so `--from auto` waits for it (briefly) instead of reading every transcript, and the
// answer holds the new response either way. The daemon is real; it is paused (SIGSTOP) while the
// line is written and the report starts, so the report finds the history behind every time.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { discover } from '../src/sources/transcripts/discover.js';
import { fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor } from './helpers/cli.js';

test('a report waits for a live daemon to take a line just written, and answers from the history', { skip: process.platform === 'win32' }, async (t) => {
  const home = await fixtureCopy();
  const state = await tempDir('catch-up-state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const served = await startServe(env);
  t.after(async () => {
    served.child.kill('SIGCONT');
    await served.stop();
    await fs.rm(home, { recursive: true, force: true });
    await fs.rm(state, { recursive: true, force: true });
  });
  await waitFor(async () => (await getJson(`${served.url}/api/ingest`)).ingest?.backfilled === true, 60_000, 100);
  const args = ['daily', '--json', '--timezone', 'UTC'];
  const before = await runCli(args, { env });
  assert.match(before.stderr, /from the history/);
  const total = JSON.parse(before.stdout).totals.totalTokens;

  const file = discover([home]).files.find((f) => f.path.endsWith('short.jsonl'))!.path;
  const last = JSON.parse((await fs.readFile(file, 'utf8')).trim().split('\n').filter((l) => l.includes('"usage"')).pop()!);
  last.message.id = 'msg_catch_up';
  last.timestamp = '2026-02-12T23:00:00.000Z';
  served.child.kill('SIGSTOP');
  await fs.appendFile(file, JSON.stringify(last) + '\n');
  // The report starts with the daemon paused: it finds the history a file behind, asks the daemon
  // (which answers once resumed) and waits for it.
  const report = runCli(args, { env });
  await new Promise((r) => setTimeout(r, 600));
  served.child.kill('SIGCONT');
  const after = await report;
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stderr, /from the history/, 'the daemon caught up within the wait');
  assert.ok(JSON.parse(after.stdout).totals.totalTokens > total, 'the new response counts');

  // A daemon that does not answer is not waited for: the transcripts answer, with the same total.
  last.message.id = 'msg_catch_up_2';
  served.child.kill('SIGSTOP');
  await fs.appendFile(file, JSON.stringify(last) + '\n');
  const started = Date.now();
  const paused = await runCli(args, { env });
  const ms = Date.now() - started;
  served.child.kill('SIGCONT');
  assert.match(paused.stderr, /from the transcripts/);
  assert.ok(JSON.parse(paused.stdout).totals.totalTokens > JSON.parse(after.stdout).totals.totalTokens);
  assert.ok(ms < 20_000, `${ms} ms`);
});
