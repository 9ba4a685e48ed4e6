// Range, cost, seven days and context from a real daemon on a generated history of the last ten
// days (older files summarized by the history child, newer ones read by the daemon, resumed
// sessions copying responses across files), against three other answers: the one-shot `usage`
// that holds every response itself, an oracle over the raw JSONL written here, and the
// durable-history `daily` report for today's cost.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { touchToLastRecord } from '../bench/lib/history.js';
import { generateCorpus } from '../src/generate/index.js';
import { historyUsageLines, transcriptPaths } from './helpers/raw-usage.js';
import { getJson, isolatedEnv, runCli, startServe, tempDir, waitFor } from './helpers/cli.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

interface Raw {
  key: string;
  at: number;
  total: number;
  context: number;
  sidechain: boolean;
  synthetic: boolean;
}

/** Every usage line of the history, read plainly: one entry per line that parses. */
async function rawLines(dir: string): Promise<Raw[]> {
  return (await historyUsageLines(dir)).map(({ r, at, input, cacheCreation, cacheRead, total }) => ({
    key: `${r.message.id}:${r.requestId}`, at, total, context: input + cacheRead + cacheCreation,
    sidechain: r.isSidechain === true, synthetic: r.message.model === '<synthetic>',
  }));
}

/** Every assistant line of every transcript, as written. */
async function linesOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await transcriptPaths(dir)) out.push(...(await fs.readFile(f, 'utf8')).split('\n').filter((l) => l.includes('"type":"assistant"')));
  return out;
}

/** Each response once, at its largest copy (the generator's copies differ only in output so far). */
function responses(lines: Raw[]): Raw[] {
  const best = new Map<string, Raw>();
  for (const l of lines) {
    const b = best.get(l.key);
    if (!b || l.total > b.total || (l.total === b.total && b.sidechain && !l.sidechain)) best.set(l.key, l);
  }
  return [...best.values()];
}

