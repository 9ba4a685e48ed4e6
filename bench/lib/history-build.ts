// The durable history's first build, as a fresh `serve` does it: wall time until /api/ingest
// says the backfill is done, the daemon's peak resident memory (VmHWM: its own threads; any child
// process it starts is measured apart, its largest peak), and /usage latency while it runs.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Ccusage } from './ccusage.js';
import { fmt, jsonOf, median, percentile, sameBlocks, timed, warmPageCache } from './measure.js';
import { pollUsage, startServe } from './serve.js';
import { USAGE_FIRST_BYTES } from '../../src/store/follow.js';

export interface HistoryBuild {
  ms: number;
  /** Until /api/ingest said the responses were in (a large build's first pass, build-phases.ts; else the whole build). */
  responsesInMs: number;
  /** The daemon process's peak resident memory, MB. */
  mainPeakMb: number;
  /** The largest peak of the daemon's child processes seen while building, MB (0: none). */
  childPeakMb: number;
  /** /usage p99 from the moment /api/ingest first showed the build under way until it said done. */
  usageP99Ms: number;
  usageCount: number;
  /** The same over the whole wait, the daemon's own start-up included (its slowest moments). */
  usageP99FromStartMs: number;
  /** /api/ingest answered while building with a progress figure (files_done below files_total). */
  sawProgress: boolean;
}

/**
 * How often /usage is polled while the timed build runs: as the device does. Polled every 5 ms,
 * the build, at the lowest priority, gave up a share of both cores to the two busy processes and
 * their switches: at 2 GB, three changes to the details' pass that took the build in one process
 * from 37-38 s to 30-33 took a fresh `serve` from 42.6 to 33.2 s polled every 50 ms, and from
 * 48.2 to 48.9 polled every 5. /usage's latency under that load is measured in a build of its
 * own (LATENCY_POLL_MS).
 */
const DEVICE_POLL_MS = 1000;
const LATENCY_POLL_MS = 5;

