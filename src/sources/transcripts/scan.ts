// A one-shot scan of whole files for their responses: synchronous reads (no await per chunk),
// only lines that carry a usage object are decoded, and copies of a response are folded into
// one entry as they are read. Runs in worker threads for reports and the background backfill.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { beats } from '../../engine/engine.js';
import { fileId } from './discover.js';
import { addStats, eventsFromLines, type LineStats } from './lines.js';
import { headOfSync, type TailState } from './tail.js';

const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;
// Quotes inside JSON strings are escaped, so this byte run only occurs as structure.
export const USAGE_MARK = Buffer.from('"usage":{');

export interface ScanResult {
  /** One event per distinct response, the winning copy, in order of first appearance. */
  responses: ResponseEvent[];
  stats: LineStats;
}

export function scanFiles(paths: readonly string[], onProgress?: (filesDone: number) => void): ScanResult {
  const byKey = new Map<string, number>();
  const responses: ResponseEvent[] = [];
  const stats: LineStats = { records: 0, skipped: 0, repaired: 0 };
  const fold = (e: ResponseEvent | { kind: 'turn' }) => {
    if (e.kind !== 'response') return;
    const i = byKey.get(e.key);
    if (i === undefined) {
      byKey.set(e.key, responses.length);
      responses.push(e);
    } else if (beats(e, responses[i])) {
      responses[i] = e;
    }
  };
  const reader = new UsageReader();
  let filesDone = 0;
  for (const p of paths) {
    let fd: number;
    try {
      fd = openSync(p, 'r');
    } catch {
      continue; // deleted since it was listed
    }
    try {
      reader.read(fd, stats, fold, true); // the last line counts without its newline, as ccusage reads it
    } finally {
      closeSync(fd);
    }
    if (onProgress && ++filesDone % 25 === 0) onProgress(filesDone);
  }
  return { responses, stats };
}

/**
 * One file's complete lines from its start, read as scanFiles reads them (usage lines only), for
 * following the file live afterwards: the state to go on from, where an unfinished last line is
 * left for the live reader (which waits for its newline). With `until`, only up to the first
 * response at or after it (see UsageReader.readUntil). Null when the file at `p` is no longer the
 * one listed as `id` (replaced or gone): the caller reads it the careful way.
 */
export function scanToFollow(
  p: string,
  id: string,
  stats: LineStats,
  emit: (e: ResponseEvent | TurnEvent) => void,
  o: { reader?: UsageReader; until?: number } = {},
): TailState | null {
  const reader = o.reader ?? new UsageReader();
  let fd: number;
  try {
    fd = openSync(p, 'r');
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (fileId(st) !== id) return null;
    const head = headOfSync(fd, Number(st.size));
    const offset = o.until === undefined ? reader.read(fd, stats, emit, false) : reader.readUntil(fd, stats, emit, o.until);
    return { id, path: p, offset, head };
  } finally {
    closeSync(fd);
  }
}

/** Reads whole files chunk by chunk through one buffer, reused from file to file. */
export class UsageReader {
  // An unfinished line is moved to the front of the buffer and the next read lands behind it, so
  // no chunk is ever copied to join it to the next.
  private buf = Buffer.allocUnsafe(2 * CHUNK);
  /** After chunks(): bytes read, and bytes of an unfinished last line at the front of buf. */
  private pos = 0;
  private held = 0;

  /** @returns bytes consumed: through the last newline, or to the end with `takeUnterminated` */
  read(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, takeUnterminated: boolean): number {
    for (const { chunk, lastNl } of this.chunks(fd)) scanChunk(chunk, lastNl, stats, emit);
    if (!takeUnterminated) return this.pos - this.held;
    const rest = this.buf.subarray(0, this.held);
    if (this.held > 0 && rest.includes(USAGE_MARK)) eventsFromLines([rest.toString('utf8')], stats, emit, false);
    return this.pos;
  }

  /**
   * Like read(), up to the first response at or after `until` (epoch ms): the rest of the file
   * is for a reader that wants more than usage. Complete lines only.
   * @returns where that reader starts: the response's line, or just after the last usage line
   */
  readUntil(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, until: number): number {
    let boundary = 0;
    const found: (ResponseEvent | TurnEvent)[] = [];
    for (const { chunk, lastNl, base } of this.chunks(fd)) {
      for (const [from, to] of markedRanges(chunk, lastNl, USAGE_MARK)) {
        const probe: LineStats = { records: 0, skipped: 0, repaired: 0 };
        found.length = 0;
        eventsFromLines([decodeElided(chunk, from, to)], probe, (e) => found.push(e), false, () => chunk.toString('utf8', from, to));
        if (found.some((e) => e.at >= until)) return base + from;
        addStats(stats, probe);
        for (const e of found) emit(e);
        boundary = base + to + 1;
      }
    }
    return boundary;
  }

