// The device line: /usage for microcontrollers. One line of unsigned integers, at most 128
// bytes, parsed with no JSON library and no heap:
//
//   CG1 <seq> <age_ms> <fuel> <tach> <temp> <boost> <model> <flags>\n
//
// fuel..boost: needle positions 0-1000; model: 0 other, 1 opus, 2 sonnet, 3 haiku;
// flags: 1 HOT, 2 WARN, 4 STALL, 8 IDLE, 16 RANGE (window_5h_runs_out: WARN flashes); age_ms:
// how old the snapshot is. Later versions only append fields, so a parser reads the ones it knows
// and ignores the rest; new lamps take new flag bits, which a parser also ignores until it knows
// them (the first firmware masks each bit it reads, so RANGE needed no new field).
import type { Snapshot } from '../core/snapshot.js';

export const DEVICE_VERSION = 'CG1';
export const DEVICE_MAX_BYTES = 128;
const MODEL_CODES: Record<Snapshot['last_model'], number> = { other: 0, opus: 1, sonnet: 2, haiku: 3 };
const U32 = 0xffffffff;

export function deviceLine(s: Snapshot, now: number): string {
  const age = Math.max(0, Math.min(U32, Math.round(now - Date.parse(s.updated_at))));
  const flags = (s.hot ? 1 : 0) | (s.warn ? 2 : 0) | (s.stall ? 4 : 0) | (s.idle ? 8 : 0) | (s.window_5h_runs_out ? 16 : 0);
  const g = s.gauges;
  return `${DEVICE_VERSION} ${s.seq % (U32 + 1)} ${age} ${g.fuel} ${g.tach} ${g.temp} ${g.boost} ${MODEL_CODES[s.last_model] ?? 0} ${flags}\n`;
}
