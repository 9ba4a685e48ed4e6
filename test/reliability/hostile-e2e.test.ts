// Generated hostile records (hostile.ts) through every file input of a running `serve`, end to
// end, in batches; after each batch `serve` is stopped (SIGTERM or SIGKILL, seeded) and started
// again on what the batch left on disk, and `usage`, `blocks` and `doctor` run on the leftovers.
// Held throughout: serve never dies by itself, every start answers /usage, every /usage validates
// against schema/usage.schema.json, every command ends with a result or a one-line error (never a
// stack trace). The three inputs run side by side, each with its own serve and folders:
//
// - transcripts: hostile lines appended (torn across writes) to a watched file among the real
//   fixtures, mixed with control records whose tokens the 5-hour window must show exactly;
// - statusline: the real `claude-gauge statusline` command on a sample of each batch's hostile
//   stdin (it prints one clean line and hands over to the running serve); the whole batch through
//   the command's own functions in-process (parse, observation log, hand-off, render) and the
//   daemon's reader and fold; each batch ends on a hostile hand-off the next start must survive;
// - hooks: the real `claude-gauge hook` command on a sample of hostile stdin, and the whole batch
//   as hostile lines of the hooks file the running serve follows.
//
// CG_HOSTILE_SEED replays a run; CG_HOSTILE_BATCHES and CG_HOSTILE_PER_BATCH scale it.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test, type TestContext } from 'node:test';
import { Prng } from '../../src/generate/prng.js';
import { recordObservation } from '../../src/calibrate/observations.js';
import { renderStatusline, type StatuslineInput } from '../../src/sinks/statusline.js';
import { SEGMENTS } from '../../src/config/statusline-format.js';
import { sessionContext } from '../../src/statusline/context.js';
import { handoffFile, limitsEvent, parseRateLimits, readHandoff, writeHandoff } from '../../src/sources/statusline/handoff.js';
import { hooksFile } from '../../src/sources/hooks/record.js';
import { fixtureCopy, isolatedEnv, tempDir } from '../helpers/cli.js';
import { assistant } from '../helpers/lines.js';
import { assertUsageSchema } from '../helpers/schema.js';
import { Fold } from './engine-harness.js';
import { BROKEN_OUTPUT, Hostile, toJson } from './hostile.js';
import { runCommand, spawnServe, STACK_FRAME, type CommandResult, type ServeProcess } from './helpers.js';

