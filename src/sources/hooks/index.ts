// Follows the hooks file and feeds exact turn events to the engine. Keeps its file handle
// open so lines written just before a rotation are still read from the old file.
import { promises as fs, watchFile, unwatchFile } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { TurnEvent } from '../../core/events.js';
import { hooksFile, parseRecord, turnEvent } from './record.js';
import { openStateFile } from '../../util/state-file.js';

/** Longest hook line held while it is being written. */
const MAX_LINE = 64 * 1024;

export interface HookSourceOptions {
  stateDir: string;
  emit: (e: TurnEvent) => void;
  onBatch?: () => void;
  /** Polling period of the file (ms). */
  intervalMs?: number;
}

export class HookSource {
  private readonly file: string;
  private fh: FileHandle | null = null;
  private ino = -1;
  private offset = 0;
  /** Bytes after the last newline: a line still being written. */
  private partial = '';
  private closed = false;
  private reading: Promise<void> | null = null;
  /** Inside an over-long line whose start was dropped: its end is skipped too. */
  private skipping = false;
  private again = false;
  private records = 0;
  private skipped = 0;
  private listener = () => void this.poll();
  private readonly emit: HookSourceOptions['emit'];
  private readonly onBatch: HookSourceOptions['onBatch'];
  private readonly pollMs: number;

  constructor({ stateDir, emit, onBatch, intervalMs = 250 }: HookSourceOptions) {
    this.file = hooksFile(stateDir);
    this.emit = emit;
    this.onBatch = onBatch;
    this.pollMs = intervalMs;
  }

  async start(): Promise<void> {
    await this.poll();
    watchFile(this.file, { interval: this.pollMs, persistent: false }, this.listener);
  }

  /** Reads what is new; overlapping calls fold into one more pass. */
  poll(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          await this.readNew();
        } catch {
          // A vanished or unreadable file: try again on the next change.
        }
      } while (this.again && !this.closed);
      this.reading = null;
    })();
    return this.reading;
  }

  /** Hook records read and lines skipped as unreadable, for diagnostics. */
  stats(): { records: number; skipped: number } {
    return { records: this.records, skipped: this.skipped };
  }

  private async readNew(): Promise<void> {
    if (this.closed) return;
    let ino = -1;
    try {
      ino = (await fs.stat(this.file)).ino;
    } catch {
      // No file yet (no hook has run) or it is being rotated.
    }
    if (this.fh && ino !== this.ino) {
      await this.drain(); // rotated: finish the old file first
      await this.fh.close();
      this.fh = null;
    }
    if (!this.fh && ino !== -1) {
      this.fh = await openStateFile(this.file); // a FIFO under this name must not park a thread
      this.ino = (await this.fh.stat()).ino;
      this.offset = 0;
      this.partial = '';
      this.skipping = false;
    }
    if (this.fh) {
      if ((await this.fh.stat()).size < this.offset) {
        this.offset = 0; // truncated in place
        this.partial = '';
        this.skipping = false;
      }
      await this.drain();
    }
  }

  private async drain(): Promise<void> {
    const fh = this.fh!;
    const buf = Buffer.alloc(64 * 1024);
    let got = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const text = this.partial + buf.subarray(0, bytesRead).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      // A hook writes lines of a hundred bytes: a longer unfinished one is junk, not worth holding.
      if (this.partial.length > MAX_LINE) {
        this.partial = '';
        this.skipped++;
        this.skipping = true;
      }
      if (this.skipping && lines.length > 0) {
        lines.shift(); // the rest of that over-long line
        this.skipping = false;
      }
      for (const line of lines) {
        if (line.trim() === '') continue;
        const r = parseRecord(line);
        if (!r) {
          this.skipped++;
          continue;
        }
        this.records++;
        got++;
        this.emit(turnEvent(r));
      }
    }
    if (got > 0) this.onBatch?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    unwatchFile(this.file, this.listener);
    void this.fh?.close().catch(() => {});
    this.fh = null;
  }
}
