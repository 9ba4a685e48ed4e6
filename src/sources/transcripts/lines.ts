// Bytes -> lines -> events, with the counting. Every reader of transcripts (the live tailer, the
// bulk scan, the history) decodes and counts lines here, so they all drop what ccusage drops.
import { isUtf8 } from 'node:buffer';
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { parseLine } from './parse.js';

export interface LineStats {
  records: number;
  skipped: number;
  /**
   * No longer counted (always 0): a line glued to the remains of a torn write used to be repaired
   * to the record at its end; ccusage drops such a line, and so does every reader here now.
   */
  repaired?: number;
}

/** Adds `from`'s counts to `to`. */
export function addStats(to: LineStats, from: LineStats): void {
  to.records += from.records;
  to.skipped += from.skipped;
}

/**
 * What a line that is not valid UTF-8 reads as: no JSON text (RFC 8259 requires UTF-8) and no
 * record, so every parser skips and counts it. ccusage drops such a line; decoding it would
 * turn the bad bytes into U+FFFD and let the record count.
 */
export const NOT_UTF8 = '\u0000(not UTF-8)';

/** bytes[start, end) as text, or NOT_UTF8. */
export function lineText(bytes: Buffer, start = 0, end = bytes.length): string {
  return isUtf8(bytes.subarray(start, end)) ? bytes.toString('utf8', start, end) : NOT_UTF8;
}

const NEWLINE = 0x0a;

/**
 * The lines of bytes[0, end), without their line ends (a CR before the newline goes too), each
 * one decoded on its own merits: a line that is not UTF-8 comes back as NOT_UTF8. One decode
 * for the lot when all of it is UTF-8 (nearly always).
 */
export function textLines(bytes: Buffer, end: number): string[] {
  const lines = isUtf8(bytes.subarray(0, end)) ? bytes.toString('utf8', 0, end).split('\n') : eachLine(bytes, end);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 0x0d) lines[i] = l.slice(0, -1); // CRLF
  }
  return lines;
}

function eachLine(bytes: Buffer, end: number): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = bytes.indexOf(NEWLINE, 0); nl !== -1 && nl < end; nl = bytes.indexOf(NEWLINE, start)) {
    lines.push(lineText(bytes, start, nl));
    start = nl + 1;
  }
  lines.push(lineText(bytes, start, end));
  return lines;
}

/**
 * @param whole the line as written, when `lines` hold cut copies (the bulk scan cuts content out):
 *   a cut copy that does not parse, or that the cut may make read differently, is read whole, so
 *   a cut never counts differently from the plain path.
 */
export function eventsFromLines(lines: string[], stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, turns = true, whole?: (i: number) => string): void {
  for (let i = 0; i < lines.length; i++) {
    let r = parseLine(lines[i], turns, whole !== undefined);
    if (whole && !r.ok && r.reason === 'malformed') r = parseLine(whole(i), turns);
    if (r.ok) {
      stats.records++;
      for (const e of r.events) emit(e);
    } else {
      stats.skipped++;
    }
  }
}