test('range, cost, seven days and context: the daemon equals the one-shot evaluation, the raw lines and the daily report', { timeout: 180_000 }, async () => {
  const home = await tempDir('outlook-home');
  const state = await tempDir('outlook-state');
  const now = Date.now();
  // Two stretches of work: ten to two days ago (older files: the history child's), and the last
  // 20 hours (the current activity, read by the daemon itself).
  await generateCorpus({ outDir: home, seed: 18, targetBytes: 4 * 1024 * 1024, start: new Date(now - 10 * DAY), end: new Date(now - 2 * DAY), junkRate: 0.01, uniquePrefix: 'a' });
  await generateCorpus({ outDir: home, seed: 19, targetBytes: 3 * 1024 * 1024, start: new Date(now - 20 * H), end: new Date(now - 30 * MIN), junkRate: 0.01, uniquePrefix: 'b' });
  await touchToLastRecord(home);
  const resetsAt = Math.floor((now + 3 * DAY) / 1000);
  const weekStart = resetsAt * 1000 - 7 * DAY;
  // A resumed session: a new file that starts with copies of older responses (inside the weekly
  // window), then a quarter hour of work written now.
  const older = (await rawLines(home)).filter((r) => r.at >= weekStart && r.at < now - 2 * DAY + H);
  assert.ok(older.length > 20, 'older responses to copy');
  const copies = (await linesOf(home)).filter((l) => older.slice(0, 20).some((r) => l.includes(`"requestId":"${r.key.split(':')[1]}"`)));
  const session = path.join(home, 'projects', '-live', 'live-session.jsonl');
  await fs.mkdir(path.dirname(session), { recursive: true });
  const live: string[] = [...copies];
  for (let i = 0; i < 12; i++) {
    const at = new Date(now - (12 - i) * MIN).toISOString();
    live.push(JSON.stringify({
      type: 'assistant', timestamp: at, sessionId: 'live-session', requestId: `req-live-${i}`, isSidechain: false, uuid: `u-live-${i}`,
      message: { id: `msg-live-${i}`, model: 'claude-sonnet-4-5-20250929', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 40, cache_read_input_tokens: 90_000 + i * 1000, cache_creation_input_tokens: 2_000, output_tokens: 700 } },
    }));
  }
  await fs.writeFile(session, live.join('\n') + '\n');
  // Claude Code's own seven-day figure, handed over by the statusline: 20 % used, resetting in 3 days.
  await fs.writeFile(path.join(state, 'statusline.json'), JSON.stringify({ version: 1, seen_at: now - MIN, rate_limits: { five_hour: null, seven_day: { used_percentage: 20, resets_at: resetsAt } } }));

  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_5H_CEILING: '5000000', CLAUDE_GAUGE_TIMEZONE: 'UTC' });
  const serve = await startServe(env);
  try {
    const { value: daemon } = await waitFor(async () => {
      const u = await getJson(`${serve.url}/usage`);
      return u.source.backfill.done && u.cost_today_usd !== null && u.seven_day_ceiling !== null ? u : undefined;
    }, 60_000, 100);
    const one = await runCli(['usage', '--now', daemon.updated_at], { env });
    assert.equal(one.code, 0, one.stderr);
    const full = JSON.parse(one.stdout);
    const at = Date.parse(daemon.updated_at);

    // Seven days: the daemon (child summary + its own files) equals the engine holding every response.
    const all = responses(await rawLines(home));
    const inWeek = all.filter((r) => r.at >= weekStart && r.at <= at).reduce((s, r) => s + r.total, 0);
    assert.ok(all.some((r) => r.at < weekStart), 'the history reaches back past the weekly window');
    assert.equal(daemon.seven_day_tokens, full.seven_day_tokens, 'daemon vs one-shot');
    assert.equal(daemon.seven_day_tokens, inWeek, 'daemon vs the raw lines');
    const sighted = all.filter((r) => r.at >= weekStart && r.at <= now - MIN).reduce((s, r) => s + r.total, 0);
    assert.equal(daemon.seven_day_ceiling, Math.round(sighted / 0.2), 'the ceiling the 20 % sighting implies');
    assert.equal(daemon.seven_day_estimate_pct, Math.min(1, inWeek / daemon.seven_day_ceiling));

    // Cost: today from the durable history's report, the block and today from the one-shot evaluation.
    assert.ok(daemon.cost_today_usd > 0 && daemon.cost_block_usd > 0);
    assert.ok(Math.abs(daemon.cost_today_usd - full.cost_today_usd) < 1e-3, `today ${daemon.cost_today_usd} vs ${full.cost_today_usd}`);
    assert.ok(Math.abs(daemon.cost_block_usd - full.cost_block_usd) < 1e-3, `block ${daemon.cost_block_usd} vs ${full.cost_block_usd}`);
    const today = new Date(at).toISOString().slice(0, 10);
    const daily = await runCli(['daily', '--json', '--since', today.replaceAll('-', ''), '--timezone', 'UTC'], { env });
    assert.equal(daily.code, 0, daily.stderr);
    const report = JSON.parse(daily.stdout);
    assert.ok(Math.abs(report.totals.totalCost - daemon.cost_today_usd) < 1e-3, `daily report ${report.totals.totalCost} vs live ${daemon.cost_today_usd}`);

    // Burn and range: the live quarter hour, the busiest minute capped at the next.
    const minutes = new Array(15).fill(0);
    for (const r of all) if (r.at > at - 15 * MIN && r.at <= at) minutes[Math.min(14, Math.floor((at - r.at) / MIN))] += r.total;
    const sorted = [...minutes].sort((a, b) => b - a);
    const expectedBurn = Math.round((minutes.reduce((s, v) => s + v, 0) - (sorted[0] - sorted[1])) / 15);
    assert.equal(daemon.burn_rate_tpm, expectedBurn);
    assert.equal(daemon.burn_rate_tpm, full.burn_rate_tpm);
    const left = (1 - daemon.window_5h_pct) * daemon.window_5h_ceiling;
    const emptyAt = Date.parse(daemon.window_5h_empty_at);
    assert.ok(Math.abs(emptyAt - (at + (left / daemon.burn_rate_tpm) * MIN)) < MIN, 'empty at: what is left at the burn');
    assert.equal(daemon.window_5h_runs_out, emptyAt < Date.parse(daemon.window_5h_resets_at));

    // Context: the newest main-session request of the history.
    const newest = all.filter((r) => !r.sidechain && !r.synthetic).sort((a, b) => b.at - a.at)[0];
    assert.equal(daemon.context_tokens, newest.context);
    assert.equal(daemon.context_window, newest.context > 200_000 ? 1_000_000 : 200_000);
    assert.equal(daemon.context_model, 'claude-sonnet-4-5-20250929');
  } finally {
    await serve.stop();
  }

  // The learned weekly ceiling outlives the daemon and its hand-off.
  const kept = JSON.parse(await fs.readFile(path.join(state, 'seven-day.json'), 'utf8'));
  assert.equal(kept.version, 1);
  await fs.rm(path.join(state, 'statusline.json'));
  const again = await startServe(env);
  try {
    const { value } = await waitFor(async () => {
      const u = await getJson(`${again.url}/usage`);
      return u.source.backfill.done ? u : undefined;
    }, 60_000, 100);
    assert.equal(value.seven_day_ceiling, kept.tokens);
    assert.equal(value.seven_day_pct, null, 'no statusline figure any more; the estimate stands in');
    assert.ok(value.seven_day_estimate_pct > 0);
  } finally {
    await again.stop();
  }
});
