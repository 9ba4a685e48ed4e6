#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('claude-gauge: not built yet; run `npm ci` (or `npm run build`) in the claude-gauge folder\n');
  process.exit(1);
}
const { run } = await import(entry.href);
await run();
