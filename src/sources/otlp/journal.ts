// What the receiver accepted, kept on disk so a restart does not empty the 5-hour window.
// Versioned JSON lines, one write + fsync per accepted request; rewritten on open (and when it
// grows large) to the last `keepMs`, through a temporary file, fsync and rename.
//
// Nothing in the file can stop a start: every line is checked as the engine's boundary checks
// a record (core/validate.ts), and what fails is skipped and counted. Nothing on the disk can
// stop the receiver either: when the journal cannot be read or written (a read-only or full
// state folder), accepted records are kept in memory, the problem is reported, and writing is
// tried again every RETRY_MS.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { MAX_STRING, MAX_TOTAL_TOKENS, rejection, tokenCount, validTime } from '../../core/validate.js';
import type { LogItem } from './convert.js';
import type { SeriesState } from './fallback.js';
import { openStateFile } from '../../util/state-file.js';
import { errorCode } from '../../util/errno.js';

export const JOURNAL_VERSION = 1;
export const JOURNAL_FILE = 'otlp-journal.jsonl';

export type JournalRecord =
  | { t: 'e'; e: ResponseEvent | TurnEvent; o?: string[] }
  | { t: 'm'; e: ResponseEvent; o: string }
  | { t: 's'; s: SeriesState };

/** Records replayed at most: a heavy day of Claude Code is tens of thousands in 6 hours. */
export const MAX_REPLAY = 100_000;
/** Our lines are a few KB at most (every string is under 1 KiB): longer ones are damage. */
const MAX_LINE = 64 * 1024;
/** Accepted records waiting in memory for the disk at most (the oldest go first). */
const MAX_PENDING = 100_000;
const RETRY_MS = 10_000;
const READ_CHUNK = 64 * 1024;

export interface JournalStatus {
  /** Why records are in memory only, or null while the journal works. */
  failure: string | null;
  /** Accepted records not yet on disk. */
  pending: number;
  /** Accepted records dropped from memory before the disk took them (more than MAX_PENDING waited). */
  lost: number;
  /** Lines skipped by the last reading: damaged, from another version, or out of range. */
  badLines: number;
  /** Valid records beyond MAX_REPLAY, left out of the last reading. */
  overflow: number;
}

export class Journal {
  private fh: fs.FileHandle | null = null;
  private chain: Promise<void> = Promise.resolve();
  private written = 0;
  private size = 0;
  private pending: JournalRecord[] = [];
  private lost = 0;
  private failure: string | null = null;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  badLines = 0;
  private overflow = 0;

  constructor(
    readonly file: string,
    private readonly clock: () => number,
    private readonly keepMs = 6 * 3_600_000,
    private readonly compactBytes = 64 * 1024 * 1024,
    private readonly retryMs = RETRY_MS,
  ) {}

  static in(stateDir: string, clock: () => number, keepMs?: number, retryMs?: number): Journal {
    return new Journal(path.join(stateDir, JOURNAL_FILE), clock, keepMs, undefined, retryMs);
  }

  status(): JournalStatus {
    return { failure: this.failure, pending: this.pending.length, lost: this.lost, badLines: this.badLines, overflow: this.overflow };
  }

  /** Reads and compacts; returns what was kept, oldest first. Never throws: what fails is in status(). */
  async open(): Promise<JournalRecord[]> {
    let kept: JournalRecord[];
    try {
      kept = await this.read();
    } catch (err) {
      this.fail(err);
      return [];
    }
    try {
      await this.rewrite(kept);
    } catch (err) {
      this.fail(err);
    }
    return kept;
  }

