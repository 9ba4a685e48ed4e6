// Shared by the reliability tests: a `serve` started through any wrapper command (setpriv to drop
// root), and the history's own count of responses through its HTTP API.
import { spawn } from 'node:child_process';
import { BIN, getJson, type Served } from '../helpers/cli.js';

export function startServeAs(wrapper: string[], env: NodeJS.ProcessEnv, extraArgs: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = [...wrapper, process.execPath];
    const child = spawn(cmd, [...pre, BIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    child.stderr.on('data', (c) => {
      err += c;
      const m = /serving (http:\/\/[^\s]+)\/usage/.exec(err);
      if (m && timer) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1],
          stderr: () => err,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

export async function historySummary(url: string): Promise<{ responses: number; backfilled: boolean; lastError: string | null }> {
  const s = await getJson(`${url}/api/summary`);
  return { responses: s.totals.responses, backfilled: s.ingest?.backfilled === true, lastError: s.ingest?.last_error ?? null };
}
