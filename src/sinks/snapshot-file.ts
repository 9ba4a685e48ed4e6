// The daemon's latest snapshot, kept in the state folder for the statusline: Claude Code runs
// the statusline every turn, and reading a small file never waits on the network or the daemon.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '../core/snapshot.js';
import { readStateFileSync } from '../util/state-file.js';

export function snapshotFile(stateDir: string): string {
  return path.join(stateDir, 'snapshot.json');
}

/** Writes are replaced by rename, so a reader sees a whole old or a whole new file, never half. */
export class SnapshotFileWriter {
  private pending: Snapshot | null = null;
  private writing = false;

  constructor(private readonly stateDir: string) {}

  offer(s: Snapshot): void {
    this.pending = s;
    if (!this.writing) void this.flush();
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending) {
        const s = this.pending;
        this.pending = null;
        const file = snapshotFile(this.stateDir);
        const tmp = `${file}.${process.pid}.tmp`;
        // No fsync: this is a cache the next change rewrites; a crash loses nothing that matters.
        await fs.mkdir(this.stateDir, { recursive: true });
        await fs.writeFile(tmp, JSON.stringify({ pid: process.pid, snapshot: s }));
        await fs.rename(tmp, file);
      }
    } catch {
      // A read-only state folder only costs the statusline its extra figures.
    } finally {
      this.writing = false;
    }
  }
}

/** The snapshot a live daemon left, or null (no file, a dead daemon, garbage). */
export function readSnapshotFile(stateDir: string, isAlive: (pid: number) => boolean): Snapshot | null {
  try {
    const v = JSON.parse(readStateFileSync(snapshotFile(stateDir), 1024 * 1024) ?? 'null');
    return v && typeof v.pid === 'number' && isAlive(v.pid) && v.snapshot && typeof v.snapshot === 'object' ? (v.snapshot as Snapshot) : null;
  } catch {
    return null;
  }
}