const SEED = process.env.CG_HOSTILE_SEED === undefined ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0 : Number(process.env.CG_HOSTILE_SEED);
const BATCHES = Number(process.env.CG_HOSTILE_BATCHES ?? 10);
const PER_BATCH = Number(process.env.CG_HOSTILE_PER_BATCH ?? 1000);
/** Real command runs per batch (each a Node start: about 100 ms of CPU). */
const SPAWNS = Number(process.env.CG_HOSTILE_SPAWNS ?? 12);
const CONTROL_PER_BATCH = 20;
const REPLAY = `seed ${SEED} (replay: CG_HOSTILE_SEED=${SEED})`;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function folder(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  dirs.push(d);
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `serve` kept running across batches and restarted on its leftovers; every /usage it gives is checked. */
class Daemon {
  private proc!: ServeProcess;
  url = '';
  starts = 0;
  usages = 0;
  /** Set by the caller as it goes, for the messages: which input, which batch. */
  label: string;
  readonly stderr: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    label: string,
  ) {
    this.label = label;
  }

  async start(): Promise<void> {
    this.proc = spawnServe(this.env);
    const timeout = sleep(30_000).then(() => Promise.reject(new Error(`${this.label}: serve did not start within 30 s, ${REPLAY}: ${this.proc.stderr()}`)));
    this.url = await Promise.race([this.proc.serving, timeout]);
    this.starts++;
    await this.usage();
  }

  /** GET /usage: must answer 200 within 5 s with a payload the published schema accepts. */
  async usage(): Promise<any> {
    assert.ok(this.alive(), `${this.label}: serve died, ${REPLAY}: ${this.proc.stderr()}`);
    const r = await fetch(`${this.url}/usage`, { signal: AbortSignal.timeout(5000) });
    assert.equal(r.status, 200, `${this.label}: /usage answered ${r.status}`);
    const body = await r.json();
    try {
      assertUsageSchema(body);
    } catch (err) {
      assert.fail(`${this.label}: /usage after ${this.usages} good answers, ${REPLAY}: ${(err as Error).message}`);
    }
    this.usages++;
    return body;
  }

  /** Asks /usage every 100 ms for `ms`, or until `done` holds of an answer; returns the last answer. */
  async watch(ms: number, done: (u: any) => boolean = () => false): Promise<any> {
    const until = Date.now() + ms;
    let u = await this.usage();
    while (!done(u) && Date.now() < until) {
      await sleep(100);
      u = await this.usage();
    }
    return u;
  }

  alive(): boolean {
    return this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  /** Stops serve as a user or a crash would, checks how it went, and starts it again on what it left. */
  async restart(kill: boolean): Promise<void> {
    await this.stop(kill);
    await this.start();
  }

  async stop(kill = false): Promise<void> {
    assert.ok(this.alive(), `${this.label}: serve died by itself, ${REPLAY}: ${this.proc.stderr()}`);
    this.proc.child.kill(kill ? 'SIGKILL' : 'SIGTERM');
    const ended = await Promise.race([this.proc.exited, sleep(15_000).then(() => null)]);
    if (ended === null) this.proc.child.kill('SIGKILL');
    assert.ok(ended !== null, `${this.label}: serve did not end within 15 s of SIGTERM`);
    if (!kill) assert.deepEqual(ended, { code: 0, signal: null }, `${this.label}: serve stopped cleanly on SIGTERM, ${REPLAY}: ${this.proc.stderr()}`);
    const err = this.proc.stderr();
    if (process.env.CG_HOSTILE_DEBUG) console.log(`# ${this.label}: ${kill ? 'SIGKILL' : 'SIGTERM'} -> ${JSON.stringify(ended)}: ${JSON.stringify(err)}`);
    assert.doesNotMatch(err, STACK_FRAME, `${this.label}: a stack trace from serve, ${REPLAY}`);
    this.stderr.push(err);
  }
}

interface Leftovers {
  runs: number;
  /** What `usage` (JSON) and `blocks --json` printed. */
  usage: any;
  blocks: any;
}

/** `usage`, `blocks`, `doctor` (and `extra`) on what is on disk: a result or one clean line, never a stack trace. */
async function leftovers(env: NodeJS.ProcessEnv, label: string, extra: string[][] = []): Promise<Leftovers> {
  const commands = [['usage'], ['blocks', '--json'], ['doctor'], ...extra];
  const results = await Promise.all(commands.map((args) => runCommand(args, env, '', 60_000)));
  let usage: any = null;
  let blocks: any = null;
  results.forEach((r: CommandResult, i) => {
    const what = `${label}: claude-gauge ${commands[i].join(' ')} (exit ${r.signal ?? r.code}), ${REPLAY}`;
    assert.equal(r.signal, null, `${what}: ended by itself`);
    assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME, `${what}: a stack trace:\n${r.stderr.slice(0, 2000)}`);
    // A failing exit either reports (doctor's findings on stdout) or says why in one line.
    const errorLines = r.stderr.trim().split('\n').filter(Boolean);
    if (r.code !== 0 && r.stdout.trim() === '') assert.equal(errorLines.length, 1, `${what}: an error in one line:\n${r.stderr.slice(0, 2000)}`);
    // A report over records of which some are bad still reports: the bad ones are skipped, not fatal.
    if (commands[i][0] === 'usage' || commands[i][0] === 'blocks') assert.equal(r.code, 0, `${what}: ${r.stderr.slice(0, 500)}`);
    if (commands[i][0] === 'usage') {
      usage = JSON.parse(r.stdout);
      assertUsageSchema(usage);
    }
    if (commands[i][0] === 'blocks') blocks = JSON.parse(r.stdout);
    if (commands[i][1] === '--json' && r.code === 0) JSON.parse(r.stdout);
  });
  return { runs: results.length, usage, blocks };
}

/** Appends `data` to `file` in pieces cut at seeded byte offsets, a moment apart: lines torn across writes. */
async function appendTorn(file: string, data: Buffer, rng: Prng, pieces: number): Promise<void> {
  const cuts = Array.from({ length: pieces - 1 }, () => rng.int(0, data.length)).sort((a, b) => a - b);
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    await fs.appendFile(file, data.subarray(from, cut));
    from = cut;
    await sleep(20);
  }
}

function figures(t: TestContext, label: string, f: Record<string, unknown>): void {
  const line = `# hostile ${label}: ${JSON.stringify({ seed: SEED, ...f })}`;
  console.log(line);
  t.diagnostic(line);
}

