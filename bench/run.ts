// The benchmark: claude-gauge and ccusage side by side on the same generated history.
//   npm run bench -- --sizes 100MB,1GB --runs 3
// Prints a markdown table; data is generated once into --data and reused while fresh.
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../src/generate/corpus.js';
import { appendLatency } from './lib/append.js';
import { touchToLastRecord, writeCurrentChain } from './lib/history.js';
import { prepareCcusage, type Ccusage } from './lib/ccusage.js';
import { historyRows } from './lib/history-build.js';
import { fmt, jsonOf, median, parseSize, percentile, sameBlocks, timed, warmPageCache, type Run } from './lib/measure.js';
import { pollUsage, startServe } from './lib/serve.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claude-gauge.cjs');
// ccusage's native binary, called directly (its npm entry is a Node script that spawns it: that
// start-up is not ccusage's cost); prepared once, untimed, only when the scan is measured.
let ccusage = null as Ccusage | null;
const FRESH_MS = 7 * 86_400_000;

const FIGURES = ['scan', 'cold', 'append', 'load', 'statusline', 'history'];
const USAGE = `usage: npm run bench -- [options]
  --sizes <list>   history sizes to generate and measure, e.g. 100MB,500MB,1GB,2GB (default 100MB)
  --runs <n>       runs of each figure; medians are reported (default 3)
  --only <list>    figures to measure, of ${FIGURES.join(',')} (default all)
  --data <dir>     where generated histories are kept and reused for 7 days (default .bench-data)
  --appends <n>    appends timed for the append figure (default 1000)
  --days <n>       days of activity in a generated history (default 30)
  -h, --help       this text`;

