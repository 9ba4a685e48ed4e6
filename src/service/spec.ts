// What a login service runs: the node binary and bin script running now, `serve`, the user's flags.
import path from 'node:path';
import { packageFile } from '../util/package-files.js';

/**
 * Node's own flags for the daemon. A young generation of 2 MB semi-spaces instead of V8's 16 MB:
 * under a burst of requests V8 grows it to the most it may and keeps it for a while, which left
 * the daemon at 115-124 MB resident after the benchmark's load on a 2 GB history; 89-92 MB with
 * 2 MB (98-99 with 3 or 4 MB). The price: about 35 ms more to the first reading (median 289
 * against 255 ms at 100 MB, a young generation that starts small grows slower). Its reader
 * threads and the older-history child inherit them and lose nothing (a 500 MB scan took 661-685
 * ms against 736-762, in 77 MB instead of 104); the history's first build, which allocates far
 * more, sets its own (store/build-spawn.ts).
 * `npm start` passes the same flags (test/service.test.ts holds them together).
 */
export const DAEMON_NODE_ARGS: readonly string[] = ['--max-semi-space-size=2'];

export interface ServiceSpec {
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Node's flags, before the script (DAEMON_NODE_ARGS). */
  nodeArgs: readonly string[];
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
  return { node: process.execPath, nodeArgs: DAEMON_NODE_ARGS, script: binScript(), args, env: baked };
}

/** A spec's command line: node, its flags, the script, then `serve` and the user's flags. */
export function commandLine(spec: ServiceSpec): string[] {
  return [spec.node, ...spec.nodeArgs, spec.script, ...spec.args];
}

/** The arguments after the script in a command line this file wrote (node's own flags start with `-`). */
export function argsAfterScript(words: readonly string[]): string[] {
  let i = 1;
  while (i < words.length && words[i].startsWith('-')) i++;
  return words.slice(i + 1);
}

/** The value of `--name` in baked arguments, if any. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
