// The statusline command as Claude Code runs it, and its handoff to a running daemon.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, getJson, isolatedEnv, runCli, startServe, tempDir, waitFor } from './helpers/cli.js';

function input(pct: number, resetsInS: number) {
  return JSON.stringify({
    session_id: 'abc',
    model: { id: 'claude-opus-4-6', display_name: 'Opus 4.6' },
    rate_limits: {
      five_hour: { used_percentage: pct, resets_at: Math.floor(Date.now() / 1000) + resetsInS },
      seven_day: { used_percentage: '12', resets_at: Math.floor(Date.now() / 1000) + 86_400 },
    },
  });
}

test('statusline hands rate_limits to the running daemon, which then shows the official figure', async () => {
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  const served = await startServe(env);
  try {
    const before = await getJson(`${served.url}/usage`);
    assert.equal(before.window_5h_source, 'estimate');
    await waitFor(async () => (await fs.stat(path.join(state, 'snapshot.json')).catch(() => null)) !== null, 5000); // the tach's figure
    const r = await runCli(['statusline'], { env, input: input(37, 7200) });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Opus 4\.6 · 5h 37% until \d\d:\d\d · 7d 12% · 0 tok\/min/);
    const { value: u } = await waitFor(async () => {
      const v = await getJson(`${served.url}/usage`);
      return v.window_5h_source === 'statusline' && v;
    }, 3000);
    assert.equal(u.window_5h_pct, 0.37);
    assert.equal(u.gauges.fuel, 370);
    assert.equal(u.seven_day_pct, 0.12);
    assert.ok(Date.parse(u.window_5h_resets_at) > Date.now() + 7_000_000);
  } finally {
    await served.stop();
  }
});

test("statusline --format with a running daemon: the segments in order, this session's context from stdin; a bad name keeps the line", async () => {
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  const served = await startServe(env);
  try {
    // The daemon's figures reach the statusline through the snapshot file, written just after start-up.
    await waitFor(async () => (await fs.stat(path.join(state, 'snapshot.json')).catch(() => null)) !== null, 5000);
    // 170k of a 200k window in this session: 85 %, flagged as near compaction.
    const stdin = { ...JSON.parse(input(37, 7200)), context_window: { context_window_size: 200_000, current_usage: { input_tokens: 4000, cache_creation_input_tokens: 6000, cache_read_input_tokens: 160_000 } } };
    const r = await runCli(['statusline', '--format', 'context,5h,range,cost,7d,tach'], { env, input: JSON.stringify(stdin) });
    assert.equal(r.code, 0, r.stderr);
    // Range and cost are shown when the daemon has them (the engine's figures), and only then.
    const u = await getJson(`${served.url}/usage`);
    const range = u.window_5h_empty_at === null ? '' : u.window_5h_runs_out ? ' · empty (\\d\\d:\\d\\d|now)' : ' · lasts to reset';
    const cost = u.cost_block_usd === null ? '' : ` · \\$${u.cost_block_usd.toFixed(2)}( · \\$[\\d.]+/h)?`;
    assert.match(r.stdout, new RegExp(`^ctx 85%! · 5h 37% until \\d\\d:\\d\\d${range}${cost} · 7d 12% · [\\d.kMG]+ tok/min\n$`));
    assert.doesNotMatch(r.stdout, /Opus/, 'model not asked for');
    // The same from the environment (or the config file); the flag beats both.
    const fromEnv = await runCli(['statusline'], { env: { ...env, CLAUDE_GAUGE_STATUSLINE: 'tach,model' }, input: input(37, 7200) });
    assert.match(fromEnv.stdout, /^[\d.kMG]+ tok\/min · Opus 4\.6\n$/);
    const flagWins = await runCli(['statusline', '--format', 'model'], { env: { ...env, CLAUDE_GAUGE_STATUSLINE: 'tach' }, input: input(37, 7200) });
    assert.equal(flagWins.stdout, 'Opus 4.6\n');
    // A typo never costs Claude Code its line: the default one, the name noted, the whole problem on stderr.
    const typo = await runCli(['statusline'], { env: { ...env, CLAUDE_GAUGE_STATUSLINE: 'model,contxt' }, input: input(37, 7200) });
    assert.equal(typo.code, 0);
    assert.match(typo.stdout, /^Opus 4\.6 · 5h 37% until \d\d:\d\d · 7d 12% · [\d.kMG]+ tok\/min.* · unknown segment "contxt"\n$/);
    assert.match(typo.stderr, /^claude-gauge: invalid CLAUDE_GAUGE_STATUSLINE "model,contxt": unknown segment "contxt" \(valid: model, 5h, range, 7d, cost, context, tach, cache, lamps\)\n$/);
    // Everywhere else a bad setting stops the command with exit 2, as every setting does.
    const doctor = await runCli(['doctor'], { env: { ...env, CLAUDE_GAUGE_STATUSLINE: 'model,contxt' } });
    assert.equal(doctor.code, 2);
    assert.match(doctor.stderr, /unknown segment "contxt"/);
  } finally {
    await served.stop();
  }
});

