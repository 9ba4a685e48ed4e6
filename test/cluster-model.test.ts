// The cluster model (web/model.js) against the shared vectors, and against the motor's physics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const model = await import(new URL(`file://${path.join(ROOT, 'web', 'model.js')}`).href);
const vectors = JSON.parse(readFileSync(path.join(ROOT, 'spec', 'cluster-vectors.json'), 'utf8'));

test('the vectors were made with the constants the model uses', () => {
  assert.deepEqual(vectors.constants, { ...model.CONSTANTS });
});

for (const c of vectors.cases) {
  test(`vector: ${c.name}`, () => {
    const cluster = model.createCluster();
    for (const step of c.steps) {
      if ('expect' in step) {
        cluster.advance(step.t);
        const s = cluster.state();
        const got = { needles: s.needles, targets: s.targets, lamps: { model: s.lamps.model, rgb: s.lamps.rgb, hot: s.lamps.hot, warn: s.lamps.warn, stall: s.lamps.stall, idle: s.lamps.idle } };
        assert.deepEqual(got, step.expect, `at t=${step.t}`);
      } else cluster.feed(step.t, step.feed, step.link ?? 'ok');
    }
  });
}

test('physics: speed never above 600 deg/s, acceleration within the limit above start-stop speed, exact stop', () => {
  const C = model.CONSTANTS;
  // Random target sequences, checked millisecond by millisecond.
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 20; trial++) {
    const n = { target: 0, pos: 0, vel: 0 };
    let prevVel = 0;
    for (let t = 0; t < 3000; t++) {
      if (t % 400 === 0) n.target = Math.floor(rand() * (C.maxSteps + 1));
      const before = n.pos;
      model.stepNeedle(n, C);
      const moved = Math.abs(n.pos - before); // milli-microsteps in 1 ms = microsteps/s
      assert.ok(moved <= C.maxSpeed, `speed ${moved} at t=${t}`);
      assert.ok(n.pos >= 0 && n.pos <= C.maxSteps * 1000, 'inside the end stops');
      const dv = Math.abs(Math.abs(n.vel) - Math.abs(prevVel));
      if (Math.abs(n.vel) > C.startSpeed && Math.abs(prevVel) > C.startSpeed) assert.ok(dv <= C.accel / 1000, `acceleration ${dv} at t=${t}`);
      prevVel = n.vel;
    }
    for (let t = 0; t < 2000; t++) model.stepNeedle(n, C);
    assert.equal(n.pos, n.target * 1000, 'settles exactly on target');
    assert.equal(n.vel, 0);
  }
});

test('a full sweep takes about what the real motor needs (0.6-0.8 s), not a jump', () => {
  const cluster = model.createCluster();
  cluster.feed(0, { gauges: { fuel: 1000, tach: 0, temp: 0, boost: 0 }, last_model: 'opus' });
  cluster.advance(100);
  assert.ok(cluster.state().needles[0] < 1000);
  let t = 100;
  while (cluster.state().needles[0] < model.CONSTANTS.maxSteps) cluster.advance(++t);
  assert.ok(t >= 600 && t <= 800, `full sweep in ${t} ms`);
});

test('permille maps to microsteps with rounding and clamping', () => {
  assert.equal(model.permilleToSteps(0), 0);
  assert.equal(model.permilleToSteps(1000), 3696);
  assert.equal(model.permilleToSteps(500), 1848);
  assert.equal(model.permilleToSteps(1), 4); // 3.696 rounds to 4
  assert.equal(model.permilleToSteps(-5), 0);
  assert.equal(model.permilleToSteps(1e9), 3696);
  assert.equal(model.permilleToSteps('junk'), 0);
});