function options() {
  try {
    return parseArgs({
      options: {
        sizes: { type: 'string', default: '100MB' },
        runs: { type: 'string', default: '3' },
        data: { type: 'string', default: path.join(ROOT, '.bench-data') },
        only: { type: 'string', default: FIGURES.join(',') },
        appends: { type: 'string', default: '1000' },
        days: { type: 'string', default: '30' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
}

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const values = options();
if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const only = new Set(values.only!.split(','));
const unknown = [...only].filter((f) => !FIGURES.includes(f));
if (unknown.length) usageError(`--only: no figure named ${unknown.join(', ')}`);
if (!(Number(values.runs) >= 1)) usageError(`--runs: ${values.runs} is not a positive number`);
for (const size of values.sizes!.split(',')) {
  try {
    parseSize(size);
  } catch (err) {
    usageError(`--sizes: ${(err as Error).message}`);
  }
}
const runs = Number(values.runs);
const rows: string[][] = [];

// The gauges are measured on their own: the durable history behind /stats would spend its first
// run reading the whole history into SQLite (a one-time cost, reported in docs/performance.md).
function envFor(dir: string, state: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: state, CLAUDE_CONFIG_DIR: dir, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_HISTORY: 'off' };
}

async function ensureData(label: string, bytes: number): Promise<string> {
  const dir = path.join(values.data!, label);
  const stamp = path.join(dir, 'generated.json');
  if (existsSync(stamp)) {
    const meta = JSON.parse(await fs.readFile(stamp, 'utf8'));
    if (Date.now() - meta.generatedAt < FRESH_MS) {
      // The newest activity must be recent, or cold start has no current block to find: the
      // current chain is written anew (it is small), the bulk of the history kept.
      await writeCurrentChain(dir, 4, 99, true);
      return dir;
    }
  }
  await fs.rm(dir, { recursive: true, force: true });
  const end = new Date();
  const start = new Date(end.getTime() - Number(values.days) * 86_400_000);
  process.stderr.write(`generating ${label} of history in ${dir} ...\n`);
  const t = Date.now();
  const summary = await generateCorpus({ outDir: dir, targetBytes: bytes, start, end: new Date(end.getTime() - 12 * 3_600_000), seed: 7, uniquePrefix: label });
  await writeCurrentChain(dir);
  await touchToLastRecord(dir);
  await fs.writeFile(stamp, JSON.stringify({ generatedAt: Date.now(), summary }));
  process.stderr.write(`  ${summary.files} files, ${(summary.bytes / 1e6).toFixed(0)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  return dir;
}

async function fullScan(label: string, dir: string, state: string) {
  const ours: Run[] = [];
  const theirs: Run[] = [];
  const cc = (ccusage ??= prepareCcusage(ROOT));
  // Each run is checked as it ends: a tool that failed stops the bench and says why.
  const runOurs = async () => {
    const r = await timed(process.execPath, [BIN, 'blocks', '--json'], envFor(dir, state));
    jsonOf(r, `claude-gauge blocks --json (${BIN})`);
    ours.push(r);
  };
  const runTheirs = async () => {
    const r = await timed(cc.cmd, [...cc.argsPrefix, 'blocks', '--json', '--offline'], envFor(dir, state));
    jsonOf(r, `ccusage blocks --json --offline (${[cc.cmd, ...cc.argsPrefix].join(' ')})`);
    theirs.push(r);
  };
  for (let i = 0; i < runs; i++) {
    // Both read from a warm page cache: the kernel here evicts cold pages on its own (DAMON), so
    // whichever tool ran second found the files the first had just brought back in. The order
    // alternates too.
    for (const run of i % 2 === 0 ? [runOurs, runTheirs] : [runTheirs, runOurs]) {
      warmPageCache(dir);
      await run();
    }
  }
  const same = sameBlocks(jsonOf(ours[0], 'blocks'), jsonOf(theirs[0], 'blocks'));
  const [ow, tw] = [median(ours.map((r) => r.ms)), median(theirs.map((r) => r.ms))];
  const [om, tm] = [median(ours.map((r) => r.peakMb ?? NaN)), median(theirs.map((r) => r.peakMb ?? NaN))];
  rows.push([label, 'full scan to all 5-hour blocks, wall ms', fmt(ow), fmt(tw), fmt(ow / tw, 2), same ? 'identical blocks' : 'BLOCKS DIFFER']);
  rows.push([label, 'full scan, peak memory MB', fmt(om), fmt(tm), fmt(om / tm, 2), '']);
}

async function coldStart(label: string, dir: string, state: string) {
  const ref = JSON.parse(execFileSync(process.execPath, [BIN, 'usage', '--compact'], { env: envFor(dir, state), maxBuffer: 1e8 }).toString());
  const correct = (u: any) => u.window_5h_tokens === ref.window_5h_tokens && u.window_5h_block_start === ref.window_5h_block_start && u.last_model_id === ref.last_model_id;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const { url, stop } = await startServe(BIN, envFor(dir, state));
    while (!correct(await (await fetch(`${url}/usage`)).json())) await new Promise((r) => setTimeout(r, 2));
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    await stop();
  }
  rows.push([label, 'serve cold start to first correct /usage, ms (process start included)', fmt(median(times)), '', '', `block ${ref.window_5h_block_start ?? 'none'}, ${ref.window_5h_tokens} tokens`]);
  // Then what follows start-up (the history child, the tree watcher, a rescan), in runs of its
  // own: /usage polled for 3 s, its slowest answer kept, so work that holds the daemon's thread
  // after the first reading shows here rather than hiding behind it.
  const slowest: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { url, stop } = await startServe(BIN, envFor(dir, state));
    const poll = pollUsage(url);
    await new Promise((r) => setTimeout(r, 3000));
    slowest.push(Math.max(...(await poll.stop()).map((a) => a.ms)));
    await stop();
  }
  rows.push([label, 'slowest /usage in the 3 s after start-up (housekeeping, history read), ms', fmt(median(slowest), 1), '', '', 'polled every 5 ms']);
}

async function underLoad(label: string, dir: string, state: string) {
  if (!existsSync('/usr/bin/wrk')) {
    rows.push([label, '/usage under load', 'n/a', '', '', 'install wrk (apt-get install wrk)']);
    return;
  }
  const { child, url, stop } = await startServe(BIN, envFor(dir, state));
  // Measure the steady state: after the background read of older history has finished.
  while (!(await (await fetch(`${url}/usage`)).json()).source.backfill.done) await new Promise((r) => setTimeout(r, 50));
  // Idle: what the daemon costs while nothing happens (timers, watchers), over 10 s, in the steady
  // state: after the clean-up that ends indexing (old history forgotten, and the full collection
  // V8's memory reducer runs a few seconds later, about 0.1 s of CPU once).
  await new Promise((r) => setTimeout(r, 15_000));
  const cpu = async () => {
    const f = (await fs.readFile(`/proc/${child.pid}/stat`, 'utf8').catch(() => '')).split(') ')[1]?.split(' ') ?? [];
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in ms at 100 ticks/s
  };
  const c0 = await cpu();
  await new Promise((r) => setTimeout(r, 10_000));
  const idleCpu = ((await cpu()) - c0) / 10_000;
  const idleStat = await fs.readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
  const idleRss = /VmRSS:\s+(\d+)/.exec(idleStat);
  rows.push([label, 'daemon idle CPU after indexing (% of one core, 10 s)', fmt(idleCpu * 100, 2), '', '', `resident memory ${idleRss ? fmt(Number(idleRss[1]) / 1024) : 'n/a'} MB`]);
  const ms = (m: RegExpExecArray | null) => (m ? Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]] : NaN);
  for (const conns of [4, 32]) {
    const out = execFileSync('wrk', ['-t2', `-c${conns}`, '-d5s', '--latency', `${url}/usage`]).toString();
    const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
    const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
    rows.push([label, `/usage latency under wrk (2 threads, ${conns} connections), p50 / p99 ms`, `${fmt(ms(p50), 2)} / ${fmt(ms(p99), 2)}`, '', '', `${fmt(Number(rps?.[1]))} req/s`]);
  }
  const stat = await fs.readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
  const rss = /VmRSS:\s+(\d+)/.exec(stat);
  rows.push([label, 'daemon resident memory after the load, MB', rss ? fmt(Number(rss[1]) / 1024) : 'n/a', '', '', '']);
  await stop();
}

async function statusline(label: string, dir: string, state: string) {
  const input = JSON.stringify({ model: { display_name: 'Opus' }, rate_limits: { five_hour: { used_percentage: 10, resets_at: Math.floor(Date.now() / 1000) + 3600 } } });
  const times: number[] = [];
  for (let i = 0; i < Math.max(10, runs); i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, [BIN, 'statusline'], { env: envFor(dir, state), input });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  rows.push([label, '`statusline` wall time per call, ms (no daemon)', fmt(median(times)), '', '', `p90 ${fmt(percentile(times, 90))}`]);
}

for (const size of values.sizes!.split(',')) {
  const dir = await ensureData(size, parseSize(size));
  const state = await fs.mkdtemp(path.join(values.data!, 'state-'));
  if (only.has('scan')) await fullScan(size, dir, state);
  if (only.has('cold')) await coldStart(size, dir, state);
  if (only.has('append')) {
    // A copy would take long at GB sizes: the live file goes into the history folder and is removed after.
    const a = await appendLatency(BIN, envFor(dir, state), dir, Number(values.appends));
    await fs.rm(path.join(dir, 'projects', '-bench-live'), { recursive: true, force: true });
    rows.push([size, `append to /usage, ${a.n} appends: median / p99 ms`, `${fmt(a.pollMedian, 1)} / ${fmt(a.pollP99, 1)}`, '', '', 'polled as fast as possible']);
    rows.push([size, `append to the page's live push (SSE): median / p99 ms`, `${fmt(a.pushMedian, 1)} / ${fmt(a.pushP99, 1)}`, '', '', '']);
  }
  if (only.has('load')) await underLoad(size, dir, state);
  if (only.has('statusline')) await statusline(size, dir, state);
  if (only.has('history')) rows.push(...(await historyRows(BIN, dir, values.data!, runs, size, (ccusage ??= prepareCcusage(ROOT)))));
  await fs.rm(state, { recursive: true, force: true });
}

const head = ['history', 'figure', 'claude-gauge', ccusage ? `${ccusage.version}${ccusage.native ? '' : ' (Node launcher)'}` : 'ccusage', 'ratio', 'note'];
console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nmedians of ${runs} runs; node ${process.version}; ${(await import('node:os')).cpus()[0]?.model ?? ''}`);
