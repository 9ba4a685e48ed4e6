// The cluster's numbers, one for one with CONSTANTS in web/model.js (the behaviour spec).
// Plain C++17: no Arduino headers anywhere under core/.
#pragma once

#include <cstdint>

namespace cg {

constexpr int kGauges = 4;  // fuel, tach, temp, boost, left to right

// X27.168: 315 degree sweep, 12 microsteps per degree through the quad driver.
constexpr int32_t kSweepDeg = 315;
constexpr int32_t kStepsPerDeg = 12;
constexpr int32_t kMaxSteps = 3780;
static_assert(kMaxSteps == kSweepDeg * kStepsPerDeg, "3780 microsteps = 315 degrees x 12");

// Motion limits, microsteps per second (and per second squared).
constexpr int32_t kMaxSpeed = 7200;    // 600 deg/s, the motor's rating
constexpr int32_t kStartSpeed = 1800;  // 150 deg/s, below the ~200 deg/s start-stop limit
constexpr int32_t kAccel = 36000;      // 3000 deg/s^2
constexpr int32_t kDeadbandSteps = 6;  // smaller target changes are ignored

// Staleness and lamp timing, milliseconds.
constexpr int64_t kStaleStallMs = 5000;  // no good data this long: STALL
constexpr int64_t kStaleRestMs = 60000;  // no good data this long: needles rest
constexpr int64_t kHotFlashMs = 250;     // HOT on and off for this long each
constexpr int64_t kIdleBreathMs = 4000;  // one IDLE breath
constexpr int32_t kIdleFloor = 20;       // IDLE's dimmest level, 0-255

static_assert(kAccel % 1000 == 0, "the engine adds accel/1000 per 1 ms tick, as model.js does");
static_assert(kIdleBreathMs % 2 == 0, "the breath is a symmetric triangle");

// Homing (not in model.js: the browser has no end stop). All four needles run toward the zero
// stop at the start-stop speed for the full sweep plus a margin, then back off 5 degrees; that
// point is zero on the dial.
constexpr int32_t kHomeSpeed = 1800;                    // microsteps/s = 150 deg/s
constexpr int32_t kHomeMarginSteps = 20 * kStepsPerDeg;  // 20 degrees past the full sweep
constexpr int32_t kHomeBackoffSteps = 5 * kStepsPerDeg;  // 5 degrees off the stop
static_assert(kHomeSpeed <= 150 * kStepsPerDeg, "home at <= 150 deg/s");

}  // namespace cg
