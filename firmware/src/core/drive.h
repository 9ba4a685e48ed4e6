// From the motion engine to STEP/DIR pulses, and homing at boot.
//
// Drive::isrTick() runs from a hardware timer every kSubtickUs (50 us). Every kSubticksPerMs-th
// call it advances the cluster (and homing) by 1 ms; on every call each motor's StepChannel
// moves its physical position at most one microstep toward the commanded one. A STEP pulse is
// high for one subtick and low for at least one, and DIR changes a full subtick before the
// next rising STEP edge: 50 us pulses and 50 us DIR setup against the X12.017's >= 5 us and ~1 us.
// Top rate: one microstep per two subticks = 10,000/s per motor, above the engine's 7,200/s.
#pragma once

#include <cstdint>

#include "cluster.h"
#include "io.h"

namespace cg {

constexpr uint32_t kSubtickUs = 50;
constexpr int kSubticksPerMs = 1000 / kSubtickUs;
static_assert(1000 % kSubtickUs == 0, "a whole number of subticks per millisecond");
static_assert(1000000 / (2 * kSubtickUs) > kMaxSpeed, "the pulse train keeps up with the engine's top speed");

// One motor's STEP/DIR generator. Follows a commanded position one microstep per two subticks.
class StepChannel {
 public:
  void update(int32_t commanded, StepDirOut& out, uint8_t motor);
  int32_t position() const { return pos_; }
  void setPosition(int32_t p) { pos_ = p; }
  bool idle(int32_t commanded) const { return pos_ == commanded && !stepHigh_; }

 private:
  int32_t pos_ = 0;
  bool stepHigh_ = false;
  bool dirKnown_ = false;  // DIR is driven once before the first step
  bool dirForward_ = true;
};

// The homing run: a commanded position that starts a full sweep plus margin above zero, runs
// down to zero (the needle meets the stop on the way) and back up the backoff, at kHomeSpeed.
class Homing {
 public:
  static constexpr int32_t kStart = kMaxSteps + kHomeMarginSteps;  // microsteps
  void start();
  void tick();  // 1 ms
  bool active() const { return phase_ != Phase::Idle; }
  bool trajectoryDone() const { return phase_ == Phase::Settle; }
  void finish() { phase_ = Phase::Idle; }
  int32_t commanded() const { return milli_ / 1000; }

 private:
  enum class Phase : uint8_t { Idle, Seek, Backoff, Settle };
  Phase phase_ = Phase::Idle;
  int32_t milli_ = 0;  // commanded position in milli-microsteps
};

class Drive {
 public:
  Drive(Cluster& cluster, StepDirOut& out) : cluster_(cluster), out_(out) {}
  // (Re)home all four needles; the cluster keeps running, the needles follow it afterwards.
  void startHoming();
  bool homing() const { return homing_.active(); }
  // Call every kSubtickUs microseconds.
  void isrTick();
  int32_t position(int motor) const { return ch_[motor].position(); }

 private:
  int32_t commanded(int motor) const;

  Cluster& cluster_;
  StepDirOut& out_;
  Homing homing_;
  StepChannel ch_[kGauges];
  int sub_ = 0;
};

}  // namespace cg
