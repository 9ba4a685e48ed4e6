// `service install|uninstall|status` as a user runs them. systemd's user manager and launchd
// cannot run in this container, so a recording `systemctl`/`launchctl` sits first on PATH and the
// exact calls are checked; the unit itself is checked by systemd's own verifier, the plist by a
// real plist parser, and the unit's ExecStart is run by hand to prove it starts a daemon.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, fixtureCopy, isolatedEnv, runCli, tempDir, waitFor } from './helpers/cli.js';
import { DAEMON_NODE_ARGS } from '../src/service/spec.js';

const UNIT = 'claude-gauge.service';

/** A stand-in service manager that appends its arguments to `log` and keeps an on/off state beside it. */
async function fakeManager(name: 'systemctl' | 'launchctl', opts: { fail?: string } = {}): Promise<{ dir: string; log: string; calls: () => Promise<string[]> }> {
  const dir = await tempDir(`fake-${name}`);
  const log = path.join(dir, 'calls.log');
  const state = path.join(dir, 'running');
  const script = opts.fail
    ? `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\necho '${opts.fail}' >&2\nexit 1\n`
    : name === 'systemctl'
      ? `#!/bin/sh
printf '%s\\n' "$*" >> '${log}'
case "$*" in
  "--user enable --now ${UNIT}") touch '${state}' ;;
  "--user disable --now ${UNIT}") rm -f '${state}' ;;
  "--user is-active ${UNIT}") if [ -f '${state}' ]; then echo active; exit 0; else echo inactive; exit 3; fi ;;
  "--user is-enabled ${UNIT}") if [ -f '${state}' ]; then echo enabled; exit 0; else echo disabled; exit 1; fi ;;
esac
exit 0
`
      : `#!/bin/sh
printf '%s\\n' "$*" >> '${log}'
case "$1" in
  bootstrap) touch '${state}' ;;
  bootout) if [ -f '${state}' ]; then rm -f '${state}'; else echo 'Boot-out failed: 3: No such process' >&2; exit 3; fi ;;
  print) if [ -f '${state}' ]; then printf 'dev.claude-gauge.daemon = {\\n\\tstate = running\\n}\\n'; exit 0; else echo 'Could not find service' >&2; exit 113; fi ;;
esac
exit 0
`;
  await fs.writeFile(path.join(dir, name), script, { mode: 0o755 });
  const calls = async () => (await fs.readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
  return { dir, log, calls };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The words of an ExecStart= value: read here with a parser of the test's own (double-quoted words). */
function words(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]).replace(/\\(.)/g, '$1').replace(/%%/g, '%'));
}

async function setup(extra: Record<string, string> = {}) {
  const home = await tempDir('home');
  const fake = await fakeManager('systemctl');
  const env = isolatedEnv({ HOME: home, PATH: `${fake.dir}:${process.env.PATH}`, CLAUDE_CONFIG_DIR: await fixtureCopy(), CLAUDE_GAUGE_STATE_DIR: path.join(home, 'state'), ...extra });
  return { home, fake, env, unit: path.join(extra.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'systemd', 'user', UNIT) };
}

