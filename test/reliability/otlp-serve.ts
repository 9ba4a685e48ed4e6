// A real `serve --source otlp` for the reliability tests: started on a state folder (through any
// wrapper command, setpriv say), its OTLP receiver's address, and the checks every test repeats.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../helpers/prometheus.js';
import { getJson, isolatedEnv, startServe, waitFor, type Served } from '../helpers/cli.js';
import { assertUsageSchema } from '../helpers/schema.js';
import type { RunAs } from '../helpers/unprivileged.js';

export interface OtlpServed extends Served {
  otlp: string;
  port: number;
  state: string;
}

/** `as` runs it as another user (unprivileged.ts asNobody()). */
export async function startOtlpServe(state: string, o: { port?: number; as?: RunAs } = {}): Promise<OtlpServed> {
  const port = o.port ?? (await freePort());
  const env = isolatedEnv({ CLAUDE_GAUGE_STATE_DIR: state, CLAUDE_CONFIG_DIR: path.join(state, 'no-claude'), HOME: state });
  const served = await startServe(env, ['--source', 'otlp', '--otlp-port', String(port)], '127.0.0.1', { ...o.as, timeoutMs: 30_000 });
  // `serve` says "serving" as soon as /usage answers, and takes SIGTERM only once its banner is
  // done (serve.ts registers the handler last): a stop sent before that would kill it outright.
  await waitFor(async () => /receiving OpenTelemetry on/.test(served.stderr()) || served.child.exitCode !== null, 30_000);
  return { ...served, otlp: `http://127.0.0.1:${port}`, port, state };
}

/** /usage, checked against the published schema. */
export async function usage(s: Served): Promise<any> {
  const u = await getJson(`${s.url}/usage`);
  assertUsageSchema(u);
  return u;
}

/** Fails when `serve` is no longer running (it crashed), with the end of what it printed. */
export function assertRunning(s: Served): void {
  assert.equal(s.child.exitCode, null, `serve exited ${s.child.exitCode}: ${s.stderr().slice(-2000)}`);
}

/** Stops `s` (it must still be running) and starts it again on what it left on disk, on the same port. */
export async function restart(s: OtlpServed, as?: RunAs): Promise<OtlpServed> {
  assertRunning(s);
  await s.stop();
  assert.equal(s.child.exitCode, 0, `serve ended with ${s.child.exitCode} on SIGTERM: ${s.stderr().slice(-2000)}`);
  return startOtlpServe(s.state, { port: s.port, as });
}

/** Peak resident memory (VmHWM) and current (VmRSS) of a process, in MiB. */
export function memoryMiB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** Resets the peak a process's VmHWM reports to its current size (Linux, needs the right to write its clear_refs). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
