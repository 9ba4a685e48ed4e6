// Alerts end to end: a real `serve` with alerts on, a real loopback HTTP server receiving the
// webhook, and a stand-in `notify-send` first on PATH (no desktop session here) recording its argv.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { assistant } from './helpers/lines.js';
import { fixtureCopy, isolatedEnv, runCli, startServe, tempDir, waitFor } from './helpers/cli.js';

async function receiver() {
  const bodies: Array<Record<string, any>> = [];
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(JSON.parse(b));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/alerts`,
    bodies,
    close: () => new Promise((r) => {
      srv.close(r);
      srv.closeAllConnections();
    }),
  };
}

/** A `notify-send` that appends its arguments, one per line, then a `--` line. */
async function fakeNotifySend(): Promise<{ dir: string; calls: () => Promise<string[][]> }> {
  const dir = await tempDir('fake-bin');
  const log = path.join(dir, 'calls.txt');
  await fs.writeFile(path.join(dir, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done >> '${log}'\necho -- >> '${log}'\n`, { mode: 0o755 });
  const calls = async () => {
    const text = await fs.readFile(log, 'utf8').catch(() => '');
    return text.split('--\n').filter((c) => c.trim()).map((c) => c.trim().split('\n'));
  };
  return { dir, calls };
}

const hookInput = (event: string, session: string) => JSON.stringify({ session_id: session, transcript_path: '/x.jsonl', cwd: '/x', hook_event_name: event });

test('serve sends alerts by webhook and desktop when lamps light and fuel crosses a threshold; what was lit at start-up stays quiet', async () => {
  const home = await fixtureCopy();
  const state = await tempDir('alerts-state');
  const hook = await receiver();
  const notify = await fakeNotifySend();
  const env = isolatedEnv({
    PATH: `${notify.dir}:${process.env.PATH}`,
    CLAUDE_CONFIG_DIR: home, CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_GAUGE_HISTORY: 'off', CLAUDE_GAUGE_MDNS: 'off',
    CLAUDE_GAUGE_STALL_MINUTES: '0.05', CLAUDE_GAUGE_TACH_REDLINE: '50000', CLAUDE_GAUGE_5H_CEILING: '100000',
    CLAUDE_GAUGE_ALERTS: 'on', CLAUDE_GAUGE_WEBHOOK_URL: hook.url, CLAUDE_GAUGE_ALERT_COOLDOWN_MINUTES: '0.01',
  });
  // The transcript the burst below goes to exists (empty) before the daemon starts watching.
  const file = path.join(home, 'projects', '-home-dev-alerts', 'alerts.jsonl');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
  // A turn left waiting before the daemon starts: STALL is already lit when it comes up.
  assert.equal((await runCli(['hook'], { env, input: hookInput('UserPromptSubmit', 'early') })).code, 0);
  await new Promise((r) => setTimeout(r, 3500));
  const served = await startServe(env);
  try {
    const usage = async () => (await fetch(`${served.url}/usage`)).json() as Promise<Record<string, any>>;
    assert.equal((await usage()).stall, true);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hook.bodies.length, 0, 'no alert for a lamp already lit at start-up');
    assert.deepEqual(await notify.calls(), []);

    // The turn ends, a new one goes silent: STALL lights again, and that is news.
    await runCli(['hook'], { env, input: hookInput('Stop', 'early') });
    await waitFor(async () => !(await usage()).stall, 5000);
    await runCli(['hook'], { env, input: hookInput('UserPromptSubmit', 'early') });
    const stall = await waitFor(async () => hook.bodies.find((b) => b.kind === 'stall'), 15_000);
    assert.equal(stall.value.text, 'claude-gauge: STALL: a turn has been waiting on Claude with nothing written');
    assert.equal(stall.value.stall, true);
    const desk = await waitFor(async () => (await notify.calls()).find((c) => c.includes('claude-gauge: STALL')), 5000);
    assert.deepEqual(desk.value.slice(0, 2), ['--app-name=claude-gauge', '--urgency=critical']);

    // A burst of real usage: over the 50k/min redline (HOT) and past 50 % of a 100k plan.
    await fs.appendFile(file, assistant({ id: 'msg_a1', req: 'req_a1', at: Date.now(), input: 5, cacheRead: 20_000, output: 40_000, session: 'alerts', model: 'claude-haiku-4-5-20251001' }) + '\n');
    const both = await waitFor(async () => hook.bodies.some((b) => b.kind === 'hot') && hook.bodies.some((b) => b.kind === 'fuel') && hook.bodies, 20_000);
    const fuel = both.value.find((b) => b.kind === 'fuel')!;
    assert.equal(fuel.title, 'claude-gauge: 5-hour plan at 50 %');
    assert.match(fuel.text, /60 % of the 5-hour plan used \(estimate\)/);
    await waitFor(async () => (await notify.calls()).some((c) => c.includes('claude-gauge: HOT')), 5000);
    // Each lamp alerted once: no repeats while they stay lit.
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(hook.bodies.map((b) => b.kind).sort(), ['fuel', 'hot', 'stall']);
  } finally {
    await served.stop();
    await hook.close();
  }
});

test('alerts test sends one alert through each configured channel and says so', async () => {
  const hook = await receiver();
  const notify = await fakeNotifySend();
  const env = isolatedEnv({ PATH: `${notify.dir}:${process.env.PATH}`, CLAUDE_GAUGE_STATE_DIR: await tempDir('alerts-test'), CLAUDE_GAUGE_WEBHOOK_URL: hook.url });
  const r = await runCli(['alerts', 'test'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /test alert sent: desktop, webhook/);
  assert.deepEqual(hook.bodies.map((b) => b.kind), ['test']);
  assert.equal((await notify.calls()).length, 1);
  await hook.close();
  const none = await runCli(['alerts', 'test'], { env: isolatedEnv({ CLAUDE_GAUGE_ALERT_DESKTOP: 'off', CLAUDE_GAUGE_STATE_DIR: await tempDir('alerts-none') }) });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no channel configured/);
});
