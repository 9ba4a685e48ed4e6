#!/usr/bin/env node
// Entry point. The program is built by `npm ci` (through `prepare`): dist/src holds the compiled
// modules and dist/bundle the same program bundled, which starts faster. The bundle is used when
// it is at least as new as the compiled modules (after a bare `tsc` it is stale, and skipped);
// CLAUDE_GAUGE_NO_BUNDLE=1 runs the compiled modules, to debug them.
// CommonJS, unlike the rest: every command is a new process (Claude Code starts `statusline` on
// every turn and `hook` on every hook event), and a CommonJS entry that requires a one-file
// CommonJS bundle skips initializing Node's ES module loader (about ten milliseconds a start);
// the bundle's functions come compiled from V8's code cache (code-cache.cjs). Worker threads and
// child processes start from the bundle's ES modules.
'use strict';
const { statSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const builtAt = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? null;
const modules = path.join(__dirname, '..', 'dist', 'src');
const bundle = path.join(__dirname, '..', 'dist', 'bundle');
const [modulesAt, bundleAt] = [builtAt(path.join(modules, 'cli', 'index.js')), builtAt(path.join(bundle, 'cli', 'index.cjs'))];
const bundled = bundleAt !== null && process.env.CLAUDE_GAUGE_NO_BUNDLE !== '1' && (modulesAt === null || bundleAt >= modulesAt);
if (!bundled && modulesAt === null) {
  process.stderr.write('claude-gauge: not built yet; run `npm ci` (or `npm run build`) in the claude-gauge folder\n');
  process.exit(1);
}

/** A module the program starts on its own, by its path under src/ (scripts/bundle.ts builds each, as one file). */
function load(name) {
  if (bundled) return Promise.resolve(require('./code-cache.cjs').requireCached(path.join(bundle, `${name}.cjs`)));
  return import(pathToFileURL(path.join(modules, `${name}.js`)).href);
}

const argv = process.argv.slice(2);
const REPORTS = new Set(['usage', 'blocks', 'daily', 'weekly', 'monthly', 'session']);
const fast = (command) => argv[0] === command && !argv.includes('--help') && !argv.includes('-h');
if (fast('statusline')) {
  // Skip the CLI framework and go straight to the work; main() ends the process when done.
  const { values } = require('node:util').parseArgs({ args: argv.slice(1), options: { chain: { type: 'string' }, format: { type: 'string' } }, strict: false });
  const text = (v) => (typeof v === 'string' ? v : undefined);
  load('statusline/run').then(({ main }) => main({ chain: text(values.chain), format: text(values.format) }));
} else if (fast('hook')) {
  load('hooks/run').then(({ main }) => main(argv[1]));
} else {
  // The CLI framework colours its help and errors; only for a terminal (it does not check).
  if (!(process.stdout.isTTY && process.stderr.isTTY) && process.env.NO_COLOR === undefined && process.env.FORCE_COLOR === undefined) process.env.NO_COLOR = '1';
  // The reports (src/cli/report-commands.ts) have a bundle of their own, less than half the whole CLI's.
  if (REPORTS.has(argv[0])) load('cli/reports').then(({ run }) => run(argv));
  else load('cli/index').then(({ run }) => run(argv));
}
