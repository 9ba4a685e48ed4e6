// Each input that once stopped the daemon for good (issue 14), driven through the real `serve`
// and the real commands: the daemon keeps answering with a schema-valid /usage, and every
// command starts again on what the input left on disk.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { handoffFile } from '../../src/sources/statusline/handoff.js';
import { hooksFile } from '../../src/sources/hooks/record.js';
import { assistant } from '../helpers/lines.js';
import { fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor, type Served } from '../helpers/cli.js';
import { assertUsageSchema } from '../helpers/schema.js';

let home: string;
let state: string;
let env: NodeJS.ProcessEnv;
let transcript: string;

before(async () => {
  home = await fixtureCopy();
  state = await tempDir('hostile-state');
  env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  transcript = path.join(home, 'projects', '-home-dev-sample-project', 'hostile-session.jsonl');
  await fs.writeFile(transcript, '');
});

after(async () => {
  await fs.rm(home, { recursive: true, force: true });
  await fs.rm(state, { recursive: true, force: true });
});

const line = (o: Partial<Parameters<typeof assistant>[0]> & { id: string }) => assistant({ req: `req-${o.id}`, at: Date.now(), session: 'hostile', ...o }) + '\n';

/** A line with one field replaced by raw JSON text (values JSON.stringify cannot write, like 1e400). */
const raw = (l: string, field: string, value: string) => l.replace(`"${field}":"RAW"`, `"${field}":${value}`);

async function usage(s: Served) {
  const u = await getJson(`${s.url}/usage`);
  assertUsageSchema(u);
  return u;
}

/** What no command may print: a stack trace instead of a one-line message. */
function assertNoStack(out: string, what: string) {
  assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+\)?/, `${what} printed a stack trace:\n${out}`);
}