/** `env` must point CLAUDE_GAUGE_STATE_DIR at an empty folder (no history yet) with the history on. */
export async function historyBuild(bin: string, env: NodeJS.ProcessEnv, pollEveryMs = LATENCY_POLL_MS): Promise<HistoryBuild> {
  const started = performance.now();
  const { child, url, stop } = await startServe(bin, env);
  let buildSeenAt = Infinity;
  let childPeakKb = 0;
  let sawProgress = false;
  let responsesInMs = NaN;
  const poll = pollUsage(url, pollEveryMs);
  const watchChildren = setInterval(() => void childrenPeakKb(child.pid!).then((kb) => (childPeakKb = Math.max(childPeakKb, kb))), 100);
  try {
    for (;;) {
      // The progress route alone: /api/summary's totals would cost the daemon's thread tens of ms a poll.
      const r = await fetch(`${url}/api/ingest`);
      const ingest = r.ok ? ((await r.json()) as { ingest: { backfilled: boolean; responses_in: boolean; files_done: number; files_total: number } | null }).ingest : null;
      if ((ingest?.responses_in || ingest?.backfilled) && Number.isNaN(responsesInMs)) responsesInMs = performance.now() - started;
      if (ingest?.backfilled) break;
      if (ingest && ingest.files_total > 0) buildSeenAt = Math.min(buildSeenAt, performance.now());
      if (ingest && ingest.files_done > 0 && ingest.files_done < ingest.files_total) sawProgress = true;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    clearInterval(watchChildren);
  }
  const ms = performance.now() - started;
  const answers = await poll.stop();
  const mainPeakMb = (await peakKb(child.pid!)) / 1024;
  await stop();
  const during = answers.filter((a) => a.at >= buildSeenAt).map((a) => a.ms);
  const all = answers.map((a) => a.ms);
  return { ms, responsesInMs, mainPeakMb, childPeakMb: childPeakKb / 1024, usageP99Ms: during.length ? percentile(during, 99) : NaN, usageCount: during.length, usageP99FromStartMs: percentile(all, 99), sawProgress };
}

async function peakKb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** The largest VmHWM among `pid`'s direct children now. */
async function childrenPeakKb(pid: number): Promise<number> {
  const kids = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  let max = 0;
  for (const k of kids.split(/\s+/).filter(Boolean)) max = Math.max(max, (await peakKb(Number(k))) || 0);
  return max;
}

export interface HistoryRestart {
  /** The slowest /usage in the first RESTART_WATCH_MS after the daemon said it serves (no other request meanwhile). */
  slowestUsageMs: number;
  /** In a second start: until /api/ingest says the history is current again, from the process's start. */
  currentMs: number;
  /** Then: the /stats page's queries (every /api route at once, as the page asks them), wall. */
  pageMs: number;
  /** The slowest /usage meanwhile (polled every 5 ms): what a device polling the daemon sees while someone opens the page. */
  pageUsageMaxMs: number;
  pageRoutes: number;
}

const RESTART_WATCH_MS = 3000;

/**
 * `serve` started again on the history a first build left, nothing new in the transcripts: what
 * every start after the first (a login, an upgrade) costs. Twice: once with /usage polled every
 * 5 ms from the moment it serves (the daemon opens, checks and catches the history up meanwhile),
 * once with /api/ingest polled until it says current (apart: the first /api request loads the
 * page's fetch adapter, listen.ts, which a device polling /usage never does).
 */
export async function historyRestart(bin: string, env: NodeJS.ProcessEnv): Promise<HistoryRestart> {
  let slowest = 0;
  {
    const { url, stop } = await startServe(bin, env);
    try {
      const poll = pollUsage(url);
      await new Promise((r) => setTimeout(r, RESTART_WATCH_MS));
      slowest = Math.max(...(await poll.stop()).map((a) => a.ms));
    } finally {
      await stop();
    }
  }
  const started = performance.now();
  const { url, stop } = await startServe(bin, env);
  try {
    const current = async () => ((await (await fetch(`${url}/api/ingest`)).json()) as { ingest: { backfilled: boolean } | null }).ingest?.backfilled === true;
    while (!(await current())) await new Promise((r) => setTimeout(r, 20));
    const currentMs = performance.now() - started;
    // The page once the daemon's start-up work is over too (its summary of the older history runs
    // on both cores for 1-2 s at 2 GB): what the page costs, not what it shares the machine with.
    const settled = async () => ((await (await fetch(`${url}/usage`)).json()) as { source?: { backfill?: { done?: boolean } } }).source?.backfill?.done === true;
    while (!(await settled())) await new Promise((r) => setTimeout(r, 50));
    return { slowestUsageMs: slowest, currentMs, ...(await statsPage(url)) };
  } finally {
    await stop();
  }
}

/** Every /api route at once, as the /stats page asks for its panels, with /usage polled every 5 ms meanwhile. */
async function statsPage(url: string): Promise<{ pageMs: number; pageUsageMaxMs: number; pageRoutes: number }> {
  const routes = ((await (await fetch(`${url}/api`)).json()) as { routes: { path: string }[] }).routes.map((r) => r.path);
  const poll = pollUsage(url);
  const t = performance.now();
  await Promise.all(
    routes.map(async (p) => {
      const res = await fetch(url + p);
      if (!res.ok) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }),
  );
  const pageMs = performance.now() - t;
  const slowest = Math.max(...(await poll.stop()).map((a) => a.ms));
  return { pageMs, pageUsageMaxMs: slowest, pageRoutes: routes.length };
}

/**
 * A report (`--timezone UTC`) from the history (`from`: '' for `--from auto`), from the
 * transcripts, and by ccusage, in that order; each run checked as it ends.
 */
async function reportRuns(bin: string, cc: Ccusage, kind: string, env: NodeJS.ProcessEnv, from: '' | 'history') {
  const args = [bin, kind, '--json', '--timezone', 'UTC'];
  const history = await timed(process.execPath, from ? [...args, '--from', from] : args, env);
  const scan = await timed(process.execPath, [...args, '--from', 'transcripts'], env);
  jsonOf(scan, `claude-gauge ${kind} --json --from transcripts`);
  const theirs = await timed(cc.cmd, [...cc.argsPrefix, kind, '--json', '--offline', '--timezone', 'UTC'], env);
  jsonOf(theirs, `ccusage ${kind} --json --offline`);
  return { history, scan, theirs };
}

/** A fresh state folder beside `base` for one build. */
export async function freshState(base: string): Promise<string> {
  return fs.mkdtemp(path.join(base, 'history-state-'));
}

/**
 * The benchmark's rows: `runs` first builds of the history of `dir`, each from an empty state
 * folder, beside a full scan (`blocks --json`) run just before each for the ratio, and `blocks
 * --json` once more after each build, answered from that history.
 */
export async function historyRows(bin: string, dir: string, dataDir: string, runs: number, label: string, cc: Ccusage): Promise<string[][]> {
  const builds: HistoryBuild[] = [];
  const loaded: HistoryBuild[] = [];
  const restarts: HistoryRestart[] = [];
  const scans: number[] = [];
  const fromHistory: number[] = [];
  const theirs: number[] = [];
  let same = true;
  const [dailyHistory, dailyScan, dailyTheirs, dailyScanMb, dailyTheirsMb] = [[], [], [], [], []] as number[][];
  let dailySame = true;
  const [sessionScan, sessionTheirs, sessionScanMb, sessionTheirsMb] = [[], [], [], []] as number[][];
  let sessionSame = true;
  for (let i = 0; i < runs; i++) {
    const state = await freshState(dataDir);
    const env = { PATH: process.env.PATH, HOME: state, CLAUDE_CONFIG_DIR: dir, CLAUDE_GAUGE_STATE_DIR: state };
    warmPageCache(dir);
    scans.push((await timed(process.execPath, [bin, 'blocks', '--json'], { ...env, CLAUDE_GAUGE_HISTORY: 'off' })).ms);
    warmPageCache(dir);
    builds.push(await historyBuild(bin, env, DEVICE_POLL_MS));
    // /usage's latency while a build runs: another first build, /usage polled every 5 ms.
    const busy = await freshState(dataDir);
    warmPageCache(dir);
    loaded.push(await historyBuild(bin, { ...env, HOME: busy, CLAUDE_GAUGE_STATE_DIR: busy }, LATENCY_POLL_MS));
    await fs.rm(busy, { recursive: true, force: true });
    // The same report once the history is current (the daemon has stopped): `--from auto` must choose it.
    const r = await timed(process.execPath, [bin, 'blocks', '--json'], env);
    if (!r.stderr.includes('(from the history)')) throw new Error(`blocks did not answer from the current history: ${r.stderr}`);
    fromHistory.push(r.ms);
    // ccusage's answer to the same question, in the same minutes: it has no history to ask.
    const c = await timed(cc.cmd, [...cc.argsPrefix, 'blocks', '--json', '--offline'], env);
    theirs.push(c.ms);
    same &&= sameBlocks(jsonOf(r, 'claude-gauge blocks --json (from the history)'), jsonOf(c, 'ccusage blocks --json --offline'));
    // `daily` from that history, from the transcripts (what a report without a current history
    // does), and ccusage's; our two answers must be the same JSON.
    const tz = { ...env, TZ: 'UTC' };
    const d = await reportRuns(bin, cc, 'daily', tz, '');
    if (!d.history.stderr.includes('(from the history')) throw new Error(`daily did not answer from the current history: ${d.history.stderr}`);
    if (jsonOf(d.history, 'claude-gauge daily --json').daily === undefined) throw new Error('daily --json gave no rows');
    dailyHistory.push(d.history.ms);
    dailyScan.push(d.scan.ms);
    dailyScanMb.push(d.scan.peakMb ?? NaN);
    dailySame &&= d.history.stdout === d.scan.stdout;
    dailyTheirs.push(d.theirs.ms);
    dailyTheirsMb.push(d.theirs.peakMb ?? NaN);
    // `session` the same way: from the transcripts, its copies folded in the history's order.
    const ss = await reportRuns(bin, cc, 'session', tz, 'history');
    sessionScan.push(ss.scan.ms);
    sessionScanMb.push(ss.scan.peakMb ?? NaN);
    sessionSame &&= ss.history.stdout === ss.scan.stdout;
    sessionTheirs.push(ss.theirs.ms);
    sessionTheirsMb.push(ss.theirs.peakMb ?? NaN);
    restarts.push(await historyRestart(bin, env));
    await fs.rm(state, { recursive: true, force: true });
  }
  const ms = median(builds.map((b) => b.ms));
  const scan = median(scans);
  const answer = median(fromHistory);
  return [
    [label, 'history first build (fresh `serve` until /api/ingest says backfilled), wall ms', fmt(ms), '', fmt(ms / scan, 1), `x the full scan (${fmt(scan)} ms); /usage polled every ${DEVICE_POLL_MS} ms, as the device does${builds.every((b) => b.sawProgress) ? '; /stats showed progress' : ''}`],
    [label, 'history first build: until the responses are in (reports and token figures answer; the details follow), wall ms', fmt(median(builds.map((b) => b.responsesInMs))), '', fmt(median(builds.map((b) => b.responsesInMs)) / scan, 1), `x the full scan; two passes from ${USAGE_FIRST_BYTES / 1024 / 1024} MB (store/build-phases.ts)`],
    [label, 'history first build: daemon peak resident memory, MB', fmt(median(builds.map((b) => b.mainPeakMb))), '', '', `build child peak ${fmt(median(builds.map((b) => b.childPeakMb)))} MB`],
    [label, 'blocks --json from the current history (--from auto chose it), wall ms', fmt(answer), fmt(median(theirs)), fmt(answer / median(theirs), 2), `${same ? 'identical blocks' : 'BLOCKS DIFFER'}; ${fmt(answer / scan, 2)} x our full scan (${fmt(scan)} ms)`],
    [label, 'daily --json from the current history, wall ms', fmt(median(dailyHistory)), fmt(median(dailyTheirs)), fmt(median(dailyHistory) / median(dailyTheirs), 2), ''],
    [label, 'daily --json read from the transcripts (--from transcripts), wall ms', fmt(median(dailyScan)), fmt(median(dailyTheirs)), fmt(median(dailyScan) / median(dailyTheirs), 2), dailySame ? 'the same JSON as from the history' : 'DIFFERS FROM THE HISTORY'],
    [label, 'daily --json read from the transcripts: peak memory MB', fmt(median(dailyScanMb)), fmt(median(dailyTheirsMb)), fmt(median(dailyScanMb) / median(dailyTheirsMb), 2), ''],
    [label, 'session --json read from the transcripts (--from transcripts), wall ms', fmt(median(sessionScan)), fmt(median(sessionTheirs)), fmt(median(sessionScan) / median(sessionTheirs), 2), sessionSame ? 'the same JSON as from the history' : 'DIFFERS FROM THE HISTORY'],
    [label, 'session --json read from the transcripts: peak memory MB', fmt(median(sessionScanMb)), fmt(median(sessionTheirsMb)), fmt(median(sessionScanMb) / median(sessionTheirsMb), 2), ''],
    [label, 'restart on the current history: slowest /usage in the 3 s after start-up, ms', fmt(median(restarts.map((r) => r.slowestUsageMs)), 1), '', '', 'polled every 5 ms; history on, nothing new in the transcripts'],
    [label, 'restart on the current history: until /api/ingest says current again, wall ms', fmt(median(restarts.map((r) => r.currentMs))), '', '', 'process start included; /api/ingest polled every 20 ms'],
    [label, '/stats page on the current history, the daemon settled: its /api queries at once, wall ms', fmt(median(restarts.map((r) => r.pageMs))), '', '', `${restarts[0]?.pageRoutes} routes; /usage polled every 5 ms meanwhile, slowest ${fmt(median(restarts.map((r) => r.pageUsageMaxMs)), 1)} ms`],
    [label, 'history first build: /usage p99 while it runs, ms', fmt(median(loaded.map((b) => b.usageP99Ms)), 1), '', '', `${fmt(median(loaded.map((b) => b.usageCount)))} requests, polled every ${LATENCY_POLL_MS} ms (a build of its own, which took ${fmt(median(loaded.map((b) => b.ms)))} ms so); from the daemon's start on: ${fmt(median(loaded.map((b) => b.usageP99FromStartMs)), 1)}`],
  ];
}
