// The cluster model: what the needles and lamps do, given /usage payloads over time.
// One definition for the virtual cluster (this file, in the browser) and the ESP32 firmware
// (a C++ port), held together by the shared test vectors in spec/cluster-vectors.json.
// Integer arithmetic on a 1 ms tick, so both ports agree to the microstep.

export const CONSTANTS = Object.freeze({
  /**
   * The dial and its motion, derived from spec/motor.json (test/motor-table.test.ts holds them to it):
   * the X27.168 travels 315 degrees stop to stop at 12 microsteps per degree; dial zero sits 5 degrees
   * off the zero stop and full scale 2 degrees short of the far stop, so the dial sweeps 308 degrees.
   */
  sweepDeg: 308,
  stepsPerDeg: 12,
  maxSteps: 3696,
  /** Motion limits in microsteps per second (and per second squared): 90 % of the motor's ratings. */
  maxSpeed: 6480, // 540 deg/s: 90 % of the rated 600 deg/s
  startSpeed: 1800, // 150 deg/s: below the ~200 deg/s start-stop limit, so a move may begin and end at it
  accel: 32000, // 2667 deg/s^2: 90 % of 3000 deg/s^2, rounded down to whole microsteps/s per 1 ms tick
  /** Target changes smaller than this are ignored (no hunting on noise); rest and full scale always apply. */
  deadbandSteps: 6,
  /** No good data for this long: STALL lamp. */
  staleStallMs: 5000,
  /** No good data for this long: needles rest. */
  staleRestMs: 60000,
  /** HOT flashes: on and off for this long each. */
  hotFlashMs: 250,
  /**
   * WARN flashes while the 5-hour window is projected to run out before it resets (the payload's
   * window_5h_runs_out): on and off for this long each, 1 Hz, half HOT's rate so the two read apart.
   */
  warnFlashMs: 500,
  /** IDLE breathes: one full cycle, and its dimmest level (0-255). */
  idleBreathMs: 4000,
  idleFloor: 20,
});

export const MODEL_COLORS = Object.freeze({
  opus: [255, 0, 0],
  sonnet: [255, 120, 0],
  haiku: [0, 255, 0],
  other: [0, 0, 0],
});

const GAUGES = ['fuel', 'tach', 'temp', 'boost'];

/** 0-1000 -> microsteps, rounded half up, clamped. */
export function permilleToSteps(p, c = CONSTANTS) {
  const v = Math.max(0, Math.min(1000, Math.trunc(Number(p) || 0)));
  return Math.trunc((v * c.maxSteps + 500) / 1000);
}

function newNeedle() {
  return { target: 0, pos: 0 /* milli-microsteps */, vel: 0 /* microsteps/s, signed */ };
}

/** One 1 ms step of the motion engine: trapezoidal, integer, never past the target. */
export function stepNeedle(n, c = CONSTANTS) {
  const goal = n.target * 1000;
  const dist = goal - n.pos;
  if (dist === 0) {
    n.vel = 0;
    return;
  }
  const dir = dist > 0 ? 1 : -1;
  const dv = c.accel / 1000;
  let speed = n.vel * dir; // along the way to the goal; negative while still moving away
  if (speed < 0) {
    speed += dv; // moving away: brake first
    if (speed > -c.startSpeed) speed = c.startSpeed; // slow enough to reverse at once
  } else if (speed < c.startSpeed) {
    speed = c.startSpeed;
  } else {
    // Distance needed to brake to the start-stop speed, in milli-microsteps.
    const stop = Math.trunc(((speed * speed - c.startSpeed * c.startSpeed) * 1000) / (2 * c.accel));
    speed = Math.abs(dist) <= stop ? Math.max(c.startSpeed, speed - dv) : Math.min(c.maxSpeed, speed + dv);
  }
  if (speed < 0) {
    // Still coasting away while braking; the end stops bound the travel.
    n.pos = Math.max(0, Math.min(c.maxSteps * 1000, n.pos + dir * speed));
    n.vel = n.pos === 0 || n.pos === c.maxSteps * 1000 ? 0 : speed * dir;
    return;
  }
  const move = Math.min(speed, Math.abs(dist));
  n.pos += dir * move;
  n.vel = n.pos === goal ? 0 : speed * dir;
}

