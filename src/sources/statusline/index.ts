// Follows the statusline handoff file and feeds its figures to the engine.
import { watchFile, unwatchFile } from 'node:fs';
import type { LimitsEvent } from '../../core/events.js';
import { handoffFile, readHandoff } from './handoff.js';

export class StatuslineSource {
  private file: string;
  private closed = false;
  private listener = () => void this.load();

  constructor(private readonly stateDir: string, private readonly emit: (e: LimitsEvent) => void, private readonly onBatch?: () => void) {
    this.file = handoffFile(stateDir);
  }

  async start(): Promise<void> {
    await this.load();
    // Polling a single small file: works on every platform, even before the file exists.
    watchFile(this.file, { interval: 500, persistent: false }, this.listener);
  }

  async load(): Promise<void> {
    if (this.closed) return;
    const e = await readHandoff(this.stateDir);
    if (e) {
      this.emit(e);
      this.onBatch?.();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    unwatchFile(this.file, this.listener);
  }
}
