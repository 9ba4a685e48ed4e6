// Writes spec/cluster-vectors.json: scripted payload sequences and what the cluster must show,
// sampled over time. The web model produced them; the firmware core must reproduce them exactly.
//   node spec/make-vectors.mjs
import { writeFileSync } from 'node:fs';
import { CONSTANTS, createCluster } from '../web/model.js';

const p = (gauges, extra = {}) => ({ gauges: { fuel: 0, tach: 0, temp: 0, boost: 0, ...gauges }, last_model: 'opus', hot: false, warn: false, stall: false, idle: false, ...extra });
const every = (from, to, step) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const cases = [
  { name: 'rest to full scale: start-stop speed, acceleration, top speed, braking to an exact stop', feeds: [[0, p({ fuel: 1000, tach: 1000, temp: 1000, boost: 1000 })]], samples: every(0, 900, 25) },
  { name: 'four needles, four targets, each exact', feeds: [[0, p({ fuel: 420, tach: 77, temp: 999, boost: 1 })]], samples: [0, 10, 50, 100, 200, 400, 700, 1000] },
  { name: 'deadband: a change of 1 step is ignored, 2 permille (8 steps) is not', feeds: [[0, p({ tach: 500 })], [1000, p({ tach: 501 })], [1500, p({ tach: 503 })]], samples: [999, 1001, 1200, 1499, 1501, 1600] },
  { name: 'reversal while moving: brake, turn, settle', feeds: [[0, p({ tach: 1000 })], [150, p({ tach: 0 })]], samples: every(140, 700, 20) },
  { name: 'braking starts when the remaining distance equals the stopping distance (<=, not <)', feeds: [[0, p({ tach: 107 })]], samples: every(100, 200, 1) },
  { name: 'out-of-range and garbage positions are clamped', feeds: [[0, p({ fuel: 5000, tach: -20, temp: 'x', boost: 1000.9 })]], samples: [1000] },
  { name: 'model colours follow the family; unknown is dark', feeds: [[0, p({}, { last_model: 'opus' })], [100, p({}, { last_model: 'sonnet' })], [200, p({}, { last_model: 'haiku' })], [300, p({}, { last_model: 'gpt' })]], samples: [50, 150, 250, 350] },
  { name: 'HOT flashes from the moment it lights; WARN is steady', feeds: [[0, p({ tach: 900 }, { hot: true, warn: true })], [1100, p({ tach: 300 })]], samples: [0, 100, 249, 250, 499, 500, 760, 1099, 1100] },
  { name: 'IDLE breathes on a 4 s cycle from its floor', feeds: [[0, p({}, { idle: true })]], samples: every(0, 4000, 500) },
  { name: 'STALL from the payload lights at once and puts IDLE out', feeds: [[0, p({}, { idle: true })], [1000, p({}, { stall: true, idle: false })]], samples: [999, 1000, 2000] },
  { name: 'no good data: STALL after 5 s, needles rest after 60 s, back when data returns', feeds: [[0, p({ fuel: 600, tach: 600 }, { idle: true })], [1000, null], [5000, null], [5001, null], [30000, null], [60001, null], [61000, p({ fuel: 600, tach: 600 })]], samples: [4999, 5000, 5002, 59000, 60001, 60300, 61000, 61500] },
  { name: 'a line older than the STALL limit (age_ms > 5 s: the daemon\'s figures are stuck) lights STALL and puts IDLE out; a fresh one clears it', feeds: [[0, p({ fuel: 600 }, { idle: true, warn: true, age_ms: 400 })], [1000, p({ fuel: 600 }, { idle: true, warn: true, age_ms: 5000 })], [2000, p({ fuel: 600 }, { idle: true, warn: true, age_ms: 5001 })], [3000, p({ fuel: 700 }, { idle: true, warn: true, age_ms: 60000 })], [4000, p({ fuel: 700 }, { idle: true, warn: true, age_ms: 0 })]], samples: [500, 1500, 2000, 2500, 3500, 4000, 4500] },
  { name: 'WARN flashes 500 ms on, 500 ms off while the window runs out, from the feed that lit it; repeated polls keep the phase', feeds: [[0, p({ fuel: 700 })], [300, p({ fuel: 700 }, { window_5h_runs_out: true })], [1300, p({ fuel: 710 }, { window_5h_runs_out: true })], [2300, p({ fuel: 720 }, { window_5h_runs_out: true })], [2600, p({ fuel: 720 })]], samples: [299, 300, 301, 550, 799, 800, 1050, 1299, 1300, 1301, 1799, 1800, 2299, 2300, 2599, 2600, 3000] },
  { name: 'WARN precedence: steady for warn alone, flashing when the window also runs out (flashing wins), steady again when only warn is left', feeds: [[0, p({}, { warn: true })], [1000, p({}, { warn: true, window_5h_runs_out: true })], [2700, p({}, { warn: true })], [3500, p({})]], samples: [500, 999, 1000, 1499, 1500, 1999, 2000, 2499, 2500, 2699, 2700, 3000, 3499, 3500] },
  { name: 'flashing WARN beside STALL and IDLE: IDLE breathes and STALL puts it out as before; an aged line (STALL) keeps it flashing; no data for 5 s puts WARN out and lights STALL; the flash restarts with data', feeds: [[0, p({}, { idle: true, window_5h_runs_out: true })], [1000, p({}, { idle: true, window_5h_runs_out: true })], [1750, p({}, { stall: true, window_5h_runs_out: true })], [2600, p({}, { idle: true, window_5h_runs_out: true, age_ms: 6000 })], [3000, null], [8001, null], [9000, p({}, { window_5h_runs_out: true })]], samples: [0, 499, 500, 1000, 1749, 1750, 2000, 2600, 3000, 3499, 3500, 7499, 7601, 8999, 9000, 9499, 9500] },
  { name: 'a known-lost link rests the needles and lights STALL at once', feeds: [[0, p({ fuel: 800, boost: 800 }, { hot: true })], [2000, null, 'lost'], [4000, p({ fuel: 200 })]], samples: [1999, 2000, 2001, 2400, 3999, 4000, 4500] },
];

const out = { version: 1, note: `Generated by spec/make-vectors.mjs from web/model.js. Times in ms; needles and targets in microsteps (0-${CONSTANTS.maxSteps}); idle is 0-255.`, constants: CONSTANTS, cases: [] };
for (const c of cases) {
  const cluster = createCluster();
  const events = [
    ...c.feeds.map(([t, payload, link]) => ({ t, feed: payload, ...(link ? { link } : {}) })),
    ...c.samples.map((t) => ({ t, expect: true })),
  ].sort((a, b) => a.t - b.t || (a.expect ? 1 : 0) - (b.expect ? 1 : 0));
  const steps = [];
  for (const e of events) {
    if (e.expect) {
      cluster.advance(e.t);
      const s = cluster.state();
      steps.push({ t: e.t, expect: { needles: s.needles, targets: s.targets, lamps: { model: s.lamps.model, rgb: s.lamps.rgb, hot: s.lamps.hot, warn: s.lamps.warn, stall: s.lamps.stall, idle: s.lamps.idle } } });
    } else {
      cluster.feed(e.t, e.feed, e.link ?? 'ok');
      steps.push({ t: e.t, feed: e.feed, ...(e.link ? { link: e.link } : {}) });
    }
  }
  out.cases.push({ name: c.name, steps });
}
writeFileSync(new URL('./cluster-vectors.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${out.cases.length} cases`);
