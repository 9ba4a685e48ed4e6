// From the motion engine to STEP/DIR pulses, and homing at boot.
//
// Per-step timing: each motor's StepChannel runs its own trapezoid, one microstep at a time, to
// the target the cluster model gives its needle. After every step it works out the next interval
// from its speed: v^2 grows (or shrinks) by 2 x kAccel per microstep, up to kMaxSpeed; it brakes
// in time to reach the target at kStartSpeed, and also in time never to leave the dial's range
// (a target moved in under its braking distance is run past and come back to, not stopped on
// dead). Moves start, stop and reverse at kStartSpeed, below the motor's start-stop limit. So the
// steps are evenly spaced along the velocity profile and never bunched to catch up.
//
// Drive::isrTick() runs everything due now and returns how many microseconds until it next has
// something to do: the firmware reloads its hardware timer with that (hw.cpp), the host tests
// add it to their clock. Once per millisecond it also runs the cluster model and homing. A STEP
// pulse is kPulseUs high; DIR changes at least kDirSetupUs before the next rising STEP edge
// (X12.017: >= 5 us pulse, ~1 us DIR setup).
#pragma once

#include <cstdint>

#include "cluster.h"
#include "io.h"

namespace cg {

constexpr uint32_t kPulseUs = 10;
constexpr uint32_t kDirSetupUs = 10;
constexpr uint32_t kMinWakeUs = 5;  // the shortest timer reload; hw.cpp guards against overrunning it
constexpr int64_t kMsUs = 1000;
// No two steps ever closer than this: the rated minimum (138.9 us at 600 deg/s) plus the timer's
// reload floor. The profile itself tops out at kMaxSpeed (154 us).
constexpr uint32_t kMinStepIntervalUs = (1000000 + kRatedMaxSpeed - 1) / kRatedMaxSpeed + kMinWakeUs;  // 144 us
static_assert(int64_t{kMinStepIntervalUs - kMinWakeUs} * kRatedMaxSpeed >= 1000000, "never faster than the motor's rating");
static_assert(int64_t{kMinStepIntervalUs} * kMaxSpeed <= 1000000, "the floor never slows the profile's top speed");
static_assert(kMinStepIntervalUs > kPulseUs + kDirSetupUs, "a pulse and a DIR setup fit between two steps");
// A reversal is a stop and a start: the first step back comes this long after the last one.
constexpr uint32_t kReverseUs = (1000000 + kStartSpeed - 1) / kStartSpeed;  // 556 us
constexpr int64_t kNever = INT64_MAX;

// One motor's STEP/DIR generator and its velocity profile.
class StepChannel {
 public:
  // Where to go (microsteps), the range it must stay inside, and the top speed (microsteps/s).
  void setTarget(int32_t target) { target_ = target; }
  void setLimits(int32_t lo, int32_t hi, int32_t maxSpeed);
  // Emits the edges due at `now` (us); returns the time of this channel's next edge, or kNever.
  int64_t service(int64_t now, StepDirOut& out, uint8_t motor);
  int32_t position() const { return pos_; }
  int32_t speed() const { return v_; }  // signed microsteps/s; 0 at rest
  void setPosition(int32_t p);  // and stand still there
  bool idle() const { return v_ == 0 && pos_ == target_ && !stepHigh_; }

 private:
  void planNext(int64_t now);

  int32_t pos_ = 0;
  int32_t target_ = 0;
  int32_t v_ = 0;  // speed for the coming interval, signed; 0 = at rest
  int32_t lo_ = 0, hi_ = kMaxSteps, vmax_ = kMaxSpeed;
  int64_t nextAt_ = kNever;
  int64_t lastRise_ = -1000000;
  int64_t fallAt_ = 0;
  bool stepHigh_ = false;
  bool dirKnown_ = false;  // DIR is driven once before the first step
  bool dirForward_ = true;
};

// Homing: all needles run at an even kHomeSpeed a full travel plus margin toward the zero stop
// (meeting it on the way), then back off kHomeBackoffSteps. That point is dial zero.
class Homing {
 public:
  static constexpr int32_t kStart = kTravelSteps + kHomeMarginSteps;  // microsteps
  enum class Phase : uint8_t { Idle, Seek, Backoff };
  Phase phase = Phase::Idle;
};

class Drive {
 public:
  Drive(Cluster& cluster, StepDirOut& out) : cluster_(cluster), out_(out) {}
  // (Re)home all four needles; the cluster keeps running, the needles follow it afterwards.
  void startHoming();
  bool homing() const { return homing_.phase != Homing::Phase::Idle; }
  // Runs what is due now; returns the microseconds until the next call.
  uint32_t isrTick();
  int32_t position(int motor) const { return ch_[motor].position(); }
  int64_t nowUs() const { return now_; }

 private:
  void millisecond();

  Cluster& cluster_;
  StepDirOut& out_;
  Homing homing_;
  StepChannel ch_[kGauges];
  int64_t now_ = 0;     // time of the current call, us
  int64_t nextMs_ = 0;  // when the next millisecond of motion starts
};

}  // namespace cg
