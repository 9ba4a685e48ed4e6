// Writes V8 code caches for the one-file bundles, which bin/code-cache.cjs reads at every start.
// Each bundle runs once in a child process under each set of node flags the program is started
// with (none; the daemon's), on an empty Claude Code folder and state folder of its own, and the
// functions that run compiled are saved beside the bundle. The Node that builds is the Node that
// runs (`npm ci` builds); another Node or other flags only find no cache they can use.
//   node dist/scripts/code-cache.js        (npm run build does it after the bundle)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_ARGS } from '../src/service/spec.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claude-gauge.cjs');

/** A run per one-file bundle (scripts/bundle.ts ONE_FILE): what its users start most. */
const RUNS: { bundle: string; args: string[]; stdin: string }[] = [
  { bundle: 'cli/index', args: ['blocks', '--json'], stdin: '' },
  { bundle: 'statusline/run', args: ['statusline'], stdin: '{"model":{"display_name":"Opus"}}' },
  { bundle: 'hooks/run', args: ['hook', 'Stop'], stdin: '{"hook_event_name":"Stop","session_id":"build"}' },
];

/** Node's flags the program is started with: none (a command), and the daemon's (service/spec.ts). */
const FLAG_SETS: readonly (readonly string[])[] = [[], DAEMON_NODE_ARGS];

export function writeCodeCaches(): void {
  const home = mkdtempSync(path.join(os.tmpdir(), 'cg-code-cache-'));
  try {
    mkdirSync(path.join(home, 'claude', 'projects'), { recursive: true });
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, 'claude'),
      CLAUDE_GAUGE_STATE_DIR: path.join(home, 'state'),
      CLAUDE_GAUGE_HISTORY: 'off',
      CLAUDE_GAUGE_WRITE_CODE_CACHE: '1',
    };
    for (const flags of FLAG_SETS) {
      for (const run of RUNS) {
        const r = spawnSync(process.execPath, [...flags, BIN, ...run.args], { env, input: run.stdin, encoding: 'utf8', timeout: 60_000 });
        if (r.status !== 0) throw new Error(`code cache for ${run.bundle} (${[...flags, ...run.args].join(' ')}) failed: ${r.stderr || r.error?.message}`);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) writeCodeCaches();
