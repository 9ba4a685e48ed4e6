import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, resolveConfig } from './index.js';

const noFile = { CLAUDE_GAUGE_CONFIG: path.join(os.tmpdir(), 'cg-no-such-config.json') };

test('defaults need no configuration', () => {
  const c = resolveConfig({}, { ...noFile, HOME: '/home/u' });
  assert.equal(c.port, 8080);
  assert.equal(c.ceiling, 'auto');
  assert.equal(c.redline, 1_000_000);
  assert.equal(c.stallMinutes, 5);
});

test('flags beat environment, environment beats the config file', async () => {
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'cg-cfg-')), 'config.json');
  await fs.writeFile(file, JSON.stringify({ tachRedline: 111, stallMinutes: 9, ceiling5h: 123 }));
  const env = { CLAUDE_GAUGE_CONFIG: file, CLAUDE_GAUGE_TACH_REDLINE: '222' };
  const c = resolveConfig({ redline: '333' }, env);
  assert.equal(c.redline, 333);
  assert.equal(resolveConfig({}, env).redline, 222);
  assert.equal(c.stallMinutes, 9);
  assert.equal(c.ceiling, 123);
});

test('a bad value names its setting in one line', () => {
  const bad = (env: Record<string, string>, re: RegExp) =>
    assert.throws(() => resolveConfig({}, { ...noFile, ...env }), (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes('\n'));
  bad({ CLAUDE_GAUGE_TACH_REDLINE: 'fast' }, /CLAUDE_GAUGE_TACH_REDLINE "fast": must be a number/);
  bad({ CLAUDE_GAUGE_5H_CEILING: '-5' }, /CLAUDE_GAUGE_5H_CEILING/);
  bad({ CLAUDE_GAUGE_CACHE_FLOOR: '1.5' }, /CLAUDE_GAUGE_CACHE_FLOOR "1.5": must be between 0 and 1/);
  bad({ CLAUDE_GAUGE_PORT: '99999' }, /CLAUDE_GAUGE_PORT/);
  bad({ CLAUDE_GAUGE_STALL_MINUTES: '0' }, /CLAUDE_GAUGE_STALL_MINUTES/);
  bad({ CLAUDE_GAUGE_HISTORY: 'maybe' }, /CLAUDE_GAUGE_HISTORY "maybe": must be on or off/);
  bad({ CLAUDE_GAUGE_MDNS: 'loud' }, /CLAUDE_GAUGE_MDNS "loud": must be on or off/);
});

test('a broken or unknown-keyed config file is refused with its path', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-cfg-'));
  const broken = path.join(dir, 'broken.json');
  await fs.writeFile(broken, '{ nope');
  assert.throws(() => resolveConfig({}, { CLAUDE_GAUGE_CONFIG: broken }), /broken\.json is not valid JSON/);
  const typo = path.join(dir, 'typo.json');
  await fs.writeFile(typo, '{"tachRedlin": 5}');
  assert.throws(() => resolveConfig({}, { CLAUDE_GAUGE_CONFIG: typo }), /unknown setting "tachRedlin"/);
});
