// A one-shot scan of whole files for their responses: synchronous reads (no await per chunk),
// only lines that carry a usage object are decoded, and copies of a response are folded into
// one entry as they are read. Runs in worker threads for reports and the background backfill.
import { closeSync } from 'node:fs';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { ResponseFold, type FoldOrder } from '../../core/response-fold.js';
import { newCheckpoint, reconcile, type Checkpoint } from '../files/checkpoint.js';
import { START, type LineChunk, type LinePosition } from '../files/lines.js';
import { isUnread, openListedSync, openRegularSync, type Unread } from '../files/open.js';
import { headSync, readLinesSync, type ReadOptions } from '../files/read.js';
import { addStats, eventsFromLines, lineText, type LineStats } from './lines.js';
import { decodeCut, decodeWhole, findMarked, lineFinder, USAGE_MARK, type LineFinder } from './usage-lines.js';
import { folderProjectOf } from './project-folder.js';
import { errorText } from '../../util/errno.js';

const CHUNK = 1024 * 1024;

export interface ScanResult {
  /** One event per distinct response, the winning copy, in order of first appearance. */
  responses: ResponseEvent[];
  stats: LineStats;
  /** Files that could not be read, one line each (for source.problems). */
  problems?: string[];
}

/** A file to scan: a path alone, or as listed (read no further than its size then: a snapshot of the listing). */
export type ScanFile = string | { path: string; size: number };

/**
 * @param order 'whole' for the session report: copies folded in the history's total order, each
 * response carrying its file's project folder; 'first' (ccusage's rule) for everything else.
 */
export function scanFiles(files: readonly ScanFile[], reader = new UsageReader(), order: FoldOrder = 'first'): ScanResult {
  const responses = new ResponseFold(order);
  const stats: LineStats = { records: 0, skipped: 0 };
  const problems: string[] = [];
  let project = '';
  const fold =
    order === 'whole'
      ? (e: ResponseEvent | { kind: 'turn' }) => {
          if (e.kind !== 'response') return;
          e.project = project;
          responses.add(e);
        }
      : (e: ResponseEvent | { kind: 'turn' }) => {
          if (e.kind === 'response') responses.add(e);
        };
  for (const f of files) {
    const p = typeof f === 'string' ? f : f.path;
    if (order === 'whole') project = folderProjectOf(p);
    const opened = openPatiently(p, typeof f !== 'string');
    if (isUnread(opened)) {
      if (opened.problem) problems.push(opened.problem); // gone since it was listed: nothing to say
      continue;
    }
    try {
      // The last line counts without its newline, as ccusage reads it.
      reader.read(opened.fd, stats, fold, true, typeof f === 'string' ? Infinity : f.size);
    } catch (err) {
      problems.push(`cannot read ${p}: ${errorText(err)}`);
    } finally {
      closeSync(opened.fd);
    }
  }
  return problems.length ? { responses: responses.responses, stats, problems } : { responses: responses.responses, stats };
}

/** Out of file descriptors is passing: a one-shot scan waits for them a while (up to ~2 s) before it gives a file up. */
const RETRY_WAITS_MS = [10, 20, 50, 100, 200, 300, 500, 800];
const pause = new Int32Array(new SharedArrayBuffer(4));

function openPatiently(p: string, listed: boolean): { fd: number } | Unread {
  const open = listed ? openListedSync : openRegularSync;
  let opened = open(p);
  for (const ms of RETRY_WAITS_MS) {
    if (!isUnread(opened) || opened.why !== 'retry') break;
    Atomics.wait(pause, 0, 0, ms); // scans run in workers, or for a one-shot report: nothing else to do meanwhile
    opened = open(p);
  }
  return opened;
}

/**
 * One file's complete lines from its start, read as scanFiles reads them (usage lines only), for
 * following the file live afterwards: the checkpoint to go on from, where an unfinished last line
 * is left for the live reader (which waits for its newline, without searching again what was
 * searched here). With `until`, only up to the first response at or after it (see
 * UsageReader.readUntil). Null when the file at `p` is no longer the one listed as `id` (replaced
 * or gone) or cannot be read now: the caller reads it the careful way.
 */
