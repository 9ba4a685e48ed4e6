// `--source ccusage`: the 5-hour window is the real ccusage's figure, the tach stays on the transcripts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ccusageSkip } from './helpers/ccusage.js';
import { fixtureCopy, getJson, isolatedEnv, ROOT, startServe, tempDir, waitFor } from './helpers/cli.js';
import { assistant } from './helpers/lines.js';
import { assertUsageSchema } from './helpers/schema.js';

const CCUSAGE = path.join(ROOT, 'node_modules', '.bin', 'ccusage');

function ccusageActive(configDir: string): Promise<{ totalTokens: number; startTime: string } | null> {
  return new Promise((resolve, reject) => {
    execFile(CCUSAGE, ['blocks', '--active', '--json', '--offline'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: configDir }) }, (err, out) => {
      if (err) return reject(err);
      resolve(JSON.parse(out).blocks.find((b: any) => b.isActive) ?? null);
    });
  });
}

async function liveHistory(): Promise<{ home: string; file: string }> {
  const home = await fixtureCopy();
  const file = path.join(home, 'projects', 'live-project', 'live-session.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  const now = Date.now();
  const lines = [0, 1, 2].map((i) => assistant({ id: `msg_live_${i}`, req: `req_live_${i}`, at: now - (20 - i * 9) * 60_000, input: 1000 + i, cacheRead: 50_000, output: 700 }));
  lines.push(assistant({ id: 'msg_live_now', req: 'req_live_now', at: now - 5_000, input: 3, cacheRead: 40_000, output: 900 }));
  await fs.writeFile(file, lines.join('\n') + '\n');
  return { home, file };
}

test('--source ccusage: window_5h_tokens is ccusage blocks --active; the tach reads the transcript tail', { skip: ccusageSkip, timeout: 90_000 }, async () => {
  const { home, file } = await liveHistory();
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CCUSAGE: CCUSAGE, CLAUDE_GAUGE_MDNS: 'off', CLAUDE_GAUGE_HISTORY: 'off' });
  const theirs = await ccusageActive(home);
  assert.ok(theirs, 'ccusage sees an active block');
  const served = await startServe(env, ['--source', 'ccusage']);
  try {
    const u = await getJson(`${served.url}/usage`);
    assertUsageSchema(u);
    assert.equal(u.window_5h_tokens_from, 'ccusage');
    assert.equal(u.window_5h_tokens, theirs!.totalTokens);
    assert.equal(u.window_5h_block_start, theirs!.startTime);
    assert.deepEqual({ kind: u.fuel_source.kind, ok: u.fuel_source.ok, problems: u.fuel_source.problems }, { kind: 'ccusage', ok: true, problems: [] });
    assert.equal(u.rate_1m, 3 + 40_000 + 900, 'the tach counts the last minute of the transcripts');
    assert.equal(u.stall, false);

    // A new response reaches ccusage's figure within its 10 s cache plus a run.
    await fs.appendFile(file, assistant({ id: 'msg_live_more', req: 'req_live_more', at: Date.now(), input: 7, cacheRead: 1_000, output: 77 }) + '\n');
    const after = await ccusageActive(home);
    const seen = await waitFor(async () => {
      const v = await getJson(`${served.url}/usage`);
      return v.window_5h_tokens === after!.totalTokens && v;
    }, 40_000, 250);
    assert.equal(seen.value.window_5h_tokens - u.window_5h_tokens, 7 + 1_000 + 77);
  } finally {
    await served.stop();
  }
});

test('--source ccusage with ccusage missing: /usage answers, the problem is in fuel_source, the local block stands in', { timeout: 60_000 }, async () => {
  const { home } = await liveHistory();
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CCUSAGE: path.join(state, 'no-such-ccusage'), CLAUDE_GAUGE_MDNS: 'off', CLAUDE_GAUGE_HISTORY: 'off' });
  const served = await startServe(env, ['--source', 'ccusage']);
  try {
    const u = await getJson(`${served.url}/usage`);
    assertUsageSchema(u);
    assert.equal(u.fuel_source.ok, false);
    assert.match(u.fuel_source.problems[0], /not found/);
    assert.equal(u.fuel_source.age_s, null);
    assert.equal(u.window_5h_tokens_from, 'local');
    assert.equal(u.window_5h_tokens, (1000 + 50_000 + 700) * 3 + (0 + 1 + 2) + 3 + 40_000 + 900);
    assert.equal(u.stall, false, 'a missing fuel source does not stall the cluster');
    assert.match(served.stderr(), /not found/);
  } finally {
    await served.stop();
  }
});