test('service install writes a valid systemd user unit, reloads and enables it; again rewrites and restarts', async () => {
  const { fake, env, unit } = await setup();
  const port = await freePort();
  const r = await runCli(['service', 'install', '--port', String(port), '--host', '127.0.0.1', '--redline', '250000'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /installed and started/);
  assert.match(r.stdout, /journalctl --user -u claude-gauge/);
  assert.deepEqual(await fake.calls(), ['--user daemon-reload', `--user enable --now ${UNIT}`]);

  const text = await fs.readFile(unit, 'utf8');
  const exec = words(/^ExecStart=(.*)$/m.exec(text)![1]);
  assert.deepEqual(exec, [process.execPath, ...DAEMON_NODE_ARGS, BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--redline', '250000']);
  assert.match(text, /^Restart=on-failure$/m);
  assert.match(text, /^WantedBy=default\.target$/m);
  assert.match(text, new RegExp(`^Environment="CLAUDE_CONFIG_DIR=${env.CLAUDE_CONFIG_DIR}"$`, 'm'));

  const again = await runCli(['service', 'install', '--port', String(port + 1)], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /reinstalled and restarted/);
  assert.deepEqual((await fake.calls()).slice(2), ['--user daemon-reload', `--user enable --now ${UNIT}`, `--user restart ${UNIT}`]);
  assert.deepEqual(words(/^ExecStart=(.*)$/m.exec(await fs.readFile(unit, 'utf8'))![1]).slice(2 + DAEMON_NODE_ARGS.length), ['serve', '--port', String(port + 1)]);
});

test('npm start runs the daemon with the same node flags as the service', async () => {
  const pkg = JSON.parse(await fs.readFile(path.join(path.dirname(BIN), '..', 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.start, ['node', ...DAEMON_NODE_ARGS, 'bin/claude-gauge.cjs', 'serve'].join(' '));
});

test("the unit passes systemd's own verifier (systemd-analyze verify)", async (t) => {
  const has = spawnSync('systemd-analyze', ['--version']).status === 0;
  if (!has) {
    if (process.env.CI) assert.fail('systemd-analyze is missing: install Debian package systemd');
    return t.skip('systemd-analyze not installed (Debian package systemd)');
  }
  // A path with a space, a percent sign and a dollar: the quoting must survive systemd's parser.
  const { env, unit } = await setup({ XDG_CONFIG_HOME: path.join(await tempDir('xdg'), 'my config') });
  const r = await runCli(['service', 'install', '--port', '18080', '--ceiling', '2000000'], { env: { ...env, CLAUDE_GAUGE_STATE_DIR: path.join(env.HOME!, '100% $state') } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(unit.includes('my config'), 'XDG_CONFIG_HOME is honoured');
  const v = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stderr.trim(), '', `systemd-analyze has complaints:\n${v.stderr}`);
  assert.match(await fs.readFile(unit, 'utf8'), /100%% \$state/, 'percent is escaped, dollar left literal in Environment=');
});

test("the unit's ExecStart, run by hand, starts a daemon that answers /usage; status sees it", async () => {
  const { env, unit } = await setup();
  const port = await freePort();
  const r = await runCli(['service', 'install', '--port', String(port), '--host', '127.0.0.1', '--mdns', 'off'], { env });
  assert.equal(r.code, 0, r.stderr);
  const text = await fs.readFile(unit, 'utf8');
  const [cmd, ...args] = words(/^ExecStart=(.*)$/m.exec(text)![1]);
  // What systemd would give it: the unit's Environment= lines and little else.
  const unitEnv: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: env.HOME };
  for (const m of text.matchAll(/^Environment=(.*)$/gm)) {
    const [kv] = words(m[1]);
    unitEnv[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  }
  const child = spawn(cmd, args, { env: unitEnv, stdio: 'ignore' });
  try {
    const { value: usage } = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/usage`).catch(() => null);
      return res?.ok && (await res.json());
    }, 30_000, 100);
    assert.equal(typeof usage.rate_1m, 'number');
    assert.ok(usage.source.files > 0, 'it reads the transcripts of the baked CLAUDE_CONFIG_DIR');

    const s = await runCli(['service', 'status'], { env });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^service: installed \(systemd: /m);
    assert.match(s.stdout, /^state: +active \(active\), starts at login$/m);
    assert.match(s.stdout, /^logs: +journalctl --user -u claude-gauge$/m);
    assert.match(s.stdout, new RegExp(`^/usage: +answering at http://127\\.0\\.0\\.1:${port}/usage$`, 'm'));
  } finally {
    child.kill('SIGTERM');
  }
  await new Promise((r) => child.once('exit', r));
  const s = JSON.parse((await runCli(['service', 'status', '--json'], { env })).stdout);
  assert.equal(s.usage_answering, false);
  assert.equal(s.installed, true);
});

test('uninstall stops, disables and removes the unit; twice is harmless; status then says not installed', async () => {
  const { fake, env, unit } = await setup();
  assert.equal((await runCli(['service', 'install'], { env })).code, 0);
  const u1 = await runCli(['service', 'uninstall'], { env });
  assert.equal(u1.code, 0, u1.stderr);
  assert.match(u1.stdout, /stopped and removed/);
  await assert.rejects(fs.stat(unit));
  assert.deepEqual((await fake.calls()).slice(2), [`--user disable --now ${UNIT}`, '--user daemon-reload']);
  const u2 = await runCli(['service', 'uninstall'], { env });
  assert.equal(u2.code, 0);
  assert.match(u2.stdout, /not installed/);
  assert.equal((await fake.calls()).length, 4, 'the second uninstall asks systemd nothing');
  const s = await runCli(['service', 'status', '--json'], { env });
  const report = JSON.parse(s.stdout);
  assert.equal(report.installed, false);
  assert.equal(report.active, false);
  assert.equal(report.logs, 'journalctl --user -u claude-gauge');
});

test('without a user session, install says so in one line (exit 1); a bad flag is refused before anything is written (exit 2)', async () => {
  const home = await tempDir('home');
  const fake = await fakeManager('systemctl', { fail: 'Failed to connect to bus: No medium found' });
  const env = isolatedEnv({ HOME: home, PATH: `${fake.dir}:${process.env.PATH}` });
  const r = await runCli(['service', 'install'], { env });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /systemctl --user daemon-reload failed: Failed to connect to bus.*loginctl enable-linger/);
  const bad = await runCli(['service', 'install', '--port', 'eighty'], { env: isolatedEnv({ HOME: await tempDir('home'), PATH: `${fake.dir}:${process.env.PATH}` }) });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --port "eighty"/);
});

test('macOS: a launchd agent, bootstrapped into gui/<uid>; the plist parses as a real plist', async (t) => {
  const py = spawnSync('python3', ['-c', 'import plistlib']).status === 0;
  if (!py) {
    if (process.env.CI) assert.fail('python3 is missing (its plistlib checks the plist)');
    return t.skip('python3 not installed (its plistlib checks the plist)');
  }
  const { Launchd } = await import('../src/service/launchd.js');
  const { serviceSpec } = await import('../src/service/spec.js');
  const fake = await fakeManager('launchctl');
  const home = await tempDir('home');
  const oldPath = process.env.PATH;
  process.env.PATH = `${fake.dir}:${oldPath}`; // the real runner finds the fake launchctl
  try {
    const m = new Launchd(undefined, home, 501);
    const spec = serviceSpec({ port: '9090', host: '127.0.0.1' }, { CLAUDE_CONFIG_DIR: '/Users/me/.claude & co' });
    assert.deepEqual(await m.install(spec), { reinstalled: false });
    const plist = JSON.parse(execFileSync('python3', ['-c', 'import plistlib,json,sys; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', m.file], { encoding: 'utf8' }));
    assert.equal(plist.Label, 'dev.claude-gauge.daemon');
    assert.deepEqual(plist.ProgramArguments, [process.execPath, ...DAEMON_NODE_ARGS, BIN, 'serve', '--port', '9090', '--host', '127.0.0.1']);
    assert.deepEqual(plist.EnvironmentVariables, { CLAUDE_CONFIG_DIR: '/Users/me/.claude & co' });
    assert.equal(plist.RunAtLoad, true);
    assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
    assert.equal(plist.StandardErrorPath, path.join(home, 'Library', 'Logs', 'claude-gauge', 'daemon.log'));
    assert.ok((await fs.stat(path.join(home, 'Library', 'Logs', 'claude-gauge'))).isDirectory());
    assert.deepEqual(await fake.calls(), ['print gui/501/dev.claude-gauge.daemon', `bootstrap gui/501 ${m.file}`]);

    const s = await m.status();
    assert.equal(s.installed, true);
    assert.equal(s.active, true);
    assert.deepEqual(s.args, ['serve', '--port', '9090', '--host', '127.0.0.1']);

    assert.deepEqual(await m.install(spec), { reinstalled: true });
    assert.deepEqual((await fake.calls()).slice(2), ['print gui/501/dev.claude-gauge.daemon', 'bootout gui/501/dev.claude-gauge.daemon', `bootstrap gui/501 ${m.file}`]);

    const u = await m.uninstall();
    assert.deepEqual(u.removed, [m.file, path.join(home, 'Library', 'Logs', 'claude-gauge')]);
    await assert.rejects(fs.stat(m.file));
    assert.equal((await fake.calls()).at(-1), 'bootout gui/501/dev.claude-gauge.daemon');
    assert.deepEqual((await m.uninstall()).removed, [], 'a second uninstall finds nothing');
    assert.equal((await fake.calls()).at(-1), 'print gui/501/dev.claude-gauge.daemon', 'and only asks whether it is loaded');
    assert.equal((await m.status()).installed, false);
  } finally {
    process.env.PATH = oldPath;
  }
});

test('on Windows the service managers are not supported yet', async () => {
  const { managerFor } = await import('../src/service/index.js');
  assert.equal(managerFor('win32'), null);
  assert.equal(managerFor('linux')?.kind, 'systemd');
  assert.equal(managerFor('darwin')?.kind, 'launchd');
});

test('service install --help shows the usage and installs nothing', async () => {
  const { fake, env, unit } = await setup();
  const r = await runCli(['service', 'install', '--help'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: claude-gauge service install \[options\]/);
  assert.match(r.stdout, /--port/);
  await assert.rejects(fs.stat(unit));
  assert.deepEqual(await fake.calls(), []);
});
