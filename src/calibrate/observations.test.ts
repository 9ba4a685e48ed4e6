import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeHandoff } from '../sources/statusline/handoff.js';
import { LOG_MAX_BYTES, observationsFile, readObservations, recordObservation } from './observations.js';

const limits = (pct: number, resets = 1_800_000_000) => ({ five_hour: { used_percentage: pct, resets_at: resets }, seven_day: null });

/** What the statusline does each turn: note the sighting, then rewrite the handoff. */
async function turn(dir: string, pct: number, at: number, resets?: number) {
  await recordObservation(dir, limits(pct, resets), T + at);
  await writeHandoff(dir, limits(pct, resets), T + at);
}

/** Sightings happen at real instants (core/validate.ts refuses 1970): offsets from a day in 2026. */
const T = Date.UTC(2026, 0, 1);

test('each change of the 5-hour percent is logged once, at its first sighting', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-obs-'));
  await turn(dir, 10, 1000);
  await turn(dir, 10, 2000);
  await turn(dir, 12, 3000);
  await turn(dir, 12, 4000, 1_800_018_000); // a new window at the same percent is a new sighting
  const lines = (await fs.readFile(observationsFile(dir), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 3);
  assert.deepEqual(await readObservations(dir), [
    { at: T + 1000, usedPercentage: 10, resetsAt: 1_800_000_000_000 },
    { at: T + 3000, usedPercentage: 12, resetsAt: 1_800_000_000_000 },
    { at: T + 4000, usedPercentage: 12, resetsAt: 1_800_018_000_000 },
  ]);
});

test('a torn line is skipped; the handoff alone counts when there is no log; the log rotates', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cg-obs-'));
  await writeHandoff(dir, limits(40), T + 500);
  assert.deepEqual(await readObservations(dir), [{ at: T + 500, usedPercentage: 40, resetsAt: 1_800_000_000_000 }]);
  await fs.writeFile(observationsFile(dir), `{"at":${T + 100},"used_percentage":30,"resets_at":1800000000000}\n{"at":200,"used_`);
  assert.deepEqual((await readObservations(dir)).map((o) => o.at - T), [100, 500]);

  await fs.writeFile(observationsFile(dir), 'x'.repeat(LOG_MAX_BYTES + 1) + '\n');
  await turn(dir, 41, 600);
  assert.equal((await fs.stat(`${observationsFile(dir)}.1`)).size, LOG_MAX_BYTES + 2);
  assert.equal((await fs.readFile(observationsFile(dir), 'utf8')).trim().split('\n').length, 1);
});
