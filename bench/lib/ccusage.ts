// Finds ccusage's native binary and makes sure it can run before anything is timed.
// ccusage's npm entry is a Node launcher that spawns a native binary; the bench times the binary
// itself (the launcher's Node start-up is not ccusage's cost). npm installs that binary without its
// execute bit; the launcher sets it on first use. So the launcher runs once here, untimed, exactly
// as a user's first `ccusage` would, and the binary is checked before any figure depends on it.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Ccusage {
  /** What the bench runs: the native binary, or the launcher under Node where none exists. */
  cmd: string;
  argsPrefix: string[];
  version: string;
  native: boolean;
}

export function prepareCcusage(root: string): Ccusage {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  let pkgJson: string;
  try {
    pkgJson = fromRoot.resolve('ccusage/package.json');
  } catch {
    throw new Error(`ccusage is not installed under ${root}/node_modules (run npm ci)`);
  }
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const launcher = path.join(path.dirname(pkgJson), typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.ccusage);
  // The launcher's first run sets the binary's execute bit (and says what is wrong if it cannot).
  const version = runOrExplain(process.execPath, [launcher, '--version']).trim();
  const sub = process.platform === 'win32' ? 'bin/ccusage.exe' : 'bin/ccusage';
  let binary: string | null = null;
  try {
    binary = createRequire(pkgJson).resolve(`@ccusage/ccusage-${process.platform}-${process.arch}/${sub}`);
  } catch {
    binary = null; // no native package for this platform: the launcher is all there is
  }
  if (!binary) return { cmd: process.execPath, argsPrefix: [launcher], version, native: false };
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`ccusage's native binary ${binary} is not executable even after its launcher ran (chmod +x it)`);
  }
  const nativeVersion = runOrExplain(binary, ['--version']).trim();
  if (nativeVersion !== version) throw new Error(`ccusage's launcher says "${version}" but its native binary says "${nativeVersion}"`);
  return { cmd: binary, argsPrefix: [], version, native: true };
}

function runOrExplain(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number | null; signal?: string | null; stderr?: string; message: string };
    const stderr = String(err.stderr ?? '').trim().slice(0, 500);
    throw new Error(`${[cmd, ...args].join(' ')} failed (exit ${err.status ?? err.signal ?? 'none'}): ${stderr || err.message}`);
  }
}
