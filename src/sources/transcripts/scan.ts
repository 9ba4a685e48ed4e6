// A one-shot scan of whole files for their responses: synchronous reads (no await per chunk),
// only lines that carry a usage object are decoded, and copies of a response are folded into
// one entry as they are read. Runs in worker threads for reports and the background backfill.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { beats } from '../../engine/engine.js';
import { fileId } from './discover.js';
import { addStats, eventsFromLines, lineText, type LineStats } from './lines.js';
import { headOfSync, type TailState } from './tail.js';
import { decodeCut, decodeWhole, findMarked, lineFinder, USAGE_MARK, type LineFinder } from './usage-lines.js';

const CHUNK = 1024 * 1024;
const NEWLINE = 0x0a;

export interface ScanResult {
  /** One event per distinct response, the winning copy, in order of first appearance. */
  responses: ResponseEvent[];
  stats: LineStats;
}

export function scanFiles(paths: readonly string[], reader = new UsageReader()): ScanResult {
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
  // no chunk is ever copied to join it to the next. The buffer is the finder's: it looks for the
  // usage lines where the bytes were read.
  private finder: LineFinder;
  private buf: Buffer;
  /** After chunks(): bytes read, and bytes of an unfinished last line at the front of buf. */
  private pos = 0;
  private held = 0;

  constructor(finder: LineFinder = lineFinder()) {
    this.finder = finder;
    this.buf = finder.area(2 * CHUNK);
  }

  /** @returns bytes consumed: through the last newline, or to the end with `takeUnterminated` */
  read(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, takeUnterminated: boolean): number {
    for (const { chunk, lines } of this.chunks(fd)) scanLines(chunk, lines, stats, emit);
    if (!takeUnterminated) return this.pos - this.held;
    const rest = this.buf.subarray(0, this.held);
    if (this.held > 0 && rest.includes(USAGE_MARK)) eventsFromLines([lineText(rest)], stats, emit, false);
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
    for (const { chunk, lines, base } of this.chunks(fd)) {
      for (let i = 0; i < lines.length / 4; i++) {
        const probe: LineStats = { records: 0, skipped: 0, repaired: 0 };
        found.length = 0;
        eventsFromLines([decodeCut(chunk, lines, i)], probe, (e) => found.push(e), false, () => decodeWhole(chunk, lines, i));
        if (found.some((e) => e.at >= until)) return base + lines[4 * i];
        addStats(stats, probe);
        for (const e of found) emit(e);
        boundary = base + lines[4 * i + 1] + 1;
      }
    }
    return boundary;
  }

  /**
   * The file from its start in chunks of whole lines: chunk[0, lastNl] starts at file offset
   * `base`, and `lines` are its usage lines (see findMarked).
   */
  private *chunks(fd: number): Generator<{ chunk: Buffer; lines: Uint32Array; base: number }> {
    this.held = 0;
    this.pos = 0;
    for (;;) {
      if (this.buf.length - this.held < CHUNK) this.buf = this.finder.area(this.buf.length * 2); // a line longer than the buffer
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
      yield { chunk: buf.subarray(0, end), lines: this.finder.find(lastNl), base };
      buf.copy(buf, 0, lastNl + 1, end);
      this.held = end - lastNl - 1;
    }
  }
}

/** The responses in the lines of `chunk` before `lastNl`, the way scanFiles reads them. */
export function scanChunk(chunk: Buffer, lastNl: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void): void {
  scanLines(chunk, findMarked(chunk, lastNl), stats, emit);
}

/** The responses in the given usage lines of `chunk` (see findMarked). */
function scanLines(chunk: Buffer, lines: Uint32Array, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void): void {
  const cut = new Array<string>(lines.length / 4);
  for (let i = 0; i < cut.length; i++) cut[i] = decodeCut(chunk, lines, i);
  // A cut copy that does not parse is read whole, so a cut in the wrong place never counts differently.
  eventsFromLines(cut, stats, emit, false, (i) => decodeWhole(chunk, lines, i));
}

/**
 * Only the lines that contain the usage mark, decoded; the rest are never turned into strings. A
 * bulk read of old history needs just the lines carrying usage, a small share of the bytes. With
 * `elide`, each one's content is cut out first (see findMarked).
 */
export function markedLines(chunk: Buffer, lastNl: number, elide = false): string[] {
  const lines = findMarked(chunk, lastNl);
  return Array.from({ length: lines.length / 4 }, (_, i) => (elide ? decodeCut(chunk, lines, i) : decodeWhole(chunk, lines, i)));
}
