// The cluster's numbers, one for one with CONSTANTS in web/model.js (the behaviour spec).
// Plain C++17: no Arduino headers anywhere under core/.
#pragma once

#include <cstdint>

namespace cg {

constexpr int kGauges = 4;  // fuel, tach, temp, boost, left to right

// The X27.168, from spec/motor.json (test/motor-table.test.ts checks these literals against it).
constexpr int32_t kStepsPerDeg = 12;          // 1/3 degree full steps, 4 microsteps each
constexpr int32_t kTravelDeg = 315;           // stop to stop
constexpr int32_t kRatedMaxSpeedDegS = 600;   // datasheet
constexpr int32_t kRatedStartStopDegS = 200;  // datasheet: start or stop at once below this
constexpr int32_t kRatedAccelDegS2 = 3000;    // no datasheet figure: see spec/motor.json
constexpr int32_t kZeroOffsetDeg = 5;         // dial zero = zero stop + this (the homing back-off)
constexpr int32_t kFullScaleMarginDeg = 2;    // full scale stays this far short of the far stop
constexpr int32_t kHomeMarginDeg = 20;        // homing runs a full travel plus this
constexpr int32_t kStartSpeedDegS = 150;      // moves begin and end at this speed
constexpr int32_t kHomeSpeedDegS = 150;       // homing, evenly
// Top speed and acceleration as a share of the ratings; build with -DCG_DERATE_PERCENT=n to change.
#ifndef CG_DERATE_PERCENT
#define CG_DERATE_PERCENT 90
#endif
constexpr int32_t kDeratePercent = CG_DERATE_PERCENT;
static_assert(kDeratePercent > 0 && kDeratePercent <= 100, "never above the motor's ratings");

// Derived, in microsteps. The dial: 0 at the zero offset, full scale kSweepDeg further on.
constexpr int32_t kTravelSteps = kTravelDeg * kStepsPerDeg;  // 3780
constexpr int32_t kZeroOffsetSteps = kZeroOffsetDeg * kStepsPerDeg;
constexpr int32_t kSweepDeg = kTravelDeg - kZeroOffsetDeg - kFullScaleMarginDeg;  // 308
constexpr int32_t kMaxSteps = kSweepDeg * kStepsPerDeg;                            // 3696
static_assert(kFullScaleMarginDeg >= 2, "full scale at least 2 degrees short of the far stop");
static_assert(kZeroOffsetSteps + kMaxSteps + 2 * kStepsPerDeg <= kTravelSteps, "full scale clears the far stop");

// Motion limits, microsteps per second (and per second squared).
constexpr int32_t kRatedMaxSpeed = kRatedMaxSpeedDegS * kStepsPerDeg;    // 7200
constexpr int32_t kRatedStartStop = kRatedStartStopDegS * kStepsPerDeg;  // 2400
constexpr int32_t kRatedAccel = kRatedAccelDegS2 * kStepsPerDeg;         // 36000
constexpr int32_t kMaxSpeed = kRatedMaxSpeed * kDeratePercent / 100;     // 6480 at 90 %
// The engine adds accel/1000 per 1 ms tick, so the acceleration is rounded down to a multiple of 1000.
constexpr int32_t kAccel = kRatedAccel * kDeratePercent / 100 / 1000 * 1000;  // 32000 at 90 %
constexpr int32_t kStartSpeed = kStartSpeedDegS * kStepsPerDeg;               // 1800
constexpr int32_t kDeadbandSteps = 6;  // smaller target changes are ignored
static_assert(kStartSpeed * 100 <= kRatedStartStop * kDeratePercent, "moves start within the derated start-stop limit");
static_assert(kAccel > 0 && kStartSpeed < kMaxSpeed, "a trapezoid, not a triangle of nothing");

// Staleness and lamp timing, milliseconds.
constexpr int64_t kStaleStallMs = 5000;  // no good data this long: STALL
constexpr int64_t kStaleRestMs = 60000;  // no good data this long: needles rest
constexpr int64_t kHotFlashMs = 250;     // HOT on and off for this long each
constexpr int64_t kWarnFlashMs = 500;    // WARN on and off for this long each while the window runs out (1 Hz)
constexpr int64_t kIdleBreathMs = 4000;  // one IDLE breath
constexpr int32_t kIdleFloor = 20;       // IDLE's dimmest level, 0-255

static_assert(kAccel % 1000 == 0, "the engine adds accel/1000 per 1 ms tick, as model.js does");
static_assert(kIdleBreathMs % 2 == 0, "the breath is a symmetric triangle");

// Homing (not in model.js: the browser has no end stop). All four needles run toward the zero
// stop at an even kHomeSpeed for the full travel plus a margin, then back off kZeroOffsetSteps;
// that point is zero on the dial.
constexpr int32_t kHomeSpeed = kHomeSpeedDegS * kStepsPerDeg;  // 1800 microsteps/s
constexpr int32_t kHomeMarginSteps = kHomeMarginDeg * kStepsPerDeg;
constexpr int32_t kHomeBackoffSteps = kZeroOffsetSteps;
static_assert(kHomeSpeed * 100 <= kRatedStartStop * kDeratePercent, "home within the derated start-stop limit");

}  // namespace cg
