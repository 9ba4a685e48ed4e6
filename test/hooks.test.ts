// Claude Code's hooks, end to end: `hooks install|uninstall` on a real settings.json, the real
// `claude-gauge hook` fed the JSON Claude Code sends, and a real `serve` turning it into lamps.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, fixtureCopy, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor } from './helpers/cli.js';

/** What Claude Code pipes to a command hook (the documented common fields, plus the event's own). */
function hookInput(event: string, session: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ session_id: session, transcript_path: `/home/dev/.claude/projects/-x/${session}.jsonl`, cwd: '/home/dev/x', permission_mode: 'default', hook_event_name: event, ...extra });
}

test('hooks install adds our hooks beside the user ones; uninstall restores the settings exactly', async () => {
  const home = await tempDir('hooks-home');
  const settings = path.join(home, '.claude', 'settings.json');
  await fs.mkdir(path.dirname(settings), { recursive: true });
  const original = { model: 'opus', hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }] }, statusLine: { type: 'command', command: 'x' } };
  await fs.writeFile(settings, JSON.stringify(original, null, 2));
  const env = isolatedEnv({ HOME: home, CLAUDE_GAUGE_STATE_DIR: path.join(home, 'state') });
  const inst = await runCli(['hooks', 'install'], { env });
  assert.equal(inst.code, 0, inst.stderr);
  const after = JSON.parse(await fs.readFile(settings, 'utf8'));
  assert.deepEqual(Object.keys(after.hooks).sort(), ['Notification', 'PostToolUse', 'PreToolUse', 'SessionEnd', 'Stop', 'SubagentStop', 'UserPromptSubmit']);
  assert.equal(after.hooks.Stop[0].hooks[0].command, 'notify-send done');
  assert.match(after.hooks.Stop[1].hooks[0].command, /claude-gauge\.cjs hook$/);
  assert.equal(after.model, 'opus');
  const status = await runCli(['hooks', 'status'], { env });
  assert.match(status.stdout, /installed in .*UserPromptSubmit/);
  const again = await runCli(['hooks', 'install'], { env });
  assert.match(again.stdout, /already installed/);
  const un = await runCli(['hooks', 'uninstall'], { env });
  assert.equal(un.code, 0, un.stderr);
  assert.deepEqual(JSON.parse(await fs.readFile(settings, 'utf8')), original);
  const broken = path.join(home, 'broken.json');
  await fs.writeFile(broken, '{"hooks": [1]}');
  const bad = await runCli(['hooks', 'install', '--settings', broken], { env });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /"hooks" in the settings is not an object/);
  assert.equal(await fs.readFile(broken, 'utf8'), '{"hooks": [1]}');
});

test('the hook returns at once, prints nothing, and never fails Claude Code', async () => {
  const state = await tempDir('hooks-state');
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: state });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await runCli(['hook'], { env, input: hookInput('PreToolUse', 'sess-1', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: `t${i}` }) });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, ''); // UserPromptSubmit's stdout would be added to Claude's context
    times.push(r.ms);
  }
  times.sort((a, b) => a - b);
  console.log(`hook wall time per call (node start included): median ${times[2]} ms, max ${times[4]} ms`);
  assert.ok(times[4] < 3000, `slowest hook took ${times[4]} ms`);
  const lines = (await fs.readFile(path.join(state, 'hooks.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 5);
  assert.deepEqual(Object.keys(lines[0]).sort(), ['at', 'event', 'session', 'v']); // no prompt or tool input kept
  // A one-shot `usage` reads the records too: a tool is running, so the turn is open and not idle.
  const once = await runCli(['usage'], { env: { ...env, CLAUDE_CONFIG_DIR: FIXTURES } });
  const u = JSON.parse(once.stdout);
  assert.deepEqual([u.turn_source, u.turn_in_flight, u.idle], ['hooks', false, false]);
  // Garbage on stdin, or a state folder that cannot be written: still exit 0, silent.
  const junk = await runCli(['hook'], { env, input: 'not json' });
  assert.deepEqual([junk.code, junk.stdout], [0, '']);
  const blocked = path.join(state, 'a-file');
  await fs.writeFile(blocked, '');
  const ro = await runCli(['hook'], { env: isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: path.join(blocked, 'sub') }), input: hookInput('Stop', 's') });
  assert.deepEqual([ro.code, ro.stdout, ro.stderr], [0, '', '']);
});

test('serve: STALL lights after the stall time with no Stop, a running tool does not stall, Stop clears it and IDLE is exact', async () => {
  const home = await fixtureCopy();
  const state = await tempDir('hooks-serve');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_STALL_MINUTES: '0.05', CLAUDE_GAUGE_HISTORY: 'off', CLAUDE_GAUGE_MDNS: 'off' });
  const served = await startServe(env);
  try {
    const hook = async (event: string, extra: Record<string, unknown> = {}) => {
      const r = await runCli(['hook'], { env, input: hookInput(event, 'live-hooked', extra) });
      assert.equal(r.code, 0);
    };
    const usage = () => getJson(`${served.url}/usage`);
    const start = await usage();
    assert.equal(start.turn_source, 'transcripts');
    assert.equal(start.stall, false);

    await hook('UserPromptSubmit', { prompt: 'refactor the parser' });
    const open = await waitFor(async () => {
      const u = await usage();
      return u.turn_source === 'hooks' && u.turn_in_flight ? u : undefined;
    }, 5000);
    // Nothing written to any transcript, yet the turn is open: not idle (inference would say idle).
    assert.equal(open.value.idle, false);
    const lit = await waitFor(async () => ((await usage()).stall ? true : undefined), 15_000);
    assert.ok(lit.ms >= 1000, `STALL lit after ${lit.ms} ms, before the 3 s stall time could pass`);
    assert.equal((await usage()).stall_reason, 'turn-silent');

    // A tool runs: the wait is on the tool, not on Claude.
    await hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'make' }, tool_use_id: 't1' });
    await waitFor(async () => ((await usage()).stall ? undefined : true), 5000);
    await new Promise((r) => setTimeout(r, 4000));
    const running = await usage();
    assert.equal(running.stall, false);
    assert.equal(running.idle, false);
    await hook('PostToolUse', { tool_name: 'Bash', tool_response: { stdout: 'ok' }, tool_use_id: 't1' });
    await waitFor(async () => ((await usage()).stall ? true : undefined), 15_000);

    await hook('Stop', { stop_hook_active: false });
    const cleared = await waitFor(async () => {
      const u = await usage();
      return !u.stall && u.idle ? u : undefined;
    }, 5000);
    console.log(`Stop to STALL off and IDLE on: ${cleared.ms} ms`);
    assert.equal(cleared.value.turn_in_flight, false);
    assert.equal(cleared.value.turn_source, 'hooks');
  } finally {
    await served.stop();
  }
});
