// A physical X27.168 needle for the host tests, fed by the STEP/DIR outputs: hard stops at 0 and
// at the far stop (kTravelSteps), and a rotor that cannot follow a field that moves too fast or
// changes speed too quickly. Positions are microsteps from the zero stop; times microseconds.
//
// The rules, from the ratings in spec/motor.json (not the derated figures the drive uses):
// - two steps closer than 1e6 / kRatedMaxSpeed us: the second is lost;
// - the rotor's speed changes at most kRatedAccel x dt per step, and the field may run at most
//   the start-stop rate (kRatedStartStop) ahead of or behind it; beyond that the step is lost and
//   the rotor stalls;
// - a reversal is a stop and a start: both sides at most the start-stop rate;
// - a step into a stop does not move the needle (blocked, not lost: homing relies on it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/constants.h"
#include "core/io.h"

namespace sim {

class PhysicalNeedle {
 public:
  explicit PhysicalNeedle(int32_t at = 0) : pos_(at) {}

  // Where the needle happens to be at power-up.
  void place(int32_t at) {
    pos_ = at;
    highest_ = at;
  }
  void dir(bool forward) { forward_ = forward; }
  void rise(int64_t now) {
    const int dir = forward_ ? 1 : -1;
    const int64_t dt = now - lastRise_;
    const bool first = lastRise_ == kLongAgo;
    lastRise_ = now;
    if (!first) intervals_.push_back(dt);
    // The field's speed over the last interval, microsteps/s (signed); from rest, none.
    const double v = first ? 0.0 : dir * 1e6 / static_cast<double>(dt);
    bool slip = false;
    if (ideal) {
      // no rotor: only the stops
    } else if (!first && dir == lastDir_ && dt * static_cast<int64_t>(cg::kRatedMaxSpeed) < 1000000) slip = true;
    if (!slip && !ideal) {
      const double reach = cg::kRatedAccel * static_cast<double>(dt) / 1e6;
      if (w_ != 0.0 && (v > 0) != (w_ > 0)) {
        slip = std::abs(w_) > cg::kRatedStartStop || std::abs(v) > cg::kRatedStartStop;  // reversal
        w_ = v;
      } else {
        const double rotor = std::clamp(v, w_ - reach, w_ + reach);
        slip = std::abs(v - rotor) > cg::kRatedStartStop;
        w_ = rotor;
      }
    }
    lastDir_ = dir;
    if (slip) {
      ++lost_;
      lossDt_ = dt;
      lossAt_ = intervals_.size();
      lossV_ = v;
      lossW_ = w_;
      w_ = 0;
      return;
    }
    const int32_t next = pos_ + dir;
    if (next < 0 || next > cg::kTravelSteps) {
      ++blocked_;
      w_ = 0;
      return;
    }
    pos_ = next;
    highest_ = std::max(highest_, pos_);
  }

  // A motor that follows any step train: only the stops limit it (to test the geometry alone).
  bool ideal = false;

  int32_t position() const { return pos_; }
  long lost() const { return lost_; }
  long blocked() const { return blocked_; }
  // The last lost step: its interval (us), the field's speed then and the rotor's (microsteps/s).
  int64_t lossInterval() const { return lossDt_; }
  size_t lossIndex() const { return lossAt_; }  // in intervals()
  double lossFieldSpeed() const { return lossV_; }
  double lossRotorSpeed() const { return lossW_; }
  int32_t highest() const { return highest_; }
  const std::vector<int64_t>& intervals() const { return intervals_; }
  void clearRecord() {
    lost_ = blocked_ = 0;
    highest_ = pos_;
    intervals_.clear();
  }

 private:
  static constexpr int64_t kLongAgo = INT64_MIN / 2;
  int32_t pos_;
  bool forward_ = true;
  int lastDir_ = 0;
  int64_t lastRise_ = kLongAgo;
  double w_ = 0;  // the rotor's speed, microsteps/s
  long lost_ = 0;
  long blocked_ = 0;
  int64_t lossDt_ = 0;
  size_t lossAt_ = 0;
  double lossV_ = 0, lossW_ = 0;
  int32_t highest_ = 0;
  std::vector<int64_t> intervals_;
};

// Four needles behind the StepDirOut interface, on a clock the bench advances.
struct Needles : cg::StepDirOut {
  PhysicalNeedle n[4];
  int64_t now = 0;
  void dir(uint8_t motor, bool forward) override { n[motor].dir(forward); }
  void step(uint8_t motor, bool high) override {
    if (high) n[motor].rise(now);
  }
};

}  // namespace sim
