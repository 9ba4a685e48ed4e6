// Writes V8 code caches for the one-file bundles, which bin/code-cache.cjs reads at every start.
// Each bundle runs once in a child process under each set of node flags the program is started
// with (none for a command; the daemon's for `serve`), on a Claude Code folder and a state folder
// of its own, and the functions that run compiled are saved beside the bundle. The Node that builds
// is the Node that runs (`npm ci` builds); another Node or other flags find no cache they can use.
//   node dist/scripts/code-cache.js        (npm run build does it after the bundle)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_ARGS } from '../src/service/spec.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'claude-gauge.cjs');

/**
 * A run per one-file bundle and set of node flags it is started with (bin picks the bundle by the
 * command): what people and Claude Code start most. Claude Code starts `statusline` and `hook`
 * without flags; `serve` runs under the daemon's (the service, `npm start`) or none (by hand).
 */
export const RUNS: { bundle: string; flags: readonly string[]; args: string[]; stdin?: string }[] = [
  { bundle: 'cli/reports', flags: [], args: ['blocks', '--json'] },
  ...[[], DAEMON_NODE_ARGS].map((flags) => ({ bundle: 'cli/index', flags, args: ['serve', '--port', '0', '--host', '127.0.0.1', '--mdns', 'off'] })),
  { bundle: 'statusline/run', flags: [], args: ['statusline'], stdin: '{"model":{"display_name":"Opus"}}' },
  { bundle: 'hooks/run', flags: [], args: ['hook', 'Stop'], stdin: '{"hook_event_name":"Stop","session_id":"build"}' },
];

/** One response in a transcript, so the reading path runs (and is compiled) too. */
const LINE = {
  type: 'assistant',
  sessionId: 'code-cache',
  timestamp: '2026-01-01T00:00:00.000Z',
  requestId: 'req_code_cache',
  message: { id: 'msg_code_cache', model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 1, output_tokens: 1 } },
};

export async function writeCodeCaches(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'cg-code-cache-'));
  try {
    const project = path.join(home, 'claude', 'projects', '-build');
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, 'code-cache.jsonl'), JSON.stringify(LINE) + '\n');
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      CLAUDE_CONFIG_DIR: path.join(home, 'claude'),
      CLAUDE_GAUGE_STATE_DIR: path.join(home, 'state'),
      CLAUDE_GAUGE_HISTORY: 'off',
      CLAUDE_GAUGE_WRITE_CODE_CACHE: '1',
    };
    for (const run of RUNS) await runOnce(run, env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** One run to its end; `serve` is asked for /usage once and then stopped as a supervisor stops it. */
function runOnce(run: (typeof RUNS)[number], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...run.flags, BIN, ...run.args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stderr = '';
    let asked = false;
    child.stderr.on('data', (c) => {
      stderr += c;
      const serving = /serving (http:\/\/\S+)\/usage/.exec(stderr);
      if (serving && !asked) {
        asked = true;
        void fetch(`${serving[1]}/usage`)
          .then((r) => r.text())
          .catch(() => '')
          .finally(() => child.kill('SIGTERM'));
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`code cache for ${run.bundle} (${[...run.flags, ...run.args].join(' ')}) failed (exit ${code}): ${stderr.trim().slice(0, 500)}`));
    });
    child.stdin.end(run.stdin ?? '');
  });
}

// A cache is only speed: a build that cannot write one says so and goes on (test/bundle.test.ts fails on it).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeCodeCaches().catch((err: Error) => process.stderr.write(`claude-gauge build: no code cache written (${err.message}); every start compiles instead\n`));
}
