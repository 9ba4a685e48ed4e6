// Tests that need permissions to bind run their child as an unprivileged user (root reads every
// file whatever its mode). That user must be able to load the program: a checkout in root's home
// or in a `mktemp -d` folder is closed to it, so those tests run a readable copy instead.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

export const NOBODY_UID = 65534;
/** setpriv's arguments to run a command as nobody, with no supplementary groups. */
export const NOBODY = ['setpriv', `--reuid=${NOBODY_UID}`, `--regid=${NOBODY_UID}`, '--clear-groups'];

/** What the program needs at run time, and the tests beside it (the tailer model runs its own file). */
const NEEDED = ['package.json', 'bin', 'dist', 'web', 'schema', 'node_modules'];

let copy: string | null = null;

/** The project root as `uid` can load it: the checkout when it can, else a copy readable by all (made once per process, removed at exit). */
export function rootFor(uid = NOBODY_UID): string {
  if (canRead(uid, path.join(ROOT, 'dist', 'src', 'cli', 'index.js'))) return ROOT;
  if (copy) return copy;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cg-readable-'));
  for (const name of NEEDED) cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true, verbatimSymlinks: true });
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (copy = dir);
}

/** The CLI's entry point as `uid` can load it. */
export function binFor(uid = NOBODY_UID): string {
  return path.join(rootFor(uid), 'bin', 'claude-gauge.cjs');
}

function canRead(uid: number, file: string): boolean {
  if (process.getuid?.() !== 0) return true; // not root: the children run as this user anyway
  return spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(file)}, 4)`], { uid, gid: uid }).status === 0;
}

/** How to run a command as someone else: a wrapper command, and the entry point that user can load. */
export interface RunAs {
  wrapper: string[];
  bin?: string;
}

/** `serve` and the like as nobody, from a checkout nobody may be unable to read. */
export function asNobody(): RunAs {
  return { wrapper: NOBODY, bin: binFor(NOBODY_UID) };
}
