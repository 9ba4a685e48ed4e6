// Buffered, back-pressured JSONL output with a global byte budget. Files are opened on their
// first accepted line, so a budget that runs out never leaves empty files behind.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

const CHUNK = 1 << 20;

class FileSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly ws: WriteStream) {}

  async add(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.ws.write(data)) await once(this.ws, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await once(this.ws, 'finish');
  }
}

export class Output {
  bytes = 0;
  lines = 0;
  files = 0;
  /** Set once a line did not fit in the budget: generation should stop. */
  full = false;
  private readonly open = new Map<string, FileSink>();
  private readonly dirs = new Set<string>();

  constructor(private readonly budget: number) {}

  /** Appends one line to `path` unless it would exceed the budget; false once full. */
  async write(path: string, line: string): Promise<boolean> {
    if (this.full) return false;
    const n = Buffer.byteLength(line) + 1;
    if (this.bytes + n > this.budget) {
      this.full = true;
      return false;
    }
    let sink = this.open.get(path);
    if (!sink) {
      const dir = dirname(path);
      if (!this.dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.dirs.add(dir);
      }
      sink = new FileSink(createWriteStream(path, { flags: 'w', highWaterMark: CHUNK }));
      this.open.set(path, sink);
      this.files++;
    }
    this.bytes += n;
    this.lines++;
    await sink.add(line + '\n');
    return true;
  }

  async close(path: string): Promise<void> {
    const sink = this.open.get(path);
    if (!sink) return;
    this.open.delete(path);
    await sink.close();
  }

  async closeAll(): Promise<void> {
    for (const path of [...this.open.keys()]) await this.close(path);
  }
}