test('a figure handed over while the daemon was down is used when it starts', async () => {
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  await runCli(['statusline'], { env, input: input(64, 3600) });
  const served = await startServe(env);
  try {
    const u = await getJson(`${served.url}/usage`);
    assert.equal(u.window_5h_pct, 0.64);
    assert.equal(u.window_5h_source, 'statusline');
  } finally {
    await served.stop();
  }
});

test('with no daemon, garbage input or a broken state folder, statusline still prints and exits 0', async () => {
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  const plain = await runCli(['statusline'], { env, input: input(5, 600) });
  assert.equal(plain.code, 0);
  assert.match(plain.stdout, /5h 5%/);
  assert.ok(plain.ms < 3000, `took ${plain.ms} ms`);
  const junk = await runCli(['statusline'], { env, input: '{"rate_limits": {"five_hour": "lots"' });
  assert.equal(junk.code, 0);
  assert.equal(junk.stdout.trim(), 'claude-gauge');
  const file = path.join(state, 'blocked');
  await fs.writeFile(file, 'not a folder');
  const blocked = await runCli(['statusline'], { env: { ...env, CLAUDE_GAUGE_STATE_DIR: file }, input: input(5, 600) });
  assert.equal(blocked.code, 0);
  assert.match(blocked.stdout, /5h 5%/);
});

test('statusline chains another status line command, passing stdin through', async () => {
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  const chain = `${JSON.stringify(process.execPath)} -e "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>console.log('theirs:'+JSON.parse(s).model.display_name))"`;
  const r = await runCli(['statusline', '--chain', chain], { env, input: input(10, 600) });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^theirs:Opus 4\.6 │ Opus 4\.6 · 5h 10%/);
  const failing = await runCli(['statusline', '--chain', 'exit 3'], { env, input: input(10, 600) });
  assert.match(failing.stdout, /^Opus 4\.6 · 5h 10%/);
});

test('setup statusline merges into settings.json, keeps a backup, chains the old line, and undoes cleanly', async () => {
  const home = await tempDir('claude');
  const state = await tempDir('state');
  const settings = path.join(home, 'settings.json');
  const original = { model: 'opus', hooks: { Stop: [] }, statusLine: { type: 'command', command: 'ccstatusline --fancy', padding: 0 } };
  await fs.writeFile(settings, JSON.stringify(original, null, 2));
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state });
  const r = await runCli(['setup', 'statusline'], { env });
  assert.equal(r.code, 0, r.stderr);
  const after = JSON.parse(await fs.readFile(settings, 'utf8'));
  assert.equal(after.model, 'opus');
  assert.deepEqual(after.hooks, { Stop: [] });
  assert.equal(after.statusLine.padding, 0);
  assert.match(after.statusLine.command, /claude-gauge\.cjs statusline --chain 'ccstatusline --fancy'$/);
  const backups = (await fs.readdir(home)).filter((f) => f.endsWith('.claude-gauge.bak'));
  assert.equal(backups.length, 1);
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, backups[0]), 'utf8')), original);

  const again = await runCli(['setup', 'statusline'], { env });
  assert.match(again.stdout, /already set up/);
  assert.deepEqual(JSON.parse(await fs.readFile(settings, 'utf8')), after, 'a second setup does not chain us to ourselves');

  const undo = await runCli(['setup', 'statusline', '--undo'], { env });
  assert.equal(undo.code, 0, undo.stderr);
  assert.deepEqual(JSON.parse(await fs.readFile(settings, 'utf8')), original);
});

