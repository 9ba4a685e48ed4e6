// Bytes -> lines -> events, with the counting. Every reader of transcripts (the live tailer, the
// bulk scan, the history) decodes and counts lines here, so they all drop what ccusage drops.
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { parseLine } from './parse.js';

export interface LineStats {
  records: number;
  skipped: number;
}

/** Adds `from`'s counts to `to`. */
export function addStats(to: LineStats, from: LineStats): void {
  to.records += from.records;
  to.skipped += from.skipped;
}

// Decoding (a line that is not UTF-8 reads as NOT_UTF8) lives in the file layer, which every reader shares.
export { lineText, NOT_UTF8, textLines } from '../files/lines.js';

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
