// What can lie in the transcript folders, met by the real `serve` over loopback: link loops and
// links to nothing, FIFOs under a transcript's name (also replacing the file being written), a
// 50 MB line left unterminated while it grows, and a daemon out of file descriptors. Each must
// leave the daemon serving, every good record counted once, and SIGTERM ending it promptly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { transcriptFiles } from '../../src/store/ingest.js';
import { assistant } from '../helpers/lines.js';
import { fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor, type Served } from '../helpers/cli.js';
import { startServeAs } from './helpers.js';

const LINUX = process.platform === 'linux';
const TICKS = LINUX ? Number(execFileSync('getconf', ['CLK_TCK']).toString()) : 100;

/** CPU seconds a process has used (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
}

let n = 0;
/** A response dated now, in a session of its own project. */
function record(session = 'live'): string {
  n++;
  return assistant({ id: `msg_h${n}_${process.pid}`, req: `req_h${n}`, at: Date.now(), input: 7, output: 3, session }) + '\n';
}

async function liveHome(): Promise<{ home: string; state: string; live: string; project: string }> {
  const home = await fixtureCopy();
  const project = path.join(home, 'projects', '-home-dev-hostile');
  await fs.mkdir(project, { recursive: true });
  const live = path.join(project, 'live.jsonl');
  await fs.writeFile(live, record());
  return { home, state: await tempDir('hostile-state'), live, project };
}

/** SIGTERM, then how long the daemon took to exit (killed after 10 s: a failure, not a hang of the suite). */
async function stopTimed(s: Served): Promise<{ ms: number; code: number | null }> {
  // serve takes SIGTERM as "stop cleanly" once its start-up banner is out (before, the default action ends it).
  await waitFor(async () => s.stderr().includes('claude-gauge: reading '), 10_000, 20);
  const start = Date.now();
  if (s.child.exitCode !== null) return { ms: 0, code: s.child.exitCode };
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  const killer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(killer);
  return { ms: Date.now() - start, code };
}

async function usageTimed(url: string): Promise<{ u: any; ms: number }> {
  const start = Date.now();
  const u = await getJson(`${url}/usage`);
  return { u, ms: Date.now() - start };
}

test('link loops, a self-link, links to nothing and through a file, at start and added live: each a problem line; serve starts, keeps serving through rescans, counts every good record', { timeout: 60_000 }, async () => {
  const { home, state, live, project } = await liveHome();
  const good = transcriptFiles([home]).length;
  await fs.symlink('b', path.join(project, 'a'));
  await fs.symlink('a', path.join(project, 'b'));
  await fs.symlink('self.jsonl', path.join(project, 'self.jsonl'));
  await fs.symlink('nowhere.jsonl', path.join(project, 'dangling.jsonl'));
  await fs.symlink(path.join(live, 'x'), path.join(project, 'through.jsonl'));
  await fs.symlink('loop-dir', path.join(home, 'projects', 'loop-dir')); // a projects entry linking to itself
  const s = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_RESCAN_SECONDS: '1' }));
  try {
    const { u } = await usageTimed(s.url);
    const problems: string[] = u.source.problems;
    for (const want of [
      `cannot read ${path.join(project, 'a')}: ELOOP`,
      `cannot read ${path.join(project, 'self.jsonl')}: ELOOP`,
      `cannot follow ${path.join(project, 'dangling.jsonl')}: a link to nothing`,
      `cannot read ${path.join(project, 'through.jsonl')}: ENOTDIR`,
      `cannot read ${path.join(home, 'projects', 'loop-dir')}: ELOOP`,
    ]) assert.ok(problems.includes(want), `${want} in ${JSON.stringify(problems)}`);
    assert.equal(u.source.ok, true, 'links to nowhere hold no records: listed, but no STALL');
    assert.equal(u.stall, false);
    assert.equal(u.source.files, good, 'every good file followed');
    // Added while it runs: the tree watcher hears them, the rescans list them.
    await fs.symlink('d.jsonl', path.join(project, 'c.jsonl'));
    await fs.symlink('c.jsonl', path.join(project, 'd.jsonl'));
    await fs.symlink('again.jsonl', path.join(project, 'again.jsonl'));
    const records = u.source.records;
    await fs.appendFile(live, record());
    const after = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.records === records + 1 && v.source.problems.includes(`cannot read ${path.join(project, 'again.jsonl')}: ELOOP`) && v;
    }, 10_000, 100);
    await new Promise((r) => setTimeout(r, 2500)); // two more rescans over all of it
    const last = await getJson(`${s.url}/usage`);
    assert.equal(last.source.records, records + 1, 'each record once');
    assert.equal(last.source.files, good);
    const stop = await stopTimed(s);
    assert.equal(stop.code, 0, s.stderr());
    assert.ok(!/Error|ELOOP.*\n\s+at /.test(s.stderr()), s.stderr());
    console.log(`# hostile links: ${JSON.stringify({ problems: after.value.source.problems.length, files: good, stopMs: stop.ms })}`);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
});

