// The one way the service code reaches the platform's service manager: a command and its
// arguments, no shell. Tests put a recording `systemctl`/`launchctl` first on PATH.
import { execFile } from 'node:child_process';

export interface RunResult {
  /** Exit code; 127 when the command could not be started at all. */
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (cmd: string, args: string[]) => Promise<RunResult>;

export const runCommand: Runner = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: unknown };
      const code = typeof e.code === 'number' ? e.code : 127;
      resolve({ code, stdout: stdout ?? '', stderr: stderr || (typeof e.code === 'string' ? `${cmd}: ${e.code}` : e.message) });
    });
  });

/** The first line of a failed command's complaint, for a one-line message. */
export function why(r: RunResult): string {
  return (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`;
}
