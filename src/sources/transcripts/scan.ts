// A one-shot scan of whole files for their responses: synchronous reads (no await per chunk),
// only lines that carry a usage object are decoded, and copies of a response are folded into
// one entry as they are read. Runs in worker threads for reports and the background backfill.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { beats } from '../../engine/engine.js';
import { eventsFromLines, type LineStats } from './lines.js';

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
  // One buffer for everything: an unfinished line is moved to its front and the next read lands
  // behind it, so no chunk is ever copied to join it to the next.
  let buf = Buffer.allocUnsafe(2 * CHUNK);
  let filesDone = 0;
  for (const p of paths) {
    let fd: number;
    try {
      fd = openSync(p, 'r');
    } catch {
      continue; // deleted since it was listed
    }
    try {
      let held = 0; // bytes of an unfinished line at the front of buf
      let pos = 0;
      for (;;) {
        if (buf.length - held < CHUNK) {
          const bigger = Buffer.allocUnsafe(buf.length * 2); // a line longer than the buffer
          buf.copy(bigger, 0, 0, held);
          buf = bigger;
        }
        const n = readSync(fd, buf, held, buf.length - held, pos);
        if (n === 0) break;
        pos += n;
        const end = held + n;
        const lastNl = buf.lastIndexOf(0x0a, end - 1);
        if (lastNl >= 0) {
          scanChunk(buf.subarray(0, end), lastNl, stats, fold);
          buf.copy(buf, 0, lastNl + 1, end);
          held = end - lastNl - 1;
        } else held = end;
      }
      // The last line counts without its newline, as ccusage reads it.
      const rest = buf.subarray(0, held);
      if (held > 0 && rest.includes(USAGE_MARK)) eventsFromLines([rest.toString('utf8')], stats, fold, false);
    } finally {
      closeSync(fd);
    }
    if (onProgress && ++filesDone % 25 === 0) onProgress(filesDone);
  }
  return { responses, stats };
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
