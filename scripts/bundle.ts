// Bundles the compiled program (dist/src) into dist/bundle: one file per entry plus shared chunks,
// so starting `serve` (or a worker) loads a few files instead of a hundred modules one by one.
// The program runs the same from either; bin/claude-gauge.cjs prefers the bundle when it exists.
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
  'cli/reports',
  'statusline/run',
  'hooks/run',
  'sources/transcripts/scan-worker',
  'daemon/older-history-worker',
  'store/worker',
  'store/check-worker',
  'store/build-worker',
  'store/build-child',
  'sources/otlp/parse-worker',
  'sinks/stats/query-worker',
];

/**
 * Libraries on the way to the first reading, pure JavaScript: bundled. Every other dependency
 * stays in node_modules: native modules (SQLite, the file watcher), and libraries that read
 * files of their own at run time or are only loaded by a rarely used command.
 */
const BUNDLED = new Set(['hono', '@hono/node-server', 'citty', 'zod']);

/**
 * Started by a person or by Claude Code (`statusline` every turn, `hook` on every hook event), each
 * in a new process: bundled whole into one CommonJS file each (`<entry>.cjs`), since every extra
 * file costs a start a millisecond or two of resolving and compiling, and bin/claude-gauge.cjs
 * requires them without Node's ES module loader, from V8's code cache (scripts/code-cache.ts).
 */
export const ONE_FILE = new Set(['cli/index', 'cli/reports', 'statusline/run', 'hooks/run']);

export async function bundle(): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);
  rmSync(OUT, { recursive: true, force: true });
  const common = {
    outdir: OUT,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    define: { __CLAUDE_GAUGE_BUNDLE__: 'true' },
    sourcemap: 'linked',
    logLevel: 'warning',
  } as const;
  const entries = (names: string[]) => Object.fromEntries(names.map((e) => [e, path.join(SRC, `${e}.js`)]));
  await build({ ...common, entryPoints: entries(ENTRIES.filter((e) => !ONE_FILE.has(e))), chunkNames: 'chunks/[name]-[hash]', splitting: true });
  await build({
    ...common,
    entryPoints: entries(ENTRIES.filter((e) => ONE_FILE.has(e))),
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // A module's own URL, for the few that find package files from it (util/package-files.ts).
    define: { ...common.define, 'import.meta.url': '__claudeGaugeModuleUrl' },
    banner: { js: "var __claudeGaugeModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Every import() a require: a script run from V8's code cache (vm.Script) has no module loader.
    supported: { 'dynamic-import': false },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundle();
