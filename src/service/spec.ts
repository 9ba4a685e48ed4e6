// What a login service runs: the node binary and bin script running now, `serve`, the user's flags.
import path from 'node:path';
import { packageFile } from '../util/package-files.js';

export interface ServiceSpec {
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Absolute path of this package's bin/claude-gauge.cjs. */
  script: string;
  /** Arguments after the script: `serve` and the flags given to `service install`. */
  args: string[];
  /** Environment baked into the unit: only the folders that decide what is read and where state goes. */
  env: Record<string, string>;
}

/** Variables copied from the installing shell: a login session may not have them, and without them the daemon would read other folders. */
export const BAKED_ENV = ['CLAUDE_CONFIG_DIR', 'CLAUDE_GAUGE_STATE_DIR', 'CLAUDE_GAUGE_CONFIG', 'XDG_STATE_HOME', 'XDG_CONFIG_HOME'] as const;

/** bin/claude-gauge.cjs of this install. */
export function binScript(): string {
  return packageFile('bin', 'claude-gauge.cjs');
}

export function serviceSpec(flags: Record<string, string>, env: NodeJS.ProcessEnv = process.env): ServiceSpec {
  const args = ['serve'];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, v);
  const baked: Record<string, string> = {};
  for (const k of BAKED_ENV) if (env[k]) baked[k] = path.resolve(env[k]!);
  return { node: process.execPath, script: binScript(), args, env: baked };
}

/** The value of `--name` in baked arguments, if any. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