describe(`hostile records end to end (${BATCHES} batches of ${PER_BATCH} per input), ${REPLAY}`, { concurrency: true }, () => {
  test('transcripts: hostile lines among control records in a watched file', { timeout: 300_000 }, async (t) => {
    const started = Date.now();
    const home = await fixtureCopy();
    dirs.push(home);
    const state = await folder('hostile-transcripts-state');
    const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CONFIG: path.join(home, 'none.json') });
    const dir = path.join(home, 'projects', '-home-dev-hostile');
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'hostile-session.jsonl');
    const daemon = new Daemon(env, 'transcripts');
    await daemon.start();
    const base = (await daemon.usage()).window_5h_tokens;
    assert.equal(base, 0, 'the fixtures are months old: the window starts empty');

    const gen = new Hostile(SEED ^ 0x7a11, Date.now());
    const rng = gen.prng.fork('transcripts');
    let expected = 0;
    let controls = 0;
    let firstControlAt = Infinity;
    let hostile = 0;
    let bytes = 0;
    let cli = 0;
    for (let b = 0; b < BATCHES; b++) {
      daemon.label = `transcripts batch ${b}`;
      const lines: Buffer[] = [];
      if (b === 0) lines.push(...issueReproductions(Date.now()).map((l) => Buffer.from(l)));
      const control: Buffer[] = [];
      for (let i = 0; i < CONTROL_PER_BATCH; i++) {
        const [input, output, cacheRead] = [rng.int(1, 5000), rng.int(1, 5000), rng.int(0, 50_000)];
        const at = Date.now() - rng.int(0, 120_000);
        expected += input + output + cacheRead;
        controls++;
        firstControlAt = Math.min(firstControlAt, at);
        control.push(Buffer.from(assistant({ id: `msg_ctl_${b}_${i}`, req: `req_ctl_${b}_${i}`, at, input, output, cacheRead, session: 'control' })));
      }
      for (let i = 0; i < PER_BATCH; i++) {
        lines.push(gen.transcriptLine());
        if (rng.chance(CONTROL_PER_BATCH / PER_BATCH) && control.length) lines.push(control.pop()!);
      }
      lines.push(...control);
      hostile += PER_BATCH;
      const data = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      bytes += data.length;
      await appendTorn(file, data, rng, 6);
      // The live gauges take in every control record and nothing of the hostile ones: no hostile
      // record is dated where it could count, so the current block is the control records' own,
      // starting at the hour of the first of them (one that did enter would move the start or the total).
      const block = { tokens: expected, start: new Date(Math.floor(firstControlAt / 3_600_000) * 3_600_000).toISOString() };
      const exact = (x: any) => x.window_5h_tokens === block.tokens && x.window_5h_block_start === block.start;
      const shown = (x: any) => JSON.stringify({ tokens: x.window_5h_tokens, start: x.window_5h_block_start, lastActivity: x.last_activity_at });
      const u = await daemon.watch(20_000, exact);
      assert.ok(exact(u), `batch ${b}, ${REPLAY}: the 5-hour window is the control records' alone: want ${JSON.stringify(block)}, got ${shown(u)}`);
      await daemon.restart(rng.chance(0.5));
      const again = await daemon.watch(10_000, exact);
      assert.ok(exact(again), `batch ${b}, ${REPLAY}: the same after a restart: want ${JSON.stringify(block)}, got ${shown(again)}`);
      const left = await leftovers(env, `transcripts batch ${b}`);
      cli += left.runs;
      assert.ok(exact(left.usage), `batch ${b}, ${REPLAY}: \`usage\` agrees: want ${JSON.stringify(block)}, got ${shown(left.usage)}`);
      // Reports list future-dated records as ccusage does, in blocks of their own ahead of now.
      const active = left.blocks.blocks.filter((x: any) => x.isActive && Date.parse(x.startTime) <= Date.now());
      assert.deepEqual(active.map((x: any) => ({ entries: x.entries, tokens: x.totalTokens, start: x.startTime })), [{ entries: controls, tokens: expected, start: block.start }], `batch ${b}, ${REPLAY}: \`blocks\`: the active block holds the control records and nothing else`);
    }
    const last = await daemon.usage();
    await daemon.stop();
    figures(t, 'transcripts', { batches: BATCHES, hostileLines: hostile, controlTokens: expected, mb: +(bytes / 2 ** 20).toFixed(1), skippedLines: last.source.skipped_lines, problems: last.source.problems, starts: daemon.starts, usages: daemon.usages, commands: cli, seconds: Math.round((Date.now() - started) / 1000) });
  });

  test('statusline: the real command and its hand-off on hostile stdin', { timeout: 300_000 }, async (t) => {
    const started = Date.now();
    const { env, state, daemon } = await smallDaemon('statusline');
    await daemon.start();
    // The bulk runs the command's own functions in a scratch state folder in memory (the hand-off is
    // written with fsync: ten thousand of them on a disk would take the run's whole budget).
    const scratch = await fs.mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'cg-hostile-statusline-'));
    dirs.push(scratch);
    const gen = new Hostile(SEED ^ 0x57a7, Date.now());
    const rng = gen.prng.fork('statusline');
    const fold = new Fold(Date.now());
    let spawned = 0;
    let inProcess = 0;
    let handedOver = 0;
    let cli = 0;
    for (let b = 0; b < BATCHES; b++) {
      daemon.label = `statusline batch ${b}`;
      const inputs = Array.from({ length: PER_BATCH }, () => gen.statuslineInput());
      if (b === 0) inputs.unshift(Buffer.from('{"rate_limits":{"five_hour":{"used_percentage":12,"resets_at":1e300}}}'));
      // Every input through the command's steps (run.ts), and what the daemon's reader and fold make of it.
      for (const raw of inputs) {
        fold.now = Date.now();
        const input = parseInput(raw);
        const limits = parseRateLimits(input?.rate_limits);
        if (limits) {
          await recordObservation(scratch, limits, fold.now).catch(() => undefined);
          await writeHandoff(scratch, limits, fold.now);
          handedOver++;
        }
        const event = await readHandoff(scratch);
        if (event) fold.admit(event);
        const snap = fold.snapshot();
        const shown = limits && limitsEvent(limits, fold.now);
        // Today's line, and every segment with this session's context from the same stdin.
        const every = { format: SEGMENTS, context: sessionContext(input) };
        const lines = [renderStatusline(input, shown, null, fold.now), renderStatusline(input, shown, snap, fold.now), renderStatusline(input, shown, snap, fold.now, every)];
        for (const line of lines) {
          assert.doesNotMatch(line, BROKEN_OUTPUT, `statusline batch ${b}, ${REPLAY}, input ${raw.subarray(0, 300)}`);
          assert.doesNotMatch(line, /\n/);
        }
        inProcess++;
      }
      // A sample through the real command, handing over to the running serve; the first of the
      // run is the issue's own reproduction, and even batches end on a real run's hand-off.
      const sample = [...(b === 0 ? [0] : []), ...Array.from({ length: SPAWNS }, () => rng.int(0, inputs.length - 1))];
      if (b === 0) sample.push(0);
      for (const i of sample) {
        const r = await runCommand(['statusline'], env, inputs[i], 15_000);
        spawned++;
        const what = `statusline batch ${b}, ${REPLAY}, stdin ${JSON.stringify(inputs[i].subarray(0, 300).toString())}`;
        assert.equal(r.code, 0, `${what}: exit 0\n${r.stderr.slice(0, 2000)}`);
        assert.match(r.stdout, /^[^\n]*\n$/, `${what}: one line`);
        assert.doesNotMatch(r.stdout, BROKEN_OUTPUT, `${what}: printed ${r.stdout}`);
        assert.doesNotMatch(r.stderr, STACK_FRAME, what);
        await daemon.usage();
      }
      // Odd batches end on a hand-off no command of this version writes: an older, newer or damaged writer's.
      if (b % 2 === 1) {
        await fs.writeFile(handoffFile(state), gen.handoffDocument());
        await fs.appendFile(path.join(state, 'limits-log.jsonl'), Buffer.concat(Array.from({ length: 5 }, () => Buffer.from(toJson({ at: gen.timestamp().value, used_percentage: gen.tokens().value, resets_at: gen.timestamp().value }) + '\n'))));
      }
      await daemon.watch(1200); // the daemon polls the hand-off every 500 ms
      await daemon.restart(rng.chance(0.5));
      cli += (await leftovers(env, `statusline batch ${b}`, [['calibrate', '--json']])).runs;
    }
    await daemon.stop();
    figures(t, 'statusline', { batches: BATCHES, inProcess, handedOver, commandRuns: spawned, starts: daemon.starts, usages: daemon.usages, commands: cli, seconds: Math.round((Date.now() - started) / 1000) });
  });

  test('hooks: the real command on hostile stdin, hostile lines in the hooks file', { timeout: 300_000 }, async (t) => {
    const started = Date.now();
    const { env, state, daemon } = await smallDaemon('hooks');
    await daemon.start();
    const gen = new Hostile(SEED ^ 0x4008, Date.now());
    const rng = gen.prng.fork('hooks');
    const file = hooksFile(state);
    let lines = 0;
    let bytes = 0;
    let spawned = 0;
    let cli = 0;
    for (let b = 0; b < BATCHES; b++) {
      daemon.label = `hooks batch ${b}`;
      const records = Array.from({ length: PER_BATCH }, () => gen.hookRecord());
      if (b === 0) records.unshift(Buffer.from(toJson({ v: 1, event: 'UserPromptSubmit', session: 's1', at: 1e300 })));
      await fs.mkdir(path.dirname(file), { recursive: true });
      const data = Buffer.concat(records.flatMap((l) => [l, Buffer.from('\n')]));
      bytes += data.length;
      const write = appendTorn(file, data, rng, 5);
      lines += records.length;
      // Meanwhile the real command, as Claude Code runs it on each hook event.
      for (let i = 0; i < SPAWNS; i++) {
        const { stdin, arg } = gen.hookInput();
        const r = await runCommand(['hook', ...(arg === undefined ? [] : [arg])], env, stdin, 15_000);
        spawned++;
        const what = `hook batch ${b}, ${REPLAY}, arg ${arg}, stdin ${JSON.stringify(stdin.subarray(0, 300).toString())}`;
        assert.equal(r.code, 0, `${what}: exit 0\n${r.stderr.slice(0, 2000)}`);
        assert.equal(r.stdout, '', `${what}: prints nothing (a UserPromptSubmit hook's output would reach Claude)`);
        assert.doesNotMatch(r.stderr, STACK_FRAME, what);
      }
      await write;
      await daemon.watch(800); // the daemon polls the file every 250 ms
      await daemon.restart(rng.chance(0.5));
      cli += (await leftovers(env, `hooks batch ${b}`)).runs;
    }
    await daemon.stop();
    figures(t, 'hooks', { batches: BATCHES, fileLines: lines, commandRuns: spawned, mb: +(bytes / 2 ** 20).toFixed(1), starts: daemon.starts, usages: daemon.usages, commands: cli, seconds: Math.round((Date.now() - started) / 1000) });
  });
});