test('hostile transcript lines: the live daemon keeps serving, the window stays honest, and every command starts again', async () => {
  const s = await startServe(env);
  try {
    const base = await usage(s);
    assert.equal(base.window_5h_tokens, 0, 'the fixtures are months old: no active block');
    const now = Date.now();
    const good = line({ id: 'good', input: 100, output: 50 });
    const yearFar = JSON.stringify({ ...JSON.parse(line({ id: 'far', output: 7 })), timestamp: '+275760-09-13T00:00:00.000Z' }) + '\n';
    const tomorrow = line({ id: 'tomorrow', at: now + 86_400_000, input: 1_000_000 });
    const nextYear = line({ id: 'next-year', at: '2027-06-01T00:00:00.000Z', input: 2_000_000 });
    const huge = (id: string) => raw(line({ id, output: 'RAW' as unknown as number }), 'output_tokens', '1e308');
    await fs.appendFile(transcript, good + yearFar + tomorrow + nextYear + huge('huge-1') + huge('huge-2'));
    const { value: u } = await waitFor(async () => {
      const u = await usage(s);
      return u.window_5h_tokens > 0 && u;
    }, 10_000);
    // The snapshot is taken every second: a record that breaks it fails within the next two.
    await new Promise((r) => setTimeout(r, 2_200));
    const later = await usage(s);
    for (const x of [u, later]) {
      assert.equal(x.window_5h_tokens, 150, 'only the good line counts: not the future, not 1e308');
      assert.ok(Date.parse(x.window_5h_block_start) <= now, 'the block is not taken over by a future-dated record');
    }
    const problems = later.source.problems.join('\n');
    assert.match(problems, /2 record\(s\) dated in the future/);
    assert.ok(later.source.skipped_lines >= base.source.skipped_lines + 3, 'the year-275760 line and both 1e308 lines are skipped and counted');
    assert.equal(s.child.exitCode, null, 'serve is still running');
  } finally {
    await s.stop();
  }

  // Restart on what the lines left on disk: serve and the one-shot commands.
  const again = await startServe(env);
  try {
    assert.equal((await usage(again)).window_5h_tokens, 150);
  } finally {
    await again.stop();
  }
  for (const args of [['usage'], ['blocks', '--json'], ['doctor']]) {
    const r = await runCli(args, { env });
    assertNoStack(r.stdout + r.stderr, args.join(' '));
    assert.ok(r.code === 0 || (r.code === 1 && r.stderr.trim().split('\n').length === 1), `${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    if (args[0] === 'usage') assertUsageSchema(JSON.parse(r.stdout));
    if (args[0] === 'blocks') assert.ok(!JSON.parse(r.stdout).blocks.some((b: any) => /275760/.test(b.startTime)));
  }
});

test('a statusline reset time no clock can show is neither printed nor handed over, and a hand-off file holding one does not stop serve', async () => {
  const input = JSON.stringify({ model: { display_name: 'Opus' }, rate_limits: { five_hour: { used_percentage: 12, resets_at: 1e300 }, seven_day: { used_percentage: 3, resets_at: Date.now() / 1000 + 86_400 } } });
  const r = await runCli(['statusline'], { env, input });
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout, /NaN|Invalid/);
  assert.doesNotMatch(r.stdout, /5h 12%/, 'the five-hour window with reset time 1e300 is junk');
  assert.match(r.stdout, /7d 3%/, 'the good window still shows');
  const handed = JSON.parse(await fs.readFile(handoffFile(state), 'utf8'));
  assert.equal(handed.rate_limits.five_hour, null);

  // Written by an older version, or by hand: every field out of range.
  for (const body of [
    { version: 1, seen_at: Date.now(), rate_limits: { five_hour: { used_percentage: 12, resets_at: 1e300 } } },
    { version: 1, seen_at: 1e300, rate_limits: { five_hour: { used_percentage: 12, resets_at: Date.now() / 1000 + 3600 } } },
    { version: 1, seen_at: Date.now(), rate_limits: { five_hour: { used_percentage: 1e308, resets_at: -5 } } },
  ]) {
    await fs.writeFile(handoffFile(state), JSON.stringify(body));
    const s = await startServe(env);
    try {
      const u = await usage(s);
      assert.equal(u.window_5h_source, 'estimate', JSON.stringify(body));
    } finally {
      await s.stop();
    }
    const one = await runCli(['usage'], { env });
    assert.equal(one.code, 0, one.stderr);
    assertUsageSchema(JSON.parse(one.stdout));
  }
  await fs.rm(handoffFile(state), { force: true });
});

test('hostile hook records and hook input are skipped: serve starts and the turn state is untouched', async () => {
  const lines = [
    { v: 1, event: 'UserPromptSubmit', session: 's', at: 1e300 },
    { v: 1, event: 'UserPromptSubmit', session: 's', at: -1 },
    { v: 1, event: 'UserPromptSubmit', session: 'x'.repeat(5000), at: Date.now() },
    { v: 1, event: 'UserPromptSubmit', session: 's', at: '2026-01-01' },
    { v: 1, event: 'Nope', session: 's', at: Date.now() },
  ].map((l) => JSON.stringify(l));
  await fs.writeFile(hooksFile(state), [...lines, '{"v":1,"event":', '\u0000\u0001garbage'].join('\n') + '\n');
  const hook = await runCli(['hook', 'UserPromptSubmit'], { env, input: JSON.stringify({ hook_event_name: 'UserPromptSubmit', session_id: 'y'.repeat(5000) }) });
  assert.equal(hook.code, 0);
  assert.equal(hook.stdout, '');
  const s = await startServe(env);
  try {
    const u = await usage(s);
    assert.equal(u.turn_source, 'transcripts', 'no hostile hook record was taken as a hook report');
    assert.equal(u.turn_in_flight, false);
  } finally {
    await s.stop();
  }
  await fs.rm(hooksFile(state), { force: true });
});

test("FIFOs and folders under the state folder's names: every command and serve return at once", async () => {
  const own = await tempDir('hostile-fifo-state');
  const e = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: own, CLAUDE_GAUGE_CONFIG: path.join(own, 'config.json') });
  // Opening a FIFO for reading waits for a writer forever: each of these once hung its reader.
  for (const name of ['statusline.json', 'hooks.jsonl', 'snapshot.json', 'limits-log.jsonl']) {
    execFileSync('mkfifo', [path.join(own, name)]);
  }
  await fs.mkdir(path.join(own, 'daemon.json'));
  try {
    for (const args of [['usage'], ['doctor'], ['calibrate']]) {
      const r = await runCli(args, { env: e, timeoutMs: 15_000 });
      assert.notEqual(r.code, null, `${args[0]} hung on a FIFO`);
      assertNoStack(r.stdout + r.stderr, args[0]);
    }
    const line = await runCli(['statusline'], { env: e, input: '{}', timeoutMs: 5_000 });
    assert.equal(line.code, 0);
    assert.match(line.stdout, /claude-gauge|tok\/min/);
    const s = await startServe(e);
    try {
      assertUsageSchema(await getJson(`${s.url}/usage`));
      await new Promise((r) => setTimeout(r, 1_200)); // the hand-off and hooks polls have run
      assertUsageSchema(await getJson(`${s.url}/usage`));
    } finally {
      const t = Date.now();
      await s.stop();
      assert.ok(Date.now() - t < 5_000, 'SIGTERM ends serve promptly');
    }
    // The config file is the user's own: a FIFO there is a clear one-line error, not a hang.
    execFileSync('mkfifo', [path.join(own, 'config.json')]);
    const r = await runCli(['usage'], { env: e, timeoutMs: 15_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^claude-gauge: cannot read config file: .*config\.json is a FIFO, not a regular file\n$/);
  } finally {
    await fs.rm(own, { recursive: true, force: true });
  }
});

test('a dozen live /events clients raise no listener-leak warning', async () => {
  const s = await startServe(env);
  const aborts = Array.from({ length: 12 }, () => new AbortController());
  try {
    const streams = await Promise.all(aborts.map((a) => fetch(`${s.url}/events`, { signal: a.signal })));
    for (const r of streams) assert.equal(r.status, 200);
    await new Promise((r) => setTimeout(r, 1_500)); // at least one snapshot published to all of them
    assert.doesNotMatch(s.stderr(), /MaxListenersExceededWarning/);
    assertUsageSchema(await getJson(`${s.url}/usage`));
  } finally {
    for (const a of aborts) a.abort();
    await s.stop();
  }
});

test('an unexpected error in a command is one line, not a stack trace', async () => {
  const r = await runCli(['usage', '--now', '+275760-09-13T00:00:00.000Z'], { env });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /invalid --now/);
});
