#include "drive.h"

namespace cg {

void StepChannel::update(int32_t commanded, StepDirOut& out, uint8_t motor) {
  if (stepHigh_) {  // end the pulse started on the previous subtick
    out.step(motor, false);
    stepHigh_ = false;
    return;
  }
  if (commanded == pos_) return;
  const bool forward = commanded > pos_;
  if (!dirKnown_ || dirForward_ != forward) {
    // Set DIR now and step no earlier than the next subtick (setup time).
    out.dir(motor, forward);
    dirKnown_ = true;
    dirForward_ = forward;
    return;
  }
  out.step(motor, true);
  stepHigh_ = true;
  pos_ += forward ? 1 : -1;
}

void Homing::start() {
  phase_ = Phase::Seek;
  milli_ = kStart * 1000;
}

void Homing::tick() {
  switch (phase_) {
    case Phase::Seek:
      milli_ -= kHomeSpeed;  // microsteps/s = milli-microsteps/ms
      if (milli_ <= 0) {
        milli_ = 0;
        phase_ = Phase::Backoff;
      }
      break;
    case Phase::Backoff:
      milli_ += kHomeSpeed;
      if (milli_ >= kHomeBackoffSteps * 1000) {
        milli_ = kHomeBackoffSteps * 1000;
        phase_ = Phase::Settle;
      }
      break;
    case Phase::Idle:
    case Phase::Settle:
      break;
  }
}

void Drive::startHoming() {
  homing_.start();
  // Wherever the needles are, count them as a full sweep plus margin up: running that far down
  // surely meets the stop.
  for (StepChannel& c : ch_) c.setPosition(Homing::kStart);
}

int32_t Drive::commanded(int motor) const {
  return homing_.active() ? homing_.commanded() : cluster_.microsteps(motor);
}

void Drive::isrTick() {
  if (sub_ == 0) {
    cluster_.tick();
    if (homing_.active()) {
      homing_.tick();
      if (homing_.trajectoryDone()) {
        bool settled = true;
        for (int m = 0; m < kGauges; ++m) settled = settled && ch_[m].idle(homing_.commanded());
        if (settled) {
          // 5 degrees off the stop: this is zero. The engine's needles start from here.
          homing_.finish();
          for (StepChannel& c : ch_) c.setPosition(0);
          cluster_.resetNeedles();
        }
      }
    }
  }
  if (++sub_ == kSubticksPerMs) sub_ = 0;
  for (int m = 0; m < kGauges; ++m) ch_[m].update(commanded(m), out_, static_cast<uint8_t>(m));
}

}  // namespace cg