test('setup statusline on a machine with no settings.json creates one; undo leaves no file behind, and backups do not pile up', async () => {
  const home = await tempDir('claude');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: await tempDir('state') });
  assert.equal((await runCli(['setup', 'statusline'], { env })).code, 0);
  const s = JSON.parse(await fs.readFile(path.join(home, 'settings.json'), 'utf8'));
  assert.equal(s.statusLine.type, 'command');
  assert.doesNotMatch(s.statusLine.command, /--chain/);
  await runCli(['setup', 'statusline', '--undo'], { env });
  assert.deepEqual(await fs.readdir(home), [], 'no `{}` left where there was no file (and no backup of the file we made)');

  // A user who sets up and undoes again and again keeps the first backup and the two newest.
  await fs.writeFile(path.join(home, 'settings.json'), '{"model":"opus"}');
  for (let i = 0; i < 4; i++) {
    assert.equal((await runCli(['setup', 'statusline'], { env })).code, 0);
    assert.equal((await runCli(['setup', 'statusline', '--undo'], { env })).code, 0);
  }
  const backups = (await fs.readdir(home)).filter((f) => f.endsWith('.claude-gauge.bak')).sort();
  assert.equal(backups.length, 3, backups.join(', '));
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, backups[0]), 'utf8')), { model: 'opus' });
  assert.deepEqual(JSON.parse(await fs.readFile(path.join(home, 'settings.json'), 'utf8')), { model: 'opus' });
});

test('bad configuration exits 2 with one line naming the setting', async () => {
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_TACH_REDLINE: 'abc' });
  for (const cmd of [['usage'], ['serve', '--port', '0']]) {
    const r = await runCli(cmd, { env });
    assert.equal(r.code, 2, cmd.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /CLAUDE_GAUGE_TACH_REDLINE "abc"/);
  }
  const badFlag = await runCli(['usage', '--now', 'yesterday-ish'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES }) });
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.stderr, /--now/);
  const unknown = await runCli(['frobnicate'], { env });
  assert.equal(unknown.code, 2);
});

test('statusline never waits on the daemon: a hung daemon costs it nothing', async () => {
  const { createServer } = await import('node:net');
  const state = await tempDir('state');
  // A "daemon" that accepts connections and never answers, announced where statusline looks.
  let connections = 0;
  const hung = createServer(() => connections++);
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
  const port = (hung.address() as { port: number }).port;
  await fs.writeFile(path.join(state, 'daemon.json'), JSON.stringify({ pid: process.pid, port, host: '127.0.0.1', started_at: new Date().toISOString() }));
  try {
    const r = await runCli(['statusline'], { env: isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state }), input: input(20, 600) });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /5h 20%/);
    assert.equal(connections, 0, 'it reads the snapshot file; it never calls the daemon');
  } finally {
    hung.close();
  }
});

test('a caller that never closes stdin: statusline still prints and ends after its wait; the command earlier versions wrote still works', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('./helpers/cli.js');
  const state = await tempDir('state');
  const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: state });
  const run = (bin: string, close: boolean) =>
    new Promise<{ code: number | null; signal: string | null; out: string; ms: number }>((resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, [bin, 'statusline'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('close', (code, signal) => resolve({ code, signal, out, ms: Date.now() - started }));
      child.stdin.write(input(30, 600));
      if (close) child.stdin.end();
    });
  for (const bin of [BIN, path.join(path.dirname(BIN), 'claude-gauge.js')]) {
    const name = path.basename(bin);
    const closed = await run(bin, true);
    assert.equal(closed.code, 0, name);
    assert.match(closed.out, /^Opus 4\.6 · 5h 30%/, name);
    const open = await run(bin, false);
    assert.match(open.out, /^Opus 4\.6 · 5h 30%/, `${name}: the line is printed all the same`);
    // Its read of stdin is still blocked in Node's I/O threads, which process.exit would wait for.
    assert.equal(open.signal, 'SIGKILL', `${name} ended by its own signal`);
    assert.ok(open.ms >= 900 && open.ms < 5000, `${name} ended after ${open.ms} ms (it waits 1 s for stdin to close)`);
  }
});
