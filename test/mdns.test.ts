// Two daemons on one machine both announce themselves over mDNS under distinct names, and the
// second says so calmly: no library stack trace, and "announced" only once the network was told.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bonjour } from 'bonjour-service';
import { FIXTURES, isolatedEnv, startServe, tempDir, waitFor, type Served } from './helpers/cli.js';
import { freeName, SERVICE_TYPE } from '../src/sinks/mdns.js';

const ANNOUNCED = /announced over mDNS as "([^"]+)"/;

test('freeName takes the first name nobody uses, ignoring case', () => {
  assert.equal(freeName('claude-gauge on box', new Set()), 'claude-gauge on box');
  assert.equal(freeName('claude-gauge on box', new Set(['claude-gauge on box'])), 'claude-gauge on box (2)');
  assert.equal(freeName('claude-gauge on Box', new Set(['claude-gauge on box', 'claude-gauge on box (2)'])), 'claude-gauge on Box (3)');
});

test('a second daemon announces itself under its own name, with no stack trace', async () => {
  const served: Served[] = [];
  const stdout: string[] = [];
  const start = async (name: string) => {
    const env = isolatedEnv({ CLAUDE_CONFIG_DIR: FIXTURES, CLAUDE_GAUGE_STATE_DIR: await tempDir(`mdns-${name}`) });
    const s = await startServe(env, ['--mdns', 'on', '--history', 'off'], '0.0.0.0');
    const i = stdout.push('') - 1;
    s.child.stdout!.on('data', (c) => (stdout[i] += c));
    served.push(s);
    const { value } = await waitFor(async () => ANNOUNCED.exec(s.stderr())?.[1], 15_000, 100);
    return { s, name: value, port: Number(new URL(s.url).port) };
  };
  const browser = new Bonjour();
  try {
    const a = await start('a');
    const b = await start('b');
    assert.notEqual(b.name, a.name, 'the second daemon chose a name of its own');
    // Both are really on the network, each under its name with its port.
    const found = browser.find({ type: SERVICE_TYPE });
    const { value: seen } = await waitFor(async () => {
      const byName = new Map(found.services.map((s) => [s.name, s.port]));
      return byName.has(a.name) && byName.has(b.name) && byName;
    }, 10_000, 200);
    assert.equal(seen.get(a.name), a.port);
    assert.equal(seen.get(b.name), b.port);
    for (const [i, s] of served.entries()) {
      assert.equal(stdout[i], '', 'nothing on stdout (the library used to print its error there)');
      assert.doesNotMatch(s.stderr(), /Error|\n\s+at /, 'no error or stack trace in the log');
    }
  } finally {
    browser.destroy();
    await Promise.all(served.map((s) => s.stop()));
  }
});
