// `calibrate` as a user runs it, its figures checked against values computed here from the
// transcripts with a reader of the test's own and from the `blocks` and `usage` commands.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assistant } from './helpers/lines.js';
import { historyUsageLines } from './helpers/raw-usage.js';
import { fixtureCopy, isolatedEnv, runCli, tempDir } from './helpers/cli.js';

const MIN = 60_000;
const H = 3_600_000;

interface Response {
  at: number;
  total: number;
  sidechain: boolean;
}

/** Every transcript line with usage, folded per response: the main thread's copy over a subagent's, then the larger. */
async function readResponses(configDir: string): Promise<Response[]> {
  const byKey = new Map<string, Response>();
  for (const { r, total } of await historyUsageLines(configDir)) {
    const key = r.message.id && r.requestId ? `${r.message.id}:${r.requestId}` : r.message.id ? `${r.message.id}@${r.sessionId}/${r.agentId ?? ''}` : `${r.uuid}:${r.timestamp}`;
    const cur = byKey.get(key);
    const mine = { at: Date.parse(r.timestamp), total, sidechain: r.isSidechain === true };
    const wins = !cur || (mine.sidechain !== cur.sidechain ? !mine.sidechain : mine.total > cur.total);
    if (wins) byKey.set(key, mine);
  }
  return [...byKey.values()].sort((a, b) => a.at - b.at);
}

function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

async function setup() {
  const home = await tempDir('home');
  const claude = await fixtureCopy();
  const state = path.join(home, 'state');
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: claude, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CONFIG: path.join(home, 'config.json') });
  return { home, claude, state, env, config: path.join(home, 'config.json') };
}

