// Line -> event with the counting and the one repair worth making: a line glued to the
// unfinished remains of an earlier crashed write still carries a good record at its end.
import type { ResponseEvent, TurnEvent } from '../../core/events.js';
import { parseLine } from './parse.js';

export interface LineStats {
  records: number;
  skipped: number;
  repaired: number;
}

const MAX_REPAIR_TRIES = 8;

/** Adds `from`'s counts to `to`. */
export function addStats(to: LineStats, from: LineStats): void {
  to.records += from.records;
  to.skipped += from.skipped;
  to.repaired += from.repaired;
}

/**
 * @param whole the line as written, when `lines` hold cut copies (the bulk scan cuts content out):
 *   a cut copy that does not parse is read whole, so a cut in the wrong place, or a repair that
 *   searches the line, never counts differently from the plain path.
 */
export function eventsFromLines(lines: string[], stats: LineStats, emit: (e: ResponseEvent | TurnEvent) => void, turns = true, whole?: (i: number) => string): void {
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    let r = parseLine(line, turns);
    if (whole && !r.ok && r.reason === 'malformed') r = parseLine((line = whole(i)), turns);
    if (r.ok) {
      stats.records++;
      for (const e of r.events) emit(e);
      continue;
    }
    const repaired = r.reason === 'malformed' ? repair(line, turns) : null;
    if (repaired) {
      stats.repaired++;
      stats.records++;
      for (const e of repaired.events) emit(e);
    } else {
      stats.skipped++;
    }
  }
}

function repair(line: string, turns: boolean) {
  let tries = 0;
  for (let i = line.lastIndexOf('{"'); i > 0 && tries < MAX_REPAIR_TRIES; i = line.lastIndexOf('{"', i - 1), tries++) {
    const candidate = line.slice(i);
    // Only a whole top-level record qualifies; objects nested in progress lines carry no sessionId.
    if (!candidate.includes('"sessionId"')) continue;
    const r = parseLine(candidate, turns);
    if (r.ok && r.events.length) return r;
  }
  return null;
}
