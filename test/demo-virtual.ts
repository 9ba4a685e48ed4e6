// Plays the demo's script in virtual time through the pieces that decide the cluster: the lines
// DemoWriter writes are read by the transcript source's line reader (eventsFromLines), admitted as
// the daemon admits them, folded by the real Engine with the demo's settings on an injected
// clock, and the snapshot is taken every virtual second.
import { resolveConfig } from '../src/config/index.js';
import { Admission } from '../src/core/admission.js';
import type { GaugeEvent } from '../src/core/events.js';
import type { Snapshot } from '../src/core/snapshot.js';
import { engineSettings } from '../src/daemon/load.js';
import { DemoWriter, DEMO_SETTINGS, SCRIPT, TACH_FULL_SCALE, type Act } from '../src/demo/scenario.js';
import { Engine } from '../src/engine/engine.js';
import { eventsFromLines } from '../src/sources/transcripts/lines.js';

export interface Sample {
  /** Seconds since the demo started. */
  t: number;
  act: string;
  /** rate_1m over the tach's full scale: above 1 the needle is pinned. */
  tach: number;
  snapshot: Snapshot;
}

export interface Played {
  samples: Sample[];
  /** Lines written, and the ones the reader skipped (the demo's deliberate junk). */
  lines: number;
  skipped: number;
  /** Virtual seconds at which each act began. */
  actStarts: { act: string; t: number }[];
}

/** A fixed start on the hour, as a block would start. */
export const START = Date.UTC(2026, 2, 10, 9, 0, 0);

export async function playDemo(o: { seconds: number; seed?: number; script?: readonly Act[] }): Promise<Played> {
  let now = START;
  const clock = () => now;
  // The demo command's settings, on top of the normal configuration.
  const config = { ...resolveConfig({}, { HOME: '/nonexistent', CLAUDE_GAUGE_CONFIG: '/nonexistent/claude-gauge.json' }), ...DEMO_SETTINGS };
  const engine = new Engine(engineSettings(config));
  const admission = new Admission((e: GaugeEvent) => engine.apply(e), clock);
  const stats = { records: 0, skipped: 0 };
  let pending: string[] = [];
  let lines = 0;
  let act = '';
  const actStarts: Played['actStarts'] = [];
  const samples: Sample[] = [];
  const stopAt = START + o.seconds * 1000;
  let nextSample = START + 1000;
  const writer = new DemoWriter({
    dir: '/nonexistent-demo',
    seed: o.seed,
    script: o.script,
    clock,
    write: async (_file, line) => {
      pending.push(line);
      lines++;
    },
    sleep: async (ms) => {
      const target = now + ms;
      while (nextSample <= target) {
        now = nextSample;
        nextSample += 1000;
        // What the tailer would have read by now, then the daemon's refresh.
        eventsFromLines(pending, stats, (e) => admission.admit(e));
        pending = [];
        admission.release();
        engine.trim(now);
        const s = engine.snapshot(now);
        samples.push({ t: (now - START) / 1000, act, tach: s.rate_1m / TACH_FULL_SCALE, snapshot: s });
        if (now >= stopAt) {
          writer.stop();
          return;
        }
      }
      now = target;
    },
    onAct: (a) => {
      act = a.name;
      actStarts.push({ act: a.name, t: (now - START) / 1000 });
    },
  });
  await writer.run();
  return { samples, lines, skipped: stats.skipped, actStarts };
}

export { SCRIPT, TACH_FULL_SCALE };
