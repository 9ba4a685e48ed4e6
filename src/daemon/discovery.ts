// A running `serve` leaves its address in the state folder, so `statusline` and `doctor`
// started with the same environment find it without configuration.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { readStateFile } from '../util/state-file.js';
import { errorCode } from '../util/errno.js';

export interface DaemonInfo {
  pid: number;
  port: number;
  host: string;
  started_at: string;
}

export function daemonFile(stateDir: string): string {
  return path.join(stateDir, 'daemon.json');
}

export async function announce(stateDir: string, info: DaemonInfo): Promise<void> {
  await writeFileAtomic(daemonFile(stateDir), JSON.stringify(info) + '\n');
}

export async function withdraw(stateDir: string, pid = process.pid): Promise<void> {
  const info = await findDaemon(stateDir, false);
  if (info && info.pid === pid) await fs.rm(daemonFile(stateDir), { force: true });
}

/** The announced daemon, if its process is still alive. */
export async function findDaemon(stateDir: string, checkAlive = true): Promise<DaemonInfo | null> {
  try {
    const info = JSON.parse((await readStateFile(daemonFile(stateDir), 64 * 1024)) ?? 'null') as DaemonInfo;
    if (typeof info.port !== 'number' || typeof info.pid !== 'number') return null;
    if (checkAlive && !isAlive(info.pid)) return null;
    return info;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/** A URL for reaching the daemon from this machine. */
export function localUrl(info: DaemonInfo): string {
  const host = info.host === '0.0.0.0' || info.host === '::' ? '127.0.0.1' : info.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
}