async function calibrateJson(env: NodeJS.ProcessEnv, extra: string[] = []) {
  const r = await runCli(['calibrate', '--json', ...extra], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('calibrate: the largest blocks match `blocks`, the minute percentiles match the transcripts, and the rules hold', async () => {
  const { claude, env } = await setup();
  const c = await calibrateJson(env);
  const blocks = JSON.parse((await runCli(['blocks', '--json'], { env })).stdout).blocks;
  const finished = blocks.filter((b: any) => !b.isGap && !b.isActive).sort((a: any, b: any) => b.totalTokens - a.totalTokens);
  assert.ok(finished.length >= 3, 'the fixtures hold several finished blocks');
  assert.deepEqual(
    c.topBlocks.map((b: any) => [new Date(b.start).toISOString(), b.totalTokens]),
    finished.slice(0, 5).map((b: any) => [b.startTime, b.totalTokens]),
  );

  const responses = await readResponses(claude);
  assert.equal(c.responses, responses.length);
  const perMinute = new Map<number, number>();
  for (const r of responses) perMinute.set(Math.floor(r.at / MIN), (perMinute.get(Math.floor(r.at / MIN)) ?? 0) + r.total);
  const rates = [...perMinute.values()].filter((v) => v > 0).sort((a, b) => a - b);
  assert.deepEqual(c.rates, { activeMinutes: rates.length, p50: nearestRank(rates, 50), p90: nearestRank(rates, 90), p99: nearestRank(rates, 99), max: rates.at(-1) });

  // Ceiling: the largest finished block rounded up to three significant figures.
  const largest = finished[0].totalTokens;
  const unit = 10 ** (String(largest).length - 3);
  assert.equal(c.ceiling.value, Math.ceil(largest / unit) * unit);
  // Redline: a round figure at or above p99, less than 25 % above it.
  const p99 = nearestRank(rates, 99);
  assert.ok(c.redline.value >= p99 && c.redline.value <= p99 * 1.25, `${c.redline.value} vs p99 ${p99}`);
  const mantissa = c.redline.value / 10 ** Math.floor(Math.log10(c.redline.value));
  assert.match(String(mantissa), /^\d(\.\d)?$/, `a round figure: ${c.redline.value}`);
  assert.deepEqual(c.paste.env, [`CLAUDE_GAUGE_5H_CEILING=${c.ceiling.value}`, `CLAUDE_GAUGE_TACH_REDLINE=${c.redline.value}`]);

  const text = await runCli(['calibrate'], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`${largest.toLocaleString('en-US')} tokens`));
  assert.match(text.stdout, new RegExp(`p99 ${p99.toLocaleString('en-US')}`));
  assert.match(text.stdout, /^ {2}CLAUDE_GAUGE_5H_CEILING=\d+$/m);
  assert.match(text.stdout, /^ {2}\{"ceiling5h": \d+, "tachRedline": \d+\}$/m);
  assert.match(text.stdout, /never seen \(wire the statusline/);
});

test("calibrate: sightings of Claude Code's percent imply a ceiling; the estimate's error is measured against `usage --now`", async () => {
  const { claude, state, env } = await setup();
  // The busiest block of the fixtures opened 2026-02-12 14:00 UTC; three made-up official figures inside it.
  const resetsAt = Date.parse('2026-02-12T19:00:00Z');
  const sightings = [
    { at: Date.parse('2026-02-12T15:05:00Z'), pct: 20 },
    { at: Date.parse('2026-02-12T16:10:00Z'), pct: 45 },
    { at: Date.parse('2026-02-12T17:30:00Z'), pct: 70 },
    { at: Date.parse('2026-02-12T14:20:00Z'), pct: 4 }, // too coarse to imply a ceiling, still an estimate to compare
  ];
  await fs.mkdir(state, { recursive: true });
  await fs.writeFile(path.join(state, 'limits-log.jsonl'), sightings.map((s) => JSON.stringify({ at: s.at, used_percentage: s.pct, resets_at: resetsAt })).join('\n') + '\n');
  const c = await calibrateJson(env);

  const responses = await readResponses(claude);
  const windowTokens = (at: number) => responses.filter((r) => r.at >= resetsAt - 5 * H && r.at <= at).reduce((a, r) => a + r.total, 0);
  const byTime = [...sightings].sort((a, b) => a.at - b.at);
  assert.deepEqual(c.observations.map((o: any) => o.windowTokens), byTime.map((s) => windowTokens(s.at)));
  const implied = byTime.filter((s) => s.pct >= 10).map((s) => Math.round(windowTokens(s.at) / (s.pct / 100))).sort((a, b) => a - b);
  assert.ok(implied.every((v) => v > 0));
  assert.equal(c.implied.median, implied[1]);
  const unit = 10 ** (String(Math.round(implied[1])).length - 3);
  assert.equal(c.ceiling.value, Math.round(implied[1] / unit) * unit);
  assert.match(c.ceiling.rule, /median of 3/);

  // Our estimate at each sighting is what `usage --now` showed then, over the ceiling in use now.
  const ceilingNow = JSON.parse((await runCli(['usage'], { env })).stdout).window_5h_ceiling;
  assert.equal(c.current.ceiling, ceilingNow);
  let err = 0;
  let errProposed = 0;
  for (const s of byTime) {
    const u = JSON.parse((await runCli(['usage', '--now', new Date(s.at).toISOString()], { env })).stdout);
    err += Math.abs(Math.min(100, (100 * u.window_5h_tokens) / ceilingNow) - s.pct);
    errProposed += Math.abs(Math.min(100, (100 * u.window_5h_tokens) / c.ceiling.value) - s.pct);
  }
  // calibrate counts a response at its final line; `usage --now` also counts one still streaming at
  // that instant (its first lines already carry the input). So they may differ by one response each.
  const slack = (ceiling: number) => (100 * Math.max(...responses.map((r) => r.total))) / ceiling;
  assert.ok(Math.abs(c.tracking.current - err / byTime.length) <= slack(ceilingNow), `${c.tracking.current} vs ${err / byTime.length}`);
  assert.ok(Math.abs(c.tracking.proposed - errProposed / byTime.length) <= slack(c.ceiling.value));
  assert.ok(c.tracking.current > 0, 'made-up figures do not match the estimate exactly');

  const text = (await runCli(['calibrate'], { env })).stdout;
  assert.match(text, /4 sightings/);
  assert.match(text, new RegExp(`implied ceiling: median ${implied[1].toLocaleString('en-US')}`));
  assert.match(text, /mean absolute error \d+\.\d points with the ceiling in use, \d+\.\d with the proposed one/);
});

test('the statusline logs each new official percent; calibrate reads those sightings against fresh work', async () => {
  const { claude, state, env } = await setup();
  const now = Date.now();
  const lines = [1, 2, 3].map((i) => assistant({ id: `msg_cal${i}`, req: `req_cal${i}`, at: now - (40 - i) * MIN, input: 1000 * i, output: 500, cacheRead: 20_000 }));
  await fs.mkdir(path.join(claude, 'projects', 'calibrate-live'), { recursive: true });
  await fs.writeFile(path.join(claude, 'projects', 'calibrate-live', 'live.jsonl'), lines.join('\n') + '\n');
  const resets = Math.floor((now + 4 * H) / 1000);
  const statusline = (pct: number) => runCli(['statusline'], { env, input: JSON.stringify({ rate_limits: { five_hour: { used_percentage: pct, resets_at: resets } } }) });
  for (const pct of [12, 12, 15]) assert.equal((await statusline(pct)).code, 0);
  const log = (await fs.readFile(path.join(state, 'limits-log.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(log.length, 2, 'an unchanged percent is not logged again');

  const c = await calibrateJson(env);
  const fresh = 3 * 500 + 3 * 20_000 + 1000 + 2000 + 3000;
  assert.deepEqual(c.observations.map((o: any) => [o.usedPercentage, o.windowTokens, o.impliedCeiling]), [
    [12, fresh, Math.round(fresh / 0.12)],
    [15, fresh, Math.round(fresh / 0.15)],
  ]);
  assert.match(c.ceiling.rule, /only 2 usable statusline sightings/);
});

test('calibrate --write merges the proposal into the config file, which the gauges then use; an invalid file is left alone', async () => {
  const { env, config } = await setup();
  await fs.writeFile(config, JSON.stringify({ port: 9123, stallMinutes: 7 }));
  const w = await runCli(['calibrate', '--write'], { env });
  assert.equal(w.code, 0, w.stderr);
  const c = await calibrateJson(env);
  const written = JSON.parse(await fs.readFile(config, 'utf8'));
  assert.deepEqual(written, { port: 9123, stallMinutes: 7, ceiling5h: c.ceiling.value, tachRedline: c.redline.value });
  assert.match(w.stdout, new RegExp(`wrote ceiling5h=${c.ceiling.value}, tachRedline=${c.redline.value} to `));
  const u = JSON.parse((await runCli(['usage'], { env })).stdout);
  assert.equal(u.window_5h_ceiling, c.ceiling.value);
  assert.equal(u.window_5h_ceiling_source, 'configured');
  assert.equal(u.tach_redline, c.redline.value);

  await fs.writeFile(config, '{"port": 9123,');
  const bad = await runCli(['calibrate', '--write'], { env });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /not valid JSON.*not writing to it/);
  assert.equal(await fs.readFile(config, 'utf8'), '{"port": 9123,', 'the broken file is untouched');
});

test('calibrate with no history proposes nothing and says why', async () => {
  const home = await tempDir('home');
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: await tempDir('empty'), CLAUDE_GAUGE_STATE_DIR: path.join(home, 'state'), CLAUDE_GAUGE_CONFIG: path.join(home, 'config.json') });
  const r = await runCli(['calibrate', '--write'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /5-hour ceiling: no finished block yet; keep auto/);
  assert.match(r.stdout, /nothing to write yet/);
  await assert.rejects(fs.stat(path.join(home, 'config.json')));
});
