// Runs the real claude-gauge command as a user would, and copies of the shared fixtures.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'claude-gauge.cjs');
export const FIXTURES = path.resolve(ROOT, '..', 'shared', 'fixtures', 'claude-home');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A clean environment: nothing from the developer's own Claude Code or claude-gauge leaks in. */
export function isolatedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // No OTLP/gRPC receiver unless a test asks for one: its default port (4317) is fixed, and tests
  // run side by side (test/otlp-grpc.test.ts gives each daemon a free port).
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: extra.HOME ?? os.tmpdir(), LANG: 'C.UTF-8', CLAUDE_GAUGE_OTLP_GRPC_PORT: 'off' };
  return { ...env, ...extra };
}

export function runCli(args: string[], o: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; bin?: string }): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [o.bin ?? BIN, ...args], { env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(o.input ?? '');
  });
}

export interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts `serve` on a free port and resolves when it announces its address; `wrapper` runs it through another command (setpriv, say), `bin` is the entry point to run (one that user can load). */
export function startServe(env: NodeJS.ProcessEnv, extraArgs: string[] = [], host = '127.0.0.1', o: { wrapper?: string[]; bin?: string; timeoutMs?: number } = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const [cmd, ...pre] = [...(o.wrapper ?? []), process.execPath];
    const child = spawn(cmd, [...pre, o.bin ?? BIN, 'serve', '--port', '0', '--host', host, ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), o.timeoutMs ?? 20_000);
    child.stderr.on('data', (c) => {
      err += c;
      const m = /serving (http:\/\/[^\s]+)\/usage/.exec(err);
      if (m) {
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

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `cg-${prefix}-`));
}

/** A writable copy of the shared fixtures (they are read-only). */
export async function fixtureCopy(): Promise<string> {
  const dir = await tempDir('fixtures');
  await fs.cp(FIXTURES, dir, { recursive: true });
  return dir;
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, stepMs = 25): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return { value: v as T, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
