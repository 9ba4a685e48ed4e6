// claude-gauge demo: generated transcripts, written live, read by the normal pipeline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { SCRIPT } from '../src/demo/script.js';
import { BIN, getJson, isolatedEnv, runCli, tempDir, waitFor } from './helpers/cli.js';

test('the demo moves the gauges with no Claude Code, and cleans up after itself', async () => {
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: await tempDir('state') });
  const child = spawn(process.execPath, [BIN, 'demo', '--no-open', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  try {
    const { value: m } = await waitFor(async () => /cluster is at (http:\/\/\S+?)\/? \(transcripts in (\S+?)\)/.exec(err) ?? undefined, 15_000);
    const [, url, dir] = m;
    const { value: u } = await waitFor(async () => {
      const v = await getJson(`${url}/usage`);
      return v.rate_1m > 0 && v.last_model !== 'other' && v;
    }, 30_000, 200);
    assert.ok(u.source.files >= 1);
    assert.equal(u.source.kind, 'transcripts', 'the normal transcript source, not a fake feed');
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.ok(existsSync(dir));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
    assert.ok(!existsSync(dir), 'the demo folder is removed on exit');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('demo --help describes the script it plays, act by act, in 80 columns', async () => {
  const out = (await runCli(['demo', '--help'], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: await tempDir('state') }) })).stdout;
  for (const a of SCRIPT) assert.match(out, new RegExp(`\\d:\\d\\d ${a.name} `), `act "${a.name}" missing from --help`);
  for (const line of out.split('\n')) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
});