test('FIFOs named *.jsonl, added live and replacing the file being written: never opened; /usage answers, records count, SIGTERM ends it promptly', { timeout: 60_000, skip: !LINUX && 'Linux only (mkfifo, /proc)' }, async () => {
  const { home, state, live, project } = await liveHome();
  const s = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_RESCAN_SECONDS: '2' }));
  try {
    const { u } = await usageTimed(s.url);
    const records = u.source.records;
    // More FIFOs than libuv has threads, each a tree-watcher event; and the live file written, so it is hot.
    const fifos = Array.from({ length: 6 }, (_, i) => path.join(project, `pipe${i}.jsonl`));
    for (const f of fifos) execFileSync('mkfifo', [f]);
    await fs.appendFile(live, record());
    await waitFor(async () => (await getJson(`${s.url}/usage`)).source.records === records + 1, 5000, 50);
    // The hot file (direct watch, hot polling) replaced by a FIFO under its name, and a new file beside.
    const moved = path.join(project, 'live-moved.jsonl');
    await fs.rename(live, moved);
    execFileSync('mkfifo', [live]);
    const next = path.join(project, 'next.jsonl');
    await new Promise((r) => setTimeout(r, 1500)); // hot polls and watcher events on the FIFO
    await fs.writeFile(next, record('next'));
    const slowest = { ms: 0 };
    const got = await waitFor(async () => {
      const t = await usageTimed(s.url);
      slowest.ms = Math.max(slowest.ms, t.ms);
      return t.u.source.records === records + 2 && t.u;
    }, 5000, 50);
    for (const f of [...fifos, live]) assert.ok(got.value.source.problems.some((p: string) => p === `skipped ${f}: a FIFO, not a regular file`), `${f} in ${JSON.stringify(got.value.source.problems)}`);
    for (let i = 0; i < 10; i++) slowest.ms = Math.max(slowest.ms, (await usageTimed(s.url)).ms);
    assert.ok(slowest.ms < 1000, `/usage answered in ${slowest.ms} ms at worst`);
    const stop = await stopTimed(s);
    assert.equal(stop.code, 0, s.stderr());
    assert.ok(stop.ms < 5000, `SIGTERM ended it in ${stop.ms} ms`);
    console.log(`# fifos: ${JSON.stringify({ fifos: fifos.length + 1, slowestUsageMs: slowest.ms, stopMs: stop.ms })}`);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
});

