// Small measuring tools for the benchmark: timed runs with peak memory, medians, percentiles.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Run {
  ms: number;
  peakMb: number | null;
  stdout: string;
  /** The command's own stderr (GNU time's lines taken out). */
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TIME = '/usr/bin/time';

/** Runs a command under GNU time (when present) for wall time and peak resident memory. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const useTime = process.platform === 'linux' && existsSync(TIME);
  const [file, argv] = useTime ? [TIME, ['-f', 'CG_PEAK_KB=%M', cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', (e) => reject(new Error(`${[cmd, ...args].join(' ')} could not start: ${e.message}`)));
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /CG_PEAK_KB=(\d+)/.exec(err);
      const stderr = useTime ? err.replace(/^(CG_PEAK_KB=\d+|Command (exited with non-zero status|terminated by signal) \d+)\n?/gm, '') : err;
      resolve({ ms, peakMb: m ? Number(m[1]) / 1024 : null, stdout: Buffer.concat(out).toString('utf8'), stderr, code, signal });
    });
  });
}

/**
 * The parsed JSON output of a run, or an error that names the command, its exit and the head of
 * its stderr: a tool that failed must say so, not surface as a JSON parse error.
 */
export function jsonOf(run: Run, what: string): any {
  const why = run.code !== 0 ? `exited with ${run.signal ?? `code ${run.code}`}` : run.stdout.trim() === '' ? 'printed nothing' : null;
  if (!why) {
    try {
      return JSON.parse(run.stdout);
    } catch (e) {
      throw new Error(`${what} printed no valid JSON (${(e as Error).message}); stdout starts: ${run.stdout.slice(0, 200)}`);
    }
  }
  throw new Error(`${what} ${why}; stderr: ${run.stderr.trim().slice(0, 800) || '(empty)'}`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|B)?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size ${s} (use e.g. 100MB, 1GB)`);
  const unit = (m[2] ?? 'B').toUpperCase();
  return Math.round(Number(m[1]) * { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit]!);
}

export const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** Whether two `blocks --json` answers (ours, ccusage's) hold the same blocks: ids, times, entries, tokens and models. */
export function sameBlocks(a: any, b: any): boolean {
  const canon = (v: any): any => (Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v);
  const strip = (j: any) => JSON.stringify(j.blocks.map((x: any) => canon([x.id, x.startTime, x.endTime, x.actualEndTime, x.isGap, x.entries, x.tokenCounts, x.totalTokens, x.models])));
  return strip(a) === strip(b);
}

/**
 * Reads every transcript under `dir` once, untimed: the kernel here evicts cold pages on its own
 * (DAMON), and a run that found them on disk would measure the disk.
 */
export function warmPageCache(dir: string): void {
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) readFileSync(p);
    }
  };
  walk(path.join(dir, 'projects'));
}
