// The circuit as code (hardware/, its own npm package so the daemon never installs it): its tests
// check the netlist against firmware/include/pins.h, the tool's design checks, the computed
// resistor values and power budget, and that the exports run. This file runs them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const HARDWARE = path.join(ROOT, 'hardware');
const installed = existsSync(path.join(HARDWARE, 'node_modules', '@tscircuit', 'core'));
/** Outside CI a missing install skips with a message; in CI (.ci/run installs it) it must run. */
const skip = !installed && !process.env.CI ? 'hardware/node_modules missing: npm ci --prefix hardware; skipped outside CI' : false;

test('hardware: netlist matches pins.h, design checks clean, values computed, exports run', { skip, timeout: 180_000 }, () => {
  // Without NODE_TEST_CONTEXT the child reports on its own (with it, node --test nests into ours).
  const { NODE_TEST_CONTEXT: _nested, ...env } = process.env;
  const r = spawnSync('npm', ['test', '--prefix', HARDWARE], { encoding: 'utf8', env });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /ℹ fail 0/);
});
