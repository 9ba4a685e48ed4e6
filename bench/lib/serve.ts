// Starts `claude-gauge serve` on a free loopback port and resolves with its URL once it says so
// (with node's flags as the login service and `npm start` run it: src/service/spec.ts), and polls
// its /usage the way the bench watches the gauges while something else goes on.
import { spawn, type ChildProcess } from 'node:child_process';
import { DAEMON_NODE_ARGS } from '../../src/service/spec.js';

export async function startServe(bin: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...DAEMON_NODE_ARGS, bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--mdns', 'off'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c) => {
      err += c;
      const m = /serving (http:\/\/\S+)\/usage/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(err)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { child, url, stop };
}

/** One /usage answer while polling: when it was asked (performance.now()) and how long it took, ms. */
export interface UsageAnswer {
  at: number;
  ms: number;
}

/**
 * Polls `${url}/usage`, each request `everyMs` after the last answer (5: as a device that wants
 * every change would; 1000: as the device does), until `stop()`, which resolves with every answer
 * (the one under way when it was called included).
 */
export function pollUsage(url: string, everyMs = 5): { stop: () => Promise<UsageAnswer[]> } {
  const answers: UsageAnswer[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      const at = performance.now();
      await (await fetch(`${url}/usage`)).text();
      answers.push({ at, ms: performance.now() - at });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      done = true;
      await poll;
      return answers;
    },
  };
}
