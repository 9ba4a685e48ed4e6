// Data no test author has seen: a fresh history from the generator, with a new seed each run
// (CG_TEST_SEED repeats one). Blocks must equal ccusage's; the live windows must equal a
// count made independently, line by line, from the files.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { historyUsageLines } from './helpers/raw-usage.js';
import { generateCorpus } from '../src/generate/index.js';
import { assertSameBlocks, ccusageBlocks, ccusageSkip, ourBlocks } from './helpers/ccusage.js';
import { isolatedEnv, runCli, tempDir } from './helpers/cli.js';

const seed = Number(process.env.CG_TEST_SEED ?? Math.floor(Math.random() * 1e9));
let home: string;
let end: number;

before(async () => {
  home = await tempDir('generated');
  end = Date.now() - 10 * 60_000; // the newest activity ten minutes ago: its block is active
  await generateCorpus({ outDir: home, seed, targetBytes: 12 * 1024 * 1024, start: new Date(end - 8 * 86_400_000), end: new Date(end), uniquePrefix: `t${seed}` });
  console.log(`# generated history with seed ${seed} (repeat with CG_TEST_SEED=${seed})`);
});

test('every block on freshly generated history equals ccusage 20.0.24, the active one included', { skip: ccusageSkip }, async () => {
  const [ours, theirs] = await Promise.all([ourBlocks(home), ccusageBlocks(home)]);
  assertSameBlocks(ours, theirs);
  const active = theirs.filter((b) => b.isActive);
  const ourActive = ours.filter((b) => b.isActive);
  assert.equal(ourActive.length, active.length);
  if (active.length) {
    assert.ok(Math.abs(ourActive[0].burnRate.tokensPerMinute - active[0].burnRate.tokensPerMinute) < 1e-6, 'burn rate');
  }
});

test('window_5h_tokens equals ccusage\'s active block', { skip: ccusageSkip }, async () => {
  const theirs = (await ccusageBlocks(home)).find((b) => b.isActive);
  const r = await runCli(['usage'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state') }) });
  const u = JSON.parse(r.stdout);
  assert.equal(u.window_5h_tokens, theirs ? theirs.totalTokens : 0);
  assert.equal(u.window_5h_block_start, theirs ? theirs.startTime : null);
});

/** The independent count: every assistant line in path order; each token kind counts its growth, at its line's time. */
async function oracle(dir: string) {
  const peak = new Map<string, number[]>();
  const deltas: { t: number; d: number[] }[] = [];
  for (const x of await historyUsageLines(dir)) {
    const r = x.r;
    if (r.message.model === '<synthetic>') continue;
    const now = [x.input, x.output, x.cacheCreation, x.cacheRead];
    const key = `${r.message.id}:${r.requestId}`;
    const was = peak.get(key) ?? [0, 0, 0, 0];
    const d = now.map((v, i) => Math.max(0, v - was[i]));
    peak.set(key, now.map((v, i) => Math.max(v, was[i])));
    if (d.some((v) => v > 0)) deltas.push({ t: x.at, d });
  }
  const sum = (from: number, to: number) => {
    const s = [0, 0, 0, 0];
    for (const x of deltas) if (x.t > from && x.t <= to) x.d.forEach((v, i) => (s[i] += v));
    return s;
  };
  return { sum, times: deltas.map((x) => x.t) };
}

test('rate_1m, tokens_5m and cache_hit_rate equal an independent count at moments across the history', async () => {
  const { sum, times } = await oracle(home);
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state') });
  // Busy moments (seconds after lines were written, spread over the history) and a quiet one.
  const pick = (f: number) => times[Math.floor(f * (times.length - 1))] + 20_000;
  const moments = [0.1, 0.3, 0.5, 0.7, 0.9, 1].map(pick).concat([end - 3 * 86_400_000 + 1234]);
  let busy = 0;
  for (const t of moments) {
    const r = await runCli(['usage', '--now', new Date(t).toISOString()], { env });
    const u = JSON.parse(r.stdout);
    const m1 = sum(t - 60_000, t);
    const m5 = sum(t - 300_000, t);
    const total1 = m1.reduce((a, b) => a + b, 0);
    if (total1 > 0) busy++;
    assert.equal(u.rate_1m, total1, `rate_1m at ${new Date(t).toISOString()}`);
    assert.equal(u.tokens_5m, m5.reduce((a, b) => a + b, 0), `tokens_5m at ${new Date(t).toISOString()}`);
    const denom = m5[0] + m5[2] + m5[3];
    assert.equal(u.cache_hit_rate, denom > 0 ? m5[3] / denom : 0);
  }
  assert.ok(busy >= 5, `busy moments had traffic in their minute (${busy})`);
});
