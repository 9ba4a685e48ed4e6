// better-sqlite3 is the one dependency whose native part is built at install time, by its install
// script. npm 12 runs a dependency's install script only when it is allowed (package.json's
// `allowScripts`, or `--allow-scripts` for a global install), and a Node upgrade leaves a part
// built for the old one. Either way the history cannot open while the gauges run on; the driver
// then says a dozen lines of paths, or only ERR_DLOPEN_FAILED, and this says it in one, with the fix.
import { createRequire } from 'node:module';
import path from 'node:path';
import { errorCode } from '../util/errno.js';

/** What the `bindings` package says when no build of the native part is where it looks. */
const MISSING = 'Could not locate the bindings file';
/** Node's words for a native part built against another Node.js (another ABI). */
const OTHER_NODE = 'NODE_MODULE_VERSION';
const NATIVE_FILE = 'better_sqlite3.node';

/** In one line, with the fix: why better-sqlite3's native part did not load; null when `err` is another failure. */
export function nativeSqliteProblem(err: unknown, root = installRoot()): string | null {
  const message = err instanceof Error ? err.message : String(err);
  const fix = `run \`npm rebuild better-sqlite3\`${root ? ` in ${root}` : ''} (with npm 12 or later, \`npm install-scripts approve better-sqlite3\` there first; for a global install, \`npm install -g claude-gauge --allow-scripts=better-sqlite3\`)`;
  if (message.includes(MISSING)) return `better-sqlite3's native part was never built (its install script did not run): ${fix}`;
  if (message.includes(OTHER_NODE)) return `better-sqlite3's native part was built for another Node.js than this one (${process.version}): ${fix}`;
  if (errorCode(err) === 'ERR_DLOPEN_FAILED' && message.includes(NATIVE_FILE)) return `better-sqlite3's native part does not load here (${firstLine(message)}): ${fix}`;
  return null;
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0].trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** The folder whose node_modules holds better-sqlite3 (where `npm rebuild` finds it), or null. */
function installRoot(): string | null {
  try {
    return path.resolve(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), '..', '..');
  } catch {
    return null;
  }
}