export function scanToFollow(
  p: string,
  id: string,
  stats: LineStats,
  emit: (e: ResponseEvent | TurnEvent) => void,
  o: { reader?: UsageReader; until?: number } = {},
): Checkpoint | null {
  const reader = o.reader ?? new UsageReader();
  const opened = openRegularSync(p);
  if (isUnread(opened)) return null;
  try {
    if (opened.id !== id) return null;
    const cp = newCheckpoint(id, p);
    reconcile(cp, id, opened.size, headSync(opened.fd, opened.size));
    const at = o.until === undefined ? reader.readToFollow(opened.fd, stats, emit) : reader.readUntil(opened.fd, stats, emit, o.until);
    return Object.assign(cp, at);
  } catch {
    return null;
  } finally {
    closeSync(opened.fd);
  }
}

/** Reads whole files chunk by chunk through one buffer, reused from file to file. */
export class UsageReader {
  // An unfinished line is moved to the front of the buffer and the next read lands behind it, so
  // no chunk is ever copied to join it to the next (the shared line splitter does the cutting). The
  // buffer is the finder's: it looks for the usage lines where the bytes were read.
  private finder: LineFinder;
  private readonly area: (bytes: number) => Buffer;

  private readonly oneShot: ReadOptions;
  private readonly following: ReadOptions;

  constructor(finder: LineFinder = lineFinder()) {
    this.finder = finder;
    finder.area(2 * CHUNK);
    this.area = (bytes) => finder.area(bytes);
    this.following = { area: this.area, minRead: CHUNK };
    this.oneShot = { ...this.following, rest: true };
  }

  private scan(stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void): (c: LineChunk) => void {
    return (c) => scanLines(c.buf, this.finder.find(c.lastNl), stats, emit);
  }

  /**
   * @param size read no further (Infinity: to the end)
   * @returns bytes consumed: through the last newline, or to the end with `takeUnterminated`
   */
  read(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, takeUnterminated: boolean, size = Infinity): number {
    const at = { offset: 0, scanned: 0, overlong: false };
    const r = readLinesSync(fd, size, at, this.scan(stats, emit), takeUnterminated ? this.oneShot : this.following);
    stats.skipped += r.overlong;
    if (r.rest.length > 0 && r.rest.includes(USAGE_MARK)) eventsFromLines([lineText(r.rest)], stats, emit, false);
    return at.offset;
  }

  /** read() without the unfinished last line: where a live reader goes on. */
  readToFollow(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void): LinePosition {
    const at = { offset: 0, scanned: 0, overlong: false };
    const r = readLinesSync(fd, Infinity, at, this.scan(stats, emit), this.following);
    stats.skipped += r.overlong;
    return at;
  }

  /**
   * Like read(), up to the first response at or after `until` (epoch ms): the rest of the file
   * is for a reader that wants more than usage. Complete lines only.
   * @returns where that reader starts: the response's line, or just after the last usage line
   */
  readUntil(fd: number, stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, until: number): LinePosition {
    let boundary = 0;
    const found: (ResponseEvent | TurnEvent)[] = [];
    const overlong: number[] = [];
    readLinesSync(
      fd,
      Infinity,
      { ...START },
      ({ buf: chunk, lastNl, base }) => {
        const lines = this.finder.find(lastNl);
        for (let i = 0; i < lines.length / 4; i++) {
          const probe: LineStats = { records: 0, skipped: 0 };
          found.length = 0;
          eventsFromLines([decodeCut(chunk, lines, i)], probe, (e) => found.push(e), false, () => decodeWhole(chunk, lines, i));
          if (found.some((e) => e.at >= until)) {
            boundary = base + lines[4 * i];
            return false;
          }
          addStats(stats, probe);
          for (const e of found) emit(e);
          boundary = base + lines[4 * i + 1] + 1;
        }
      },
      { area: this.area, minRead: CHUNK, onOverlong: (start) => overlong.push(start) },
    );
    // Over-long lines past the boundary are the next reader's to count.
    stats.skipped += overlong.filter((start) => start < boundary).length;
    return { offset: boundary, scanned: boundary, overlong: false };
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