  /**
   * Keeps `records`: on disk when it can, else in memory until it can. Never rejects.
   * `text` is their lines when already written out (journalText, on the decoder's thread).
   */
  append(records: JournalRecord[], text?: string): Promise<void> {
    if (records.length === 0) return this.chain;
    this.chain = this.chain.then(() => this.write(records, text));
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.chain;
    if (this.pending.length) await this.retry(); // one last try before the records are gone
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => {});
  }

  private async write(records: JournalRecord[], text = lines(records)): Promise<void> {
    if (this.failure || !this.fh) {
      this.hold(records);
      if (this.failure && Date.now() >= this.retryAt) await this.retry();
      return;
    }
    const before = this.size;
    try {
      await this.fh.appendFile(text);
      await this.fh.datasync();
    } catch (err) {
      // Take back a line cut short, so the next one does not glue onto it.
      await this.fh?.truncate(before).catch(() => {});
      this.hold(records);
      return this.fail(err);
    }
    const n = Buffer.byteLength(text);
    this.size += n;
    this.written += n;
    if (this.written > this.compactBytes) {
      try {
        await this.rewrite(await this.read());
      } catch (err) {
        this.fail(err);
      }
    }
  }

  private hold(records: JournalRecord[]): void {
    this.pending.push(...records);
    if (this.pending.length > MAX_PENDING) {
      this.lost += this.pending.length - MAX_PENDING;
      this.pending.splice(0, this.pending.length - MAX_PENDING);
    }
  }

  /** Once the disk works again: the file compacted with the waiting records in it. */
  private async retry(): Promise<void> {
    this.retryAt = Date.now() + this.retryMs;
    try {
      const waiting = this.pending;
      await this.rewrite(await this.read(waiting));
      this.pending = this.pending.slice(waiting.length);
      this.failure = null;
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.failure = (err as Error).message ?? String(err);
    this.retryAt = Date.now() + this.retryMs;
    const fh = this.fh;
    this.fh = null;
    void fh?.close().catch(() => {});
    if (!this.timer && !this.closed) {
      // Tried again even when no request comes, so waiting records reach the disk. The timer is
      // the retry itself: a write would ask Date.now whether one is due, and a wall clock set back,
      // or the loop's clock firing the timer a few ms early (CI, under load), answered no, and
      // nothing armed the timer again.
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.failure && !this.closed) this.chain = this.chain.then(() => this.retry());
      }, this.retryMs);
      this.timer.unref();
    }
  }

  /** The file's records within `keepMs` (the newest of each series), checked, then `extra`; bounded. */
  private async read(extra: JournalRecord[] = []): Promise<JournalRecord[]> {
    const keep = new Keeper(this.clock() - this.keepMs);
    let bad = 0;
    let fh: Awaited<ReturnType<typeof openStateFile>> | null = null;
    try {
      fh = await openStateFile(this.file); // a FIFO or a device here would block the read or never end
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    if (fh) {
      try {
        await eachLine(fh, (line) => {
          const r = line === null ? null : parseLine(line);
          if (r) keep.add(r);
          else bad++;
        });
      } finally {
        await fh.close();
      }
    }
    for (const r of extra) keep.add(r);
    this.badLines = bad;
    this.overflow = keep.overflow;
    return keep.records();
  }

  /** Replaces the file with `records` (temp file, fsync, rename) and opens it for appending. */
  private async rewrite(records: JournalRecord[]): Promise<void> {
    const old = this.fh;
    this.fh = null;
    await old?.close().catch(() => {});
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await fs.open(tmp, 'w');
    try {
      for (let i = 0; i < records.length; i += 1000) await fh.appendFile(lines(records.slice(i, i + 1000)));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, this.file);
    this.fh = await fs.open(this.file, 'a');
    this.size = (await this.fh.stat()).size;
    this.written = 0;
  }
}

const lines = (records: JournalRecord[]) => records.map((r) => JSON.stringify({ v: JOURNAL_VERSION, ...r }) + '\n').join('');

/** The journal's records for accepted log events. */
export function logRecords(items: LogItem[]): JournalRecord[] {
  return items.map((i) => (i.covers ? { t: 'e', e: i.event, o: i.covers } : { t: 'e', e: i.event }));
}

/** Their lines, written out where the events were made (a few ms per thousand, off the thread that answers /usage). */
export const journalText = (items: LogItem[]): string => lines(logRecords(items));

