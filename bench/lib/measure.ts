// Small measuring tools for the benchmark: timed runs with peak memory, medians, percentiles.
import { spawn } from 'node:child_process';

export interface Run {
  ms: number;
  peakMb: number | null;
  stdout: string;
  code: number | null;
}

/** Runs a command under GNU time (when present) for wall time and peak resident memory. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const useTime = process.platform === 'linux';
  const [file, argv] = useTime ? ['/usr/bin/time', ['-f', 'CG_PEAK_KB=%M', cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const m = /CG_PEAK_KB=(\d+)/.exec(err);
      resolve({ ms, peakMb: m ? Number(m[1]) / 1024 : null, stdout: Buffer.concat(out).toString('utf8'), code });
    });
  });
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
