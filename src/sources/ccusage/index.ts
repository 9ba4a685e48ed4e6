// `--source ccusage` / `--fuel ccusage`: the 5-hour window exactly as ccusage reports it, for users
// who want its figures verbatim. `ccusage blocks --active --json --offline` runs at most once per
// `everyMs` (it re-reads all history each time); a missing or failing ccusage is a problem in the
// payload, and the fuel gauge falls back to the local block once the last figure goes stale.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FuelSource, FuelSourceHealth, FuelSourceOptions } from '../fuel.js';
import { parseActiveBlock } from './parse.js';

export interface CcusageFuelOptions extends FuelSourceOptions {
  /** A path, or a command line such as `npx -y ccusage@20.0.24`. */
  command: string;
  /** Claude config folders, handed to ccusage as CLAUDE_CONFIG_DIR so both read the same files. */
  configDirs: string[];
  everyMs?: number;
  timeoutMs?: number;
}

const EVERY_MS = 10_000;

export class CcusageFuel implements FuelSource {
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private problem: string | null = null;
  private closed = false;

  constructor(private readonly options: CcusageFuelOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Resolves after the first run (good or not), so the first snapshot already has ccusage's figure. */
  async start(): Promise<void> {
    await this.poll();
    const every = this.options.everyMs ?? EVERY_MS;
    this.timer = setInterval(() => void this.poll(), every);
    this.timer.unref();
  }

  health(): FuelSourceHealth {
    return { kind: 'ccusage', ok: this.problem === null, problems: this.problem ? [this.problem] : [] };
  }

  /** One run at a time: a slow ccusage is never stacked up. */
  poll(): Promise<void> {
    this.running ??= this.runOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async runOnce(): Promise<void> {
    const [file, ...args] = commandLine(this.options.command);
    const at = this.clock();
    const out = await run(file, [...args, 'blocks', '--active', '--json', '--offline'], {
      env: { ...process.env, CLAUDE_CONFIG_DIR: this.options.configDirs.join(',') },
      timeoutMs: this.options.timeoutMs ?? 60_000,
    });
    if (this.closed) return;
    if ('error' in out) return this.fail(out.error);
    const parsed = parseActiveBlock(out.stdout);
    if ('error' in parsed) return this.fail(`ccusage printed something unexpected: ${parsed.error}`);
    this.problem = null;
    const every = this.options.everyMs ?? EVERY_MS;
    // Three missed runs and the figure is stale: the local block takes over.
    this.options.emit({ kind: 'window', at, origin: 'ccusage', tokens: parsed.tokens, blockStart: parsed.start, blockEnd: parsed.end, freshMs: 3 * every + (this.options.timeoutMs ?? 60_000) });
    this.options.onBatch();
  }

  private fail(why: string): void {
    if (why !== this.problem) this.options.log?.(`ccusage: ${why}`);
    this.problem = why;
    this.options.onBatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/** A path that exists is one word even with spaces in it; otherwise split on spaces (`npx -y ccusage`). */
export function commandLine(command: string): string[] {
  const trimmed = command.trim();
  return existsSync(trimmed) ? [trimmed] : trimmed.split(/\s+/);
}

function run(file: string, args: string[], o: { env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ stdout: string } | { error: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: o.env, timeout: o.timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      if (e.code === 'ENOENT') return resolve({ error: `"${file}" not found: install ccusage (npm i -g ccusage) or set CLAUDE_GAUGE_CCUSAGE to its path` });
      if (e.killed) return resolve({ error: `ccusage did not answer within ${Math.round(o.timeoutMs / 1000)} s` });
      const first = String(stderr).trim().split('\n')[0] || e.message;
      resolve({ error: `ccusage failed (exit ${e.code}): ${first.slice(0, 200)}` });
    });
  });
}