/** Records within the cutoff, the newest state of each series, at most MAX_REPLAY (the newest). */
class Keeper {
  private events: JournalRecord[] = [];
  private series = new Map<string, JournalRecord>();
  overflow = 0;

  constructor(private readonly cutoff: number) {}

  add(r: JournalRecord): void {
    if (r.t === 's') {
      if (r.s.at < this.cutoff) return;
      if (this.series.size >= MAX_REPLAY && !this.series.has(r.s.id)) return void this.overflow++;
      this.series.set(r.s.id, r);
      return;
    }
    if (r.e.at < this.cutoff) return;
    this.events.push(r);
    // Kept in a window twice the bound, trimmed to the newest when it fills.
    if (this.events.length >= 2 * MAX_REPLAY) this.trim();
  }

  records(): JournalRecord[] {
    this.trim();
    return [...this.events, ...this.series.values()];
  }

  private trim(): void {
    const extra = this.events.length - MAX_REPLAY;
    if (extra <= 0) return;
    this.overflow += extra;
    this.events.splice(0, extra);
  }
}

/**
 * Calls `each` with every line of the file (without its newline), reading a chunk at a time;
 * a line longer than MAX_LINE is not kept: `each(null)` once for it.
 */
async function eachLine(fh: fs.FileHandle, each: (line: string | null) => void): Promise<void> {
  const buf = Buffer.alloc(READ_CHUNK);
  let parts: Buffer[] = [];
  let partLen = 0;
  let overlong = false;
  const end = () => {
    if (overlong) each(null);
    else if (partLen > 0) {
      const line = Buffer.concat(parts, partLen).toString('utf8');
      if (line.trim()) each(line);
    }
    parts = [];
    partLen = 0;
    overlong = false;
  };
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    let from = 0;
    while (from < bytesRead) {
      const nl = buf.indexOf(0x0a, from);
      const to = nl === -1 || nl >= bytesRead ? bytesRead : nl;
      if (!overlong) {
        if (partLen + (to - from) > MAX_LINE) {
          overlong = true;
          parts = [];
          partLen = 0;
        } else {
          parts.push(Buffer.from(buf.subarray(from, to)));
          partLen += to - from;
        }
      }
      if (to === bytesRead) break;
      end();
      from = to + 1;
    }
  }
  end(); // a last line without its newline (a write cut short) is read like the others: whole or not at all
}

/** One line, checked as thoroughly as a record arriving over HTTP: anything else is null. */
export function parseLine(line: string): JournalRecord | null {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  if (!r || typeof r !== 'object' || r.v !== JOURNAL_VERSION) return null;
  if (r.t === 's') return validSeries(r.s) ? { t: 's', s: r.s } : null;
  const e = r.e as ResponseEvent | TurnEvent | undefined;
  if (!e || typeof e !== 'object' || (e.kind !== 'response' && e.kind !== 'turn') || rejection(e) !== null) return null;
  if (r.t === 'e') {
    if (r.o === undefined) return { t: 'e', e };
    return Array.isArray(r.o) && r.o.length <= 4 && r.o.every(origin) ? { t: 'e', e, o: r.o as string[] } : null;
  }
  if (r.t === 'm' && e.kind === 'response' && origin(r.o)) return { t: 'm', e, o: r.o as string };
  return null;
}

const origin = (o: unknown): o is string => typeof o === 'string' && o.length > 0 && o.length <= MAX_STRING + 2;
const nanos = (x: unknown): boolean => typeof x === 'string' && /^\d{1,20}$/.test(x);

function validSeries(s: unknown): s is SeriesState {
  if (!s || typeof s !== 'object') return false;
  const x = s as SeriesState;
  return typeof x.id === 'string' && x.id.length > 0 && x.id.length <= MAX_STRING && validTime(x.at) && tokenCount(x.value, MAX_TOTAL_TOKENS) !== null && nanos(x.start) && nanos(x.time);
}