export function createCluster(c = CONSTANTS) {
  const needles = GAUGES.map(newNeedle);
  let now = 0;
  let last = null; // the last good payload
  let lastGoodAt = -Infinity;
  let lost = false;
  let hotSince = null;
  let warnFlashSince = null;
  let idleSince = null;

  const stale = () => lost || now - lastGoodAt > c.staleStallMs;
  const resting = () => lost || now - lastGoodAt > c.staleRestMs || !last;

  function retarget() {
    needles.forEach((n, i) => {
      const want = resting() ? 0 : permilleToSteps(last.gauges?.[GAUGES[i]], c);
      const edge = want === 0 || want === c.maxSteps;
      if (edge || Math.abs(want - n.target) > c.deadbandSteps) n.target = want;
    });
  }

  function lampPhases() {
    const on = !resting();
    const hot = on && !stale() && !!last?.hot;
    const warnFlash = on && !stale() && !!last?.window_5h_runs_out;
    const idle = on && !stale() && !!last?.idle && !last?.stall;
    if (hot && hotSince === null) hotSince = now;
    if (!hot) hotSince = null;
    if (warnFlash && warnFlashSince === null) warnFlashSince = now;
    if (!warnFlash) warnFlashSince = null;
    if (idle && idleSince === null) idleSince = now;
    if (!idle) idleSince = null;
  }

  return {
    /** A poll result at time t: a payload, or null for a failed poll. `link: 'lost'` = known down. */
    feed(t, payload, link = 'ok') {
      this.advance(t);
      if (link === 'lost') lost = true;
      else if (payload) {
        lost = false;
        last = agedPayload(payload, c);
        lastGoodAt = t;
      }
      retarget();
      lampPhases();
    },
    /** Runs the motion engine and the lamp clocks up to time t (ms). */
    advance(t) {
      while (now < t) {
        now++;
        for (const n of needles) stepNeedle(n, c);
        if (resting() && needles.some((n) => n.target !== 0)) retarget();
      }
      lampPhases();
    },
    state() {
      const on = !resting();
      const fresh = on && !stale();
      const model = on ? modelName(last?.last_model) : 'off';
      const color = MODEL_COLORS[model] ?? MODEL_COLORS.other;
      const hot = hotSince !== null && Math.trunc((now - hotSince) / c.hotFlashMs) % 2 === 0;
      // WARN: flashing while the window is projected to run out, whether or not the daemon's warn
      // is also set (a flashing lamp is the more urgent of the two, and it is still lit half the
      // time); steady for warn alone.
      const warn = warnFlashSince !== null ? Math.trunc((now - warnFlashSince) / c.warnFlashMs) % 2 === 0 : fresh && !!last?.warn;
      let idle = 0;
      if (idleSince !== null) {
        const phase = (now - idleSince) % c.idleBreathMs;
        const half = c.idleBreathMs / 2;
        const tri = phase < half ? phase : c.idleBreathMs - phase;
        idle = c.idleFloor + Math.trunc((tri * (255 - c.idleFloor)) / half);
      }
      return {
        t: now,
        needles: needles.map((n) => Math.trunc(n.pos / 1000)),
        targets: needles.map((n) => n.target),
        lamps: {
          model,
          rgb: color,
          hot,
          warn,
          stall: stale() || !!last?.stall,
          idle,
        },
        stale: stale(),
        lost,
      };
    },
  };
}

/**
 * A payload as the lamps must show it. `age_ms` (the device line's age: how long the daemon's
 * figures have not been recomputed) above the STALL limit means they are stuck however promptly
 * they arrive: STALL, as if the daemon had set it. The sequence number is no such signal: the
 * daemon advances it only when a figure changes.
 */
export function agedPayload(payload, c = CONSTANTS) {
  return Number(payload?.age_ms) > c.staleStallMs ? { ...payload, stall: true } : payload;
}

function modelName(m) {
  return m === 'opus' || m === 'sonnet' || m === 'haiku' ? m : 'off';
}

/** Needle angle in degrees on the dial (0 at the rest stop). */
export function stepsToDegrees(steps, c = CONSTANTS) {
  return steps / c.stepsPerDeg;
}
