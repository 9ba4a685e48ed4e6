// The README is the user's manual: every setting and every /usage field must be in it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SETTINGS } from '../src/config/index.js';
import { ROOT } from './helpers/cli.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('the README starts with the two commands: set up and run, and run the tests', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const lines = firstBlock.trim().split('\n');
  assert.match(lines[0], /^npm ci && npm start\b/);
  // The circuit as code is its own package (the daemon never installs it); the suite tests it too.
  assert.match(lines[1], /^npm ci && npm ci --prefix hardware && npm test\b/);
  assert.ok(readme.indexOf('```sh') < 200, 'the commands open the README');
});

test('every setting is documented with its variable, key and default', () => {
  for (const s of SETTINGS) {
    const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.env}\``));
    assert.ok(row, `README lists ${s.env}`);
    assert.ok(row!.includes(`\`${s.file}\``), `${s.env} row names config key ${s.file}`);
    const shown = typeof s.fallback === 'number' ? s.fallback.toLocaleString('en-US') : s.fallback === true ? 'on' : s.fallback === false ? 'off' : s.fallback === null ? 'none' : String(s.fallback);
    assert.ok(row!.includes(shown) || row!.includes(String(s.fallback)), `${s.env} row shows default ${shown}`);
  }
});

test('every /usage field of the schema is explained in the README', () => {
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'usage.schema.json'), 'utf8'));
  for (const field of Object.keys(schema.properties)) assert.ok(readme.includes(`\`${field}\``), `README explains ${field}`);
});
