// Bundles the compiled program (dist/src) into dist/bundle: one file per entry plus shared chunks,
// so starting `serve` (or a worker) loads a few files instead of a hundred modules one by one.
// The program runs the same from either; bin/claude-gauge.js prefers the bundle when it exists.
//   node dist/scripts/bundle.js        (npm run build does it after tsc)
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'dist', 'src');
const OUT = path.join(ROOT, 'dist', 'bundle');

/**
 * Every module the program starts on its own: the CLI, the two fast paths bin/ takes
 * (statusline, hook), and the bodies of workers and child processes
 * (src/util/package-files.ts entryUrl finds them at these same paths).
 */
export const ENTRIES = [
  'cli/index',
  'statusline/run',
  'hooks/run',
  'sources/transcripts/discover-worker',
  'sources/transcripts/scan-worker',
  'sources/transcripts/history-worker',
  'store/worker',
];

/**
 * Libraries on the way to the first reading, pure JavaScript: bundled. Every other dependency
 * stays in node_modules: native modules (SQLite, the file watcher), and libraries that read
 * files of their own at run time or are only loaded by a rarely used command.
 */
const BUNDLED = new Set(['hono', '@hono/node-server', 'citty', 'zod']);

export async function bundle(): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);
  rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e, path.join(SRC, `${e}.js`)])),
    outdir: OUT,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    define: { __CLAUDE_GAUGE_BUNDLE__: 'true' },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundle();