test('a 50 MB line left unterminated while it grows: under 1 s of CPU in all, skipped and counted at its newline; the line after it counts', { timeout: 60_000, skip: !LINUX && 'Linux only (/proc)' }, async () => {
  const { home, state, live } = await liveHome();
  const s = await startServe(isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state }));
  try {
    const pid = s.child.pid!;
    await waitFor(async () => (await getJson(`${s.url}/api/summary`)).ingest?.backfilled === true, 30_000, 100);
    // Settled: the history before start-up summed (its skipped lines too).
    const { value: start } = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.backfill.done && v;
    }, 10_000, 50);
    const history = async () => (await getJson(`${s.url}/api/summary`)).totals.responses as number;
    const historyStart = await history();
    await fs.appendFile(live, record()); // the file is hot: watched directly and polled every second
    const { value: before } = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.records === start.source.records + 1 && v;
    }, 5000, 50);
    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = cpuSeconds(pid);
    const piece = Buffer.alloc(5 * 1024 * 1024, 'x');
    await fs.appendFile(live, '{"type":"user","message":{"content":"');
    for (let i = 0; i < 10; i++) {
      await fs.appendFile(live, piece);
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 4000)); // four more hot polls of the unfinished line
    const spent = cpuSeconds(pid) - cpu0;
    console.log(`# 50 MB unterminated line: ${JSON.stringify({ cpuSeconds: Number(spent.toFixed(2)), writes: 10, pollsAfter: 4 })}`);
    assert.ok(spent < 1, `${spent.toFixed(2)} s of CPU while the line grew`);
    const mid = await getJson(`${s.url}/usage`);
    assert.equal(mid.source.records, before.source.records, 'nothing counted from an unfinished line');
    await fs.appendFile(live, '"}}\n' + record());
    const { value: after } = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.records === before.source.records + 1 && v;
    }, 5000, 50);
    assert.equal(after.source.skipped_lines, before.source.skipped_lines + 1, 'the over-long line skipped and counted once');
    // The history reads the same file through the same layer: the record after the line is in it too.
    await waitFor(async () => (await history()) === historyStart + 2, 10_000, 100);
    const stop = await stopTimed(s);
    assert.equal(stop.code, 0);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
});

/** Opens idle TCP connections to the daemon until it is out of file descriptors (its count stops rising). */
async function exhaust(url: string, pid: number, limit: number): Promise<net.Socket[]> {
  const { port } = new URL(url);
  const socks: net.Socket[] = [];
  const fds = () => readdirSync(`/proc/${pid}/fd`).length;
  while (fds() < limit && socks.length < limit) {
    const sock = net.connect(Number(port), '127.0.0.1');
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r).once('error', r));
    socks.push(sock);
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 100));
  return socks;
}

test('out of file descriptors (many idle clients): a live file is retried, not dropped; its records count once, before any rescan', { timeout: 60_000, skip: !LINUX && 'Linux only (/proc, ulimit)' }, async () => {
  const { home, state, live } = await liveHome();
  const LIMIT = 256;
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_RESCAN_SECONDS: '600' });
  const s = await startServeAs({ wrapper: ['sh', '-c', `ulimit -n ${LIMIT} && exec "$0" "$@"`] }, env);
  try {
    const pid = s.child.pid!;
    await waitFor(async () => (await getJson(`${s.url}/api/summary`)).ingest?.backfilled === true, 30_000, 100);
    const { value: start } = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.backfill.done && v;
    }, 10_000, 50);
    const history = async () => (await getJson(`${s.url}/api/summary`)).totals.responses as number;
    const historyStart = await history();
    await fs.appendFile(live, record());
    await waitFor(async () => (await history()) === historyStart + 1, 5000, 50);
    const { value: before } = await waitFor(async () => {
      const v = await getJson(`${s.url}/usage`);
      return v.source.records === start.source.records + 1 && v;
    }, 5000, 50);
    const socks = await exhaust(s.url, pid, LIMIT);
    const open = readdirSync(`/proc/${pid}/fd`).length;
    assert.ok(open >= LIMIT - 2, `the daemon holds ${open} of ${LIMIT} descriptors`);
    // Written while no descriptor is left: the watcher hears it, the open fails with EMFILE.
    await fs.appendFile(live, record() + record());
    await new Promise((r) => setTimeout(r, 1500));
    for (const sock of socks) sock.destroy();
    // No further write and no rescan for ten minutes: only a retry can bring these in.
    let seen: any;
    const { value: after, ms } = await waitFor(async () => {
      const v = (seen = await getJson(`${s.url}/usage`));
      return v.source.records === before.source.records + 2 && v;
    }, 8000, 100).catch((err) => {
      throw new Error(`${err.message}: ${JSON.stringify({ before: before.source, seen: seen?.source, stderr: s.stderr() })}`);
    });
    await new Promise((r) => setTimeout(r, 1500));
    const last = await getJson(`${s.url}/usage`);
    assert.ok(s.stderr().includes(`cannot open ${live}: EMFILE; retrying`), `the read met EMFILE: ${s.stderr()}`);
    assert.equal(last.source.records, before.source.records + 2, 'each record once');
    assert.equal(last.source.files, before.source.files, 'no file dropped');
    assert.equal(last.source.ok, before.source.ok, 'the passing problem cleared');
    // The history ingest (a worker of its own, told by the daemon) was out of descriptors too: retried as well.
    await waitFor(async () => (await history()) === historyStart + 3, 8000, 100);
    console.log(`# out of descriptors: ${JSON.stringify({ limit: LIMIT, held: open, clients: socks.length, caughtUpMs: ms, records: after.source.records })}`);
    const stop = await stopTimed(s);
    assert.equal(stop.code, 0);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
});

