// Where the package's own files are, whichever build of the code is running: the compiled
// modules (dist/src, one file per module) or the bundle (dist/bundle, shared code moved into
// chunks, so a module's own URL no longer says where its neighbours are).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Set to true by the bundler (scripts/bundle.ts); absent in the compiled modules.
declare const __CLAUDE_GAUGE_BUNDLE__: boolean | undefined;
const BUNDLED = typeof __CLAUDE_GAUGE_BUNDLE__ !== 'undefined' && __CLAUDE_GAUGE_BUNDLE__;

/** The package root: the nearest folder above this code that holds package.json. */
export const PACKAGE_ROOT: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(here, '..', '..', '..'); // dist/src/util or dist/bundle/chunks -> root
  }
})();

/** A file of the package, from its root: `packageFile('web')`, `packageFile('bin', 'claude-gauge.cjs')`. */
export function packageFile(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}

/**
 * A module that runs on its own (a worker thread or a child process), by its path under src/
 * without the extension: `entryUrl('sources/transcripts/scan-worker')`. The bundle builds every
 * such module as an entry of its own, at the same path.
 */
export function entryUrl(name: string): URL {
  return pathToFileURL(path.join(PACKAGE_ROOT, 'dist', BUNDLED ? 'bundle' : 'src', `${name}.js`));
}
