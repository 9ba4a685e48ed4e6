#!/usr/bin/env node
// Entry point. The program is built by `npm ci` (through `prepare`): dist/src holds the compiled
// modules and dist/bundle the same program bundled, which starts faster. The bundle is used when
// it is at least as new as the compiled modules (after a bare `tsc` it is stale, and skipped);
// CLAUDE_GAUGE_NO_BUNDLE=1 runs the compiled modules, to debug them.
import { statSync } from 'node:fs';

const builtAt = (dir) => statSync(new URL('cli/index.js', dir), { throwIfNoEntry: false })?.mtimeMs ?? null;
const modules = new URL('../dist/src/', import.meta.url);
const bundle = new URL('../dist/bundle/', import.meta.url);
const [modulesAt, bundleAt] = [builtAt(modules), builtAt(bundle)];
const dist =
  bundleAt !== null && process.env.CLAUDE_GAUGE_NO_BUNDLE !== '1' && (modulesAt === null || bundleAt >= modulesAt) ? bundle
  : modulesAt !== null ? modules
  : null;
if (!dist) {
  process.stderr.write('claude-gauge: not built yet; run `npm ci` (or `npm run build`) in the claude-gauge folder\n');
  process.exit(1);
}
const argv = process.argv.slice(2);
if (argv[0] === 'statusline' && !argv.includes('--help') && !argv.includes('-h')) {
  // Claude Code runs this every turn: skip the CLI framework and go straight to the work.
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({ args: argv.slice(1), options: { chain: { type: 'string' } }, strict: false });
  const { runStatusline } = await import(new URL('statusline/run.js', dist).href);
  await runStatusline(typeof values.chain === 'string' ? values.chain : undefined);
} else if (argv[0] === 'hook' && !argv.includes('--help') && !argv.includes('-h')) {
  // Claude Code runs this on every hook event and waits for it: the same short path.
  const { runHook } = await import(new URL('hooks/run.js', dist).href);
  await runHook(argv[1]);
} else {
  // The CLI framework colours its help and errors; only for a terminal (it does not check).
  if (!(process.stdout.isTTY && process.stderr.isTTY) && process.env.NO_COLOR === undefined && process.env.FORCE_COLOR === undefined) process.env.NO_COLOR = '1';
  const { run } = await import(new URL('cli/index.js', dist).href);
  await run(argv);
}
