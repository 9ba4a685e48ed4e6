// The benchmark's options: a wrong one is refused in one line with the usage, before any
// history is generated (minutes at GB sizes) or ccusage prepared.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const RUN = path.join(ROOT, 'dist', 'bench', 'run.js');
const bench = (...args: string[]) => spawnSync(process.execPath, [RUN, ...args], { encoding: 'utf8', timeout: 30_000 });

test('bench --help lists every option and exits 0', () => {
  const r = bench('--help');
  assert.equal(r.status, 0, r.stderr);
  for (const o of ['--sizes', '--runs', '--only', '--data', '--appends', '--days']) assert.match(r.stdout, new RegExp(`${o} `));
  assert.match(r.stdout, /scan,cold,append,load,statusline,history/);
});

for (const [args, said] of [
  [['--bogus'], /^bench: Unknown option '--bogus'/],
  [['--only', 'scan,nope'], /^bench: --only: no figure named nope\n/],
  [['--runs', 'zero'], /^bench: --runs: zero is not a positive number\n/],
  [['--sizes', '100MB,1XB'], /^bench: --sizes: bad size 1XB/],
] as const) {
  test(`bench ${args.join(' ')}: refused in one line with the usage, exit 2`, () => {
    const r = bench(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, said);
    assert.match(r.stderr, /\nusage: npm run bench/);
    assert.equal(r.stdout, '');
  });
}