/** A serve with a few real-looking transcript lines (the other inputs are the subject). */
async function smallDaemon(label: string): Promise<{ env: NodeJS.ProcessEnv; state: string; daemon: Daemon }> {
  const home = await folder(`hostile-${label}-home`);
  const state = await folder(`hostile-${label}-state`);
  const dir = path.join(home, 'projects', '-home-dev-x');
  await fs.mkdir(dir, { recursive: true });
  const now = Date.now();
  const lines = Array.from({ length: 10 }, (_, i) => assistant({ id: `m${i}`, req: `r${i}`, at: now - (10 - i) * 60_000, input: 100, output: 50, session: 's1' }));
  await fs.writeFile(path.join(dir, 's1.jsonl'), lines.join('\n') + '\n');
  const env = isolatedEnv({ HOME: home, CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_CONFIG: path.join(home, 'none.json') });
  return { env, state, daemon: new Daemon(env, label) };
}

/** What the statusline command does with its stdin before anything else (run.ts parseInput). */
function parseInput(raw: Buffer): StatuslineInput | null {
  try {
    const v = JSON.parse(raw.toString('utf8'));
    return v && typeof v === 'object' ? (v as StatuslineInput) : null;
  } catch {
    return null;
  }
}

/** The transcript lines of issue 14, word for word where it gives them. */
function issueReproductions(now: number): string[] {
  const line = (id: string, at: string, input: number | string) =>
    `{"type":"assistant","sessionId":"issue14","requestId":"req_${id}","timestamp":"${at}","uuid":"u-${id}","message":{"id":"msg_${id}","model":"claude-opus-4-6","role":"assistant","content":[],"usage":{"input_tokens":${input},"output_tokens":1}}}`;
  const day = 86_400_000;
  return [
    line('maxdate', '+275760-09-13T00:00:00.000Z', 10),
    line('huge1', new Date(now - 60_000).toISOString(), '1e308'),
    line('huge2', new Date(now - 30_000).toISOString(), '1e308'),
    line('tomorrow', new Date(now + day).toISOString(), 10),
    line('y2027', '2027-06-01T00:00:00.000Z', 10),
  ];
}
