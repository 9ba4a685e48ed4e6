// One table of motor constants (spec/motor.json) for the firmware, the virtual cluster and the dial
// faces: each copy is derived here from the table and compared, so none can drift.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MOTOR_GEOMETRY, SWEEP_DEG } from '../src/faces/geometry.js';
import { ROOT } from './helpers/cli.js';

const table = JSON.parse(readFileSync(path.join(ROOT, 'spec', 'motor.json'), 'utf8'));
const { motor, geometry, motion } = table;
const model = (await import(new URL(`file://${path.join(ROOT, 'web', 'model.js')}`).href)).CONSTANTS;
const header = readFileSync(path.join(ROOT, 'firmware', 'src', 'core', 'constants.h'), 'utf8');

/** The literal value of `constexpr int32_t <name> = <n>;` in constants.h. */
function literal(name: string): number {
  const m = new RegExp(`constexpr int32_t ${name} = (\\d+);`).exec(header);
  assert.ok(m, `${name} is a literal in constants.h`);
  return Number(m[1]);
}

const sweepDeg = motor.travelDeg - geometry.zeroOffsetDeg - geometry.fullScaleMarginDeg;
const derated = (rated: number) => Math.floor((rated * motion.deratePercent) / 100);

test('the table keeps the needle off both stops and the motion within the ratings', () => {
  assert.ok(geometry.zeroOffsetDeg > 0, 'zero is off the zero stop');
  assert.ok(geometry.fullScaleMarginDeg >= 2, 'full scale at least 2 degrees short of the far stop');
  assert.ok(motion.deratePercent > 0 && motion.deratePercent <= 90, 'at most 90 % of the ratings by default');
  assert.ok(motion.startSpeedDegS <= derated(motor.ratedStartStopDegS));
  assert.ok(motion.homeSpeedDegS <= derated(motor.ratedStartStopDegS));
});

test('the firmware header carries the table', () => {
  assert.equal(literal('kStepsPerDeg'), motor.stepsPerDeg);
  assert.equal(literal('kTravelDeg'), motor.travelDeg);
  assert.equal(literal('kRatedMaxSpeedDegS'), motor.ratedMaxSpeedDegS);
  assert.equal(literal('kRatedStartStopDegS'), motor.ratedStartStopDegS);
  assert.equal(literal('kRatedAccelDegS2'), motor.ratedAccelDegS2);
  assert.equal(literal('kZeroOffsetDeg'), geometry.zeroOffsetDeg);
  assert.equal(literal('kFullScaleMarginDeg'), geometry.fullScaleMarginDeg);
  assert.equal(literal('kHomeMarginDeg'), geometry.homeMarginDeg);
  assert.equal(literal('kStartSpeedDegS'), motion.startSpeedDegS);
  assert.equal(literal('kHomeSpeedDegS'), motion.homeSpeedDegS);
  assert.match(header, new RegExp(`#define CG_DERATE_PERCENT ${motion.deratePercent}\\n`));
});

test("the virtual cluster's motion and the dial faces follow the table", () => {
  assert.equal(model.stepsPerDeg, motor.stepsPerDeg);
  assert.equal(model.sweepDeg, sweepDeg);
  assert.equal(model.maxSteps, sweepDeg * motor.stepsPerDeg);
  assert.equal(model.maxSpeed, derated(motor.ratedMaxSpeedDegS * motor.stepsPerDeg));
  assert.equal(model.accel, Math.floor(derated(motor.ratedAccelDegS2 * motor.stepsPerDeg) / 1000) * 1000);
  assert.equal(model.startSpeed, motion.startSpeedDegS * motor.stepsPerDeg);
  assert.deepEqual({ ...MOTOR_GEOMETRY }, { travelDeg: motor.travelDeg, zeroOffsetDeg: geometry.zeroOffsetDeg, fullScaleMarginDeg: geometry.fullScaleMarginDeg });
  assert.equal(SWEEP_DEG, sweepDeg);
});
