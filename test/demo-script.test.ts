// The demo's script, played in virtual time through the real line reader, admission and Engine
// (demo-virtual.ts): what the cluster shows each second, judged against issue #15.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { cycleHelp, timeline, clockText } from '../src/demo/script.js';
import { playDemo, SCRIPT, type Played, type Sample } from './demo-virtual.js';

const { starts, cycleSeconds } = timeline();
const CYCLES = 3;
/** A lamp must stay lit this long to be read. */
const READABLE_S = 3;
/** The most the tach may sit past full scale in one cycle. */
const MAX_OVER_S = 5;

type Lamp = 'model' | 'hot' | 'warn' | 'stall' | 'idle';
const LAMPS: Lamp[] = ['model', 'hot', 'warn', 'stall', 'idle'];
const lit = (s: Sample, l: Lamp) => (l === 'model' ? s.snapshot.last_model !== 'other' : s.snapshot[l]);

/** Runs of consecutive seconds for which `on` holds: [first second, length, act at the start]. */
function runs(samples: Sample[], on: (s: Sample) => boolean): { from: number; seconds: number; act: string }[] {
  const out: { from: number; seconds: number; act: string }[] = [];
  for (const s of samples) {
    const last = out[out.length - 1];
    if (!on(s)) continue;
    if (last && last.from + last.seconds === s.t) last.seconds++;
    else out.push({ from: s.t, seconds: 1, act: s.act });
  }
  return out;
}

let played: Played;
/** The default seed (what `demo` plays), and others: the script must not depend on one conversation. */
const seeds = [42, 7, 1234, 99];
const extra: Played[] = [];

before(async () => {
  played = await playDemo({ seconds: CYCLES * cycleSeconds });
  for (const seed of seeds.slice(1)) extra.push(await playDemo({ seconds: CYCLES * cycleSeconds, seed }));
  for (const l of LAMPS) {
    const r = runs(played.samples, (s) => lit(s, l)).filter((x) => x.from <= cycleSeconds);
    console.log(`# ${l}: ${r.map((x) => `${x.from}s+${x.seconds}s (${x.act})`).join(', ')}`);
  }
  const over = runs(played.samples, (s) => s.tach > 1);
  console.log(`# tach past full scale: ${over.map((x) => `${x.from}s+${x.seconds}s (${x.act})`).join(', ') || 'never'}`);
});

test('every lamp lights for a readable spell within the first two minutes', () => {
  for (const p of [played, ...extra]) {
    const first = p.samples.filter((s) => s.t <= 120);
    for (const l of LAMPS) {
      const longest = Math.max(0, ...runs(first, (s) => lit(s, l)).map((r) => r.seconds));
      assert.ok(longest >= READABLE_S, `${l} lit for ${longest} s at most in the first 120 s (want ${READABLE_S})`);
    }
    // MODEL shows every colour within the first cycle.
    const families = new Set(p.samples.filter((s) => s.t <= cycleSeconds).map((s) => s.snapshot.last_model));
    for (const f of ['opus', 'sonnet', 'haiku']) assert.ok(families.has(f as never), `MODEL never showed ${f}`);
  }
});

test('the tach goes past full scale only in the redline act, for a few seconds at most per cycle', () => {
  for (const p of [played, ...extra]) {
    for (const r of runs(p.samples, (s) => s.tach > 1)) {
      assert.equal(r.act, 'redline', `past full scale at ${r.from} s in "${r.act}"`);
      assert.ok(r.seconds <= MAX_OVER_S, `past full scale for ${r.seconds} s from ${r.from} s`);
    }
    for (let c = 0; c < CYCLES; c++) {
      const over = p.samples.filter((s) => s.t > c * cycleSeconds && s.t <= (c + 1) * cycleSeconds && s.tach > 1).length;
      assert.ok(over <= MAX_OVER_S, `cycle ${c + 1}: ${over} s past full scale`);
    }
    // A work act keeps the tach in its upper half: above half scale for a good part of the cycle, and out of the red outside the redline.
    const upper = p.samples.filter((s) => s.tach >= 0.5).length / p.samples.length;
    assert.ok(upper >= 0.4, `the tach in its upper half only ${(upper * 100).toFixed(0)} % of the time`);
    // HOT is the redline's: it lights there, and goes out as that minute of tokens leaves the tach's window.
    for (const r of runs(p.samples, (s) => s.snapshot.hot)) {
      assert.equal(r.act, 'redline', `HOT lit at ${r.from} s in "${r.act}"`);
      assert.ok(r.seconds <= 60, `HOT lit ${r.seconds} s from ${r.from} s`);
    }
  }
});

test('IDLE and STALL show for a readable spell in their own acts only, every cycle', () => {
  for (const p of [played, ...extra]) {
    for (const [lamp, act] of [['idle', 'coffee break'], ['stall', 'the API stalls']] as const) {
      const r = runs(p.samples, (s) => s.snapshot[lamp]);
      for (const x of r) assert.equal(x.act, act, `${lamp} lit at ${x.from} s in "${x.act}"`);
      for (let c = 0; c < CYCLES; c++) {
        const inCycle = r.filter((x) => x.from > c * cycleSeconds && x.from <= (c + 1) * cycleSeconds);
        assert.ok(inCycle.some((x) => x.seconds >= 6), `cycle ${c + 1}: ${lamp} lit ${inCycle.map((x) => x.seconds).join('+') || 0} s`);
      }
    }
  }
});

test('WARN comes from the resumed session and goes out again in every cycle', () => {
  for (const p of [played, ...extra]) {
    for (let c = 0; c < CYCLES; c++) {
      const cycle = p.samples.filter((s) => s.t > c * cycleSeconds && s.t <= (c + 1) * cycleSeconds);
      const warn = cycle.filter((s) => s.snapshot.warn);
      assert.ok(warn.length >= READABLE_S, `cycle ${c + 1}: WARN lit ${warn.length} s`);
      assert.ok(warn.length <= cycleSeconds / 3, `cycle ${c + 1}: WARN lit ${warn.length} s of ${cycleSeconds}`);
      const startedIn = runs(cycle, (s) => s.snapshot.warn)[0]?.act;
      assert.equal(startedIn, 'old session resumed');
    }
    // The fuel gauge rises as a real session's would, and the boost needle moves.
    const fuel = p.samples.map((s) => s.snapshot.window_5h_pct);
    assert.ok(fuel[fuel.length - 1] > fuel[60] && fuel[fuel.length - 1] < 0.8, `fuel ${fuel[60]} -> ${fuel[fuel.length - 1]}`);
    const boost = p.samples.filter((s) => s.t > 30).map((s) => s.snapshot.cache_hit_rate);
    assert.ok(Math.max(...boost) - Math.min(...boost) > 0.1, 'the boost needle hardly moves');
  }
});

test('the acts start where the script (and so --help) says, and the cycle repeats', () => {
  const expected = Array.from({ length: CYCLES }, (_, c) => SCRIPT.map((a, i) => ({ act: a.name, t: c * cycleSeconds + starts[i] }))).flat();
  assert.deepEqual(played.actStarts, expected);
  const help = cycleHelp().join('\n');
  assert.ok(help.includes(`a ${clockText(cycleSeconds)} cycle`), help);
  SCRIPT.forEach((a, i) => assert.match(help, new RegExp(`${clockText(starts[i])} ${a.name}`)));
  for (const line of cycleHelp()) assert.ok(line.length <= 80, `help line over 80 columns: ${line}`);
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(`a ${clockText(cycleSeconds)} cycle`), 'the README names the cycle length --help prints');
  assert.ok(played.lines > 100 && played.skipped >= 0);
});
