// Sightings of Claude Code's own 5-hour percent, kept for calibration. The statusline handoff
// holds only the latest; the statusline also appends each change to a small log beside it, so
// calibrate can compare many sightings with the local estimate. Loaded by the statusline on
// every turn: node built-ins and the handoff only.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RateLimits } from '../sources/statusline/handoff.js';
import { readHandoff } from '../sources/statusline/handoff.js';
import type { Observation } from './index.js';
import { validTime } from '../core/validate.js';
import { readStateFile } from '../util/state-file.js';

/** Past this size the log starts over, keeping one previous file: months of sightings, a bounded disk. */
export const LOG_MAX_BYTES = 512 * 1024;

export function observationsFile(stateDir: string): string {
  return path.join(stateDir, 'limits-log.jsonl');
}

/**
 * Appends the 5-hour figure when it differs from the last handed-over one (call before the
 * handoff is rewritten): the first sighting of each percent is the one closest to the crossing.
 */
export async function recordObservation(stateDir: string, limits: RateLimits, at: number): Promise<void> {
  const five = limits.five_hour;
  if (!five) return;
  const prev = await readHandoff(stateDir);
  const resetsAt = five.resets_at > 1e12 ? five.resets_at : five.resets_at * 1000;
  if (prev?.fiveHour && prev.fiveHour.usedPercentage === five.used_percentage && prev.fiveHour.resetsAt === resetsAt) return;
  const file = observationsFile(stateDir);
  const size = await fs.stat(file).then((s) => s.size, () => 0);
  if (size > LOG_MAX_BYTES) await fs.rename(file, `${file}.1`);
  await fs.mkdir(stateDir, { recursive: true });
  await fs.appendFile(file, JSON.stringify({ at, used_percentage: five.used_percentage, resets_at: resetsAt }) + '\n');
}

/** Every recorded sighting plus the handoff's, one per (window, percent): the earliest. */
export async function readObservations(stateDir: string): Promise<Observation[]> {
  const out: Observation[] = [];
  const file = observationsFile(stateDir);
  for (const f of [`${file}.1`, file]) {
    const text = (await readStateFile(f, 4 * LOG_MAX_BYTES).catch(() => null)) ?? '';
    for (const line of text.split('\n')) {
      const o = parseLine(line);
      if (o) out.push(o);
    }
  }
  const h = await readHandoff(stateDir);
  if (h?.fiveHour) out.push({ at: h.at, usedPercentage: h.fiveHour.usedPercentage, resetsAt: h.fiveHour.resetsAt });
  const first = new Map<string, Observation>();
  for (const o of out) {
    const k = `${o.resetsAt}:${o.usedPercentage}`;
    const seen = first.get(k);
    if (!seen || o.at < seen.at) first.set(k, o);
  }
  return [...first.values()].sort((a, b) => a.at - b.at);
}

function parseLine(line: string): Observation | null {
  if (!line.trim()) return null;
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    const at = v.at;
    const pct = v.used_percentage;
    const resets = v.resets_at;
    if (typeof at !== 'number' || typeof pct !== 'number' || typeof resets !== 'number') return null;
    if (!validTime(at) || !validTime(resets) || !Number.isFinite(pct) || pct < 0 || pct > 1000) return null;
    return { at, usedPercentage: pct, resetsAt: resets };
  } catch {
    return null; // a torn last line after a crash: the rest still counts
  }
}
