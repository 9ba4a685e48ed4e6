// The weekly ceiling learned from the statusline's seven-day figures outlives the daemon: a
// sighting may be days old when the next one comes, and the figure is wanted in between. A small
// versioned file in the state folder, written whole (temp file, fsync, rename); one that does
// not read is ignored (the ceiling is learned again at the next sighting).
import path from 'node:path';
import { validTime } from '../core/validate.js';
import type { WeeklyCeiling } from '../engine/outlook.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readStateFileSync } from '../util/state-file.js';

const VERSION = 1;

export function weeklyFile(stateDir: string): string {
  return path.join(stateDir, 'seven-day.json');
}

export function readWeekly(stateDir: string): WeeklyCeiling | null {
  try {
    const text = readStateFileSync(weeklyFile(stateDir), 4096);
    if (text === null) return null;
    const j = JSON.parse(text) as { version?: unknown; tokens?: unknown; resets_at?: unknown };
    if (j.version !== VERSION || typeof j.tokens !== 'number' || !Number.isSafeInteger(j.tokens) || j.tokens <= 0 || !validTime(j.resets_at)) return null;
    return { tokens: j.tokens, resetsAt: j.resets_at as number };
  } catch {
    return null;
  }
}

export function writeWeekly(stateDir: string, w: WeeklyCeiling): Promise<void> {
  return writeFileAtomic(weeklyFile(stateDir), JSON.stringify({ version: VERSION, tokens: w.tokens, resets_at: w.resetsAt }) + '\n');
}
