// better-sqlite3 is the one dependency whose native part is built at install time, by its install
// script. npm 12 runs a dependency's install script only when it is allowed (package.json's
// `allowScripts`, or `--allow-scripts` for a global install), and a Node upgrade leaves a part
// built for the old one. Either way the history cannot open while the gauges run on; the driver
// then says a dozen lines of paths, or only ERR_DLOPEN_FAILED, and this says it in one, with the fix.
// Every connection the program makes goes through newDatabase, so every caller's message has it.
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import path from 'node:path';
import { errorCode } from '../util/errno.js';

/** What the `bindings` package says when no build of the native part is where it looks. */
const MISSING = 'Could not locate the bindings file';
/** Node's words for a native part built against another Node.js (another ABI). */
const OTHER_NODE = 'NODE_MODULE_VERSION';
const NATIVE_FILE = 'better_sqlite3.node';

/** new Database(...): a failure to load the native part (the constructor loads it) thrown as one line with the fix, without a code. */
export function newDatabase(file: string, options?: Database.Options): Database.Database {
  try {
    return new Database(file, options);
  } catch (err) {
    const said = nativeSqliteProblem(err);
    throw said ? new Error(said, { cause: err }) : err;
  }
}

/** In one line, with the fix: why better-sqlite3's native part did not load; null when `err` is another failure. */
export function nativeSqliteProblem(err: unknown, root?: string | null): string | null {
  const message = err instanceof Error ? err.message : String(err);
  const said = (why: string) => {
    const at = root === undefined ? installRoot() : root;
    return `better-sqlite3's native part ${why}: run \`npm rebuild better-sqlite3\`${at ? ` in ${at}` : ''} (with npm 12 or later, \`npm install-scripts approve better-sqlite3\` there first; for a global install, \`npm install -g claude-gauge --allow-scripts=better-sqlite3\`)`;
  };
  if (message.includes(MISSING)) return said('was never built (its install script did not run)');
  if (message.includes(OTHER_NODE)) return said(`was built for another Node.js than this one (${process.version})`);
  if (errorCode(err) === 'ERR_DLOPEN_FAILED' && message.includes(NATIVE_FILE)) return said(`does not load here (${firstLine(message)})`);
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
