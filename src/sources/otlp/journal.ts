// What the receiver accepted, kept on disk so a restart does not empty the 5-hour window.
// Versioned JSON lines, one write + fsync per accepted request (the 200 means "kept").
// Rewritten on open (and when it grows large) to the last `keepMs`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import type { SeriesState } from './fallback.js';

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'otlp-journal.jsonl';

export type JournalRecord =
  | { t: 'e'; e: ResponseEvent | TurnEvent; o?: string[] }
  | { t: 'm'; e: ResponseEvent; o: string }
  | { t: 's'; s: SeriesState };

export class Journal {
  private fh: fs.FileHandle | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private written = 0;
  badLines = 0;

  constructor(
    readonly file: string,
    private readonly clock: () => number,
    private readonly keepMs = 6 * 3_600_000,
    private readonly compactBytes = 64 * 1024 * 1024,
  ) {}

  static in(stateDir: string, clock: () => number, keepMs?: number): Journal {
    return new Journal(path.join(stateDir, JOURNAL_FILE), clock, keepMs);
  }

  /** Reads, compacts and reopens for appending; returns what was kept, oldest first. */
  async open(): Promise<JournalRecord[]> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const kept = await this.compact();
    this.fh = await fs.open(this.file, 'a');
    return kept;
  }

  append(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const text = records.map((r) => JSON.stringify({ v: JOURNAL_VERSION, ...r })).join('\n') + '\n';
    const run = this.chain.then(async () => {
      if (!this.fh) throw new Error('journal is closed');
      await this.fh.write(text);
      await this.fh.datasync();
      this.written += Buffer.byteLength(text);
      if (this.written > this.compactBytes) {
        await this.fh.close();
        this.fh = null;
        await this.compact();
        this.fh = await fs.open(this.file, 'a');
      }
    });
    this.chain = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    await this.chain;
    const fh = this.fh;
    this.fh = null;
    await fh?.close();
  }

  private async compact(): Promise<JournalRecord[]> {
    let text = '';
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const cutoff = this.clock() - this.keepMs;
    const kept: JournalRecord[] = [];
    const series = new Map<string, JournalRecord>();
    this.badLines = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const r = parseLine(line);
      if (!r) {
        this.badLines++; // a torn last line after a crash, or a future version
        continue;
      }
      if (r.t === 's') {
        if (r.s.at >= cutoff) series.set(r.s.id, r);
      } else if (r.e.at >= cutoff) kept.push(r);
    }
    const all = [...kept, ...series.values()];
    const tmp = `${this.file}.tmp`;
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.write(all.map((r) => JSON.stringify({ v: JOURNAL_VERSION, ...r }) + '\n').join(''));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, this.file);
    this.written = 0;
    return all;
  }
}

function parseLine(line: string): JournalRecord | null {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  if (!r || r.v !== JOURNAL_VERSION) return null;
  if (r.t === 's') {
    const s = r.s as SeriesState | undefined;
    return s && typeof s.id === 'string' && Number.isFinite(s.at) && Number.isFinite(s.value) ? { t: 's', s } : null;
  }
  const e = r.e as (ResponseEvent | TurnEvent) | undefined;
  if (!e || !Number.isFinite(e.at) || typeof e.session !== 'string') return null;
  if (r.t === 'e' && (e.kind === 'turn' || (e.kind === 'response' && validTokens(e)))) {
    return Array.isArray(r.o) ? { t: 'e', e, o: r.o.map(String) } : { t: 'e', e };
  }
  if (r.t === 'm' && e.kind === 'response' && validTokens(e) && typeof r.o === 'string') return { t: 'm', e, o: r.o };
  return null;
}

function validTokens(e: ResponseEvent): boolean {
  const t = e.tokens;
  return typeof e.key === 'string' && !!t && [t.input, t.output, t.cacheRead, t.cacheCreation].every((n) => Number.isFinite(n) && n >= 0);
}