test('restart with all of it on disk at once: serve starts and answers, usage, blocks and doctor finish with a result', { timeout: 60_000, skip: !LINUX && 'Linux only (mkfifo)' }, async () => {
  const { home, state, live, project } = await liveHome();
  await fs.symlink('b', path.join(project, 'a'));
  await fs.symlink('a', path.join(project, 'b'));
  await fs.symlink('self.jsonl', path.join(project, 'self.jsonl'));
  await fs.symlink('nowhere.jsonl', path.join(project, 'dangling.jsonl'));
  for (let i = 0; i < 6; i++) execFileSync('mkfifo', [path.join(project, `pipe${i}.jsonl`)]);
  // An over-long line left unterminated, and one ended, each with a good record after.
  const long = path.join(project, 'long.jsonl');
  await fs.writeFile(long, '{"type":"user","message":{"content":"');
  await fs.appendFile(long, Buffer.alloc(17 * 1024 * 1024, 'y'));
  await fs.appendFile(long, '"}}\n' + record('long') + '{"type":"user","message":{"content":"');
  await fs.appendFile(long, Buffer.alloc(17 * 1024 * 1024, 'z'));
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const good = transcriptFiles([home]).length;
  for (const args of [['usage', '--json'], ['blocks', '--json'], ['doctor']]) {
    const r = await runCli(args, { env, timeoutMs: 30_000 });
    assert.ok(r.code === 0 || (r.stderr.trim().split('\n').length === 1 && !/\n\s+at /.test(r.stderr)), `${args.join(' ')}: ${r.code} ${r.stderr}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace from ${args.join(' ')}: ${r.stderr}`);
    if (args[0] === 'blocks') assert.ok(JSON.parse(r.stdout).blocks.length > 0, 'blocks found');
  }
  const s = await startServe(env);
  try {
    const { u, ms } = await usageTimed(s.url);
    assert.equal(u.source.files, good);
    assert.ok(ms < 1000, `/usage in ${ms} ms`);
    assert.ok(u.source.problems.includes(`skipped ${path.join(project, 'pipe0.jsonl')}: a FIFO, not a regular file`), JSON.stringify(u.source.problems));
    const records = u.source.records;
    await fs.appendFile(live, record());
    await waitFor(async () => (await getJson(`${s.url}/usage`)).source.records === records + 1, 5000, 50);
    const stop = await stopTimed(s);
    assert.equal(stop.code, 0, s.stderr());
    assert.ok(stop.ms < 5000, `SIGTERM ended it in ${stop.ms} ms`);
  } finally {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
});
