// npm 12 runs a dependency's install script only when package.json's `allowScripts` allows it, and
// skips the rest with a warning: a dependency added with an install script and no decision here
// would install without its build on a user's `npm ci` (better-sqlite3 without its native part:
// no history). Every such package the lockfiles hold must have a decision, and the ones the
// program needs must be allowed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

/** The lockfile's packages that carry an install script, by name. */
function withInstallScripts(folder: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(folder, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const names = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

function allowScripts(folder: string): Record<string, boolean> {
  return (JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
}

for (const [folder, needed] of [
  [ROOT, ['better-sqlite3']],
  [path.join(ROOT, 'hardware'), []],
] as const) {
  test(`${path.relative(ROOT, folder) || 'the package'}: every dependency with an install script has a decision in allowScripts`, () => {
    const scripts = withInstallScripts(folder);
    const decided = allowScripts(folder);
    assert.deepEqual(scripts.filter((n) => !(n in decided)), [], 'install scripts without a decision in package.json allowScripts');
    assert.deepEqual(Object.keys(decided).filter((n) => !scripts.includes(n)), [], 'allowScripts entries for packages without an install script');
    for (const n of needed) assert.equal(decided[n], true, `${n}'s install script builds what the program needs`);
  });
}