  /** The file from its start in chunks of whole lines: chunk[0, lastNl] starts at file offset `base`. */
  private *chunks(fd: number): Generator<{ chunk: Buffer; lastNl: number; base: number }> {
    this.held = 0;
    this.pos = 0;
    for (;;) {
      if (this.buf.length - this.held < CHUNK) {
        const bigger = Buffer.allocUnsafe(this.buf.length * 2); // a line longer than the buffer
        this.buf.copy(bigger, 0, 0, this.held);
        this.buf = bigger;
      }
      const buf = this.buf;
      const n = readSync(fd, buf, this.held, buf.length - this.held, this.pos);
      if (n === 0) return;
      const base = this.pos - this.held;
      this.pos += n;
      const end = this.held + n;
      const lastNl = buf.lastIndexOf(NEWLINE, end - 1);
      if (lastNl < 0) {
        this.held = end;
        continue;
      }
      yield { chunk: buf.subarray(0, end), lastNl, base };
      buf.copy(buf, 0, lastNl + 1, end);
      this.held = end - lastNl - 1;
    }
  }
}

/** The responses in the lines of `chunk` before `lastNl`, the way scanFiles reads them. */
export function scanChunk(chunk: Buffer, lastNl: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void): void {
  const ranges = markedRanges(chunk, lastNl, USAGE_MARK);
  const cut = ranges.map(([from, to]) => decodeElided(chunk, from, to));
  eventsFromLines(cut, stats, emit, false, (i) => chunk.toString('utf8', ranges[i][0], ranges[i][1]));
}

const MESSAGE = Buffer.from('"message":{');
const CONTENT = Buffer.from('"content":[');
const STOP_REASON = Buffer.from(',"stop_reason":');

/**
 * Only the lines that contain `mark`, decoded; the rest are never turned into strings. A bulk
 * read of old history needs just the lines carrying usage, a small share of the bytes. With
 * `elide`, a response's content blocks are cut out before decoding (Claude Code writes `content`
 * just before `stop_reason` in the message; everything else still goes through JSON.parse, so a
 * torn or glued line still fails), so the text and tool input that make up most of a line never
 * become a string at all. A second `"message":{` inside the cut (two records glued by a crashed
 * write, or a message-shaped tool input) turns the cut off for that line.
 */
export function markedLines(chunk: Buffer, lastNl: number, mark: Buffer, elide = false): string[] {
  return markedRanges(chunk, lastNl, mark).map(([from, to]) => (elide ? decodeElided(chunk, from, to) : chunk.toString('utf8', from, to)));
}

/** [start, end) of each line before `lastNl` that contains `mark`. */
function markedRanges(chunk: Buffer, lastNl: number, mark: Buffer): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  for (let hit = chunk.indexOf(mark, from); hit !== -1 && hit < lastNl; hit = chunk.indexOf(mark, from)) {
    const lineStart = hit === 0 ? 0 : chunk.lastIndexOf(NEWLINE, hit) + 1;
    const lineEnd = chunk.indexOf(NEWLINE, hit);
    out.push([lineStart, lineEnd]);
    from = lineEnd + 1;
  }
  return out;
}

function decodeElided(chunk: Buffer, start: number, end: number): string {
  const m = chunk.indexOf(MESSAGE, start);
  const c = m === -1 || m >= end ? -1 : chunk.indexOf(CONTENT, m);
  const s = c === -1 || c >= end ? -1 : chunk.lastIndexOf(STOP_REASON, end - STOP_REASON.length);
  if (s === -1 || s < c) return chunk.toString('utf8', start, end);
  // A second message in the cut means two records glued by a crashed write (the first torn inside
  // its content): cutting would join the first one's head to the second one's usage. Decode whole.
  const again = chunk.indexOf(MESSAGE, c);
  if (again !== -1 && again < s) return chunk.toString('utf8', start, end);
  return `${chunk.toString('utf8', start, c + CONTENT.length - 1)}[]${chunk.toString('utf8', s, end)}`;
}
