#include "drive.h"

namespace cg {
namespace {

int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

// floor(sqrt(v)): no floating point in the interrupt (the ESP32 does not save FPU state there).
int32_t isqrt(int64_t v) {
  if (v <= 0) return 0;
  uint64_t x = static_cast<uint64_t>(v), r = 0, bit = uint64_t{1} << 62;
  while (bit > x) bit >>= 2;
  while (bit != 0) {
    if (x >= r + bit) {
      x -= r + bit;
      r = (r >> 1) + bit;
    } else {
      r >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<int32_t>(r);
}

}  // namespace

void StepChannel::setLimits(int32_t lo, int32_t hi, int32_t maxSpeed) {
  lo_ = lo;
  hi_ = hi;
  vmax_ = maxSpeed;
}

void StepChannel::setPosition(int32_t p) {
  pos_ = p;
  target_ = p;
  v_ = 0;
  nextAt_ = kNever;
}

// Steps needed to slow from speed s to the start speed, v^2 falling by 2 x kAccel per step.
static int64_t brakeSteps(int64_t s) {
  const int64_t excess = s * s - int64_t{kStartSpeed} * kStartSpeed;
  return excess <= 0 ? 0 : (excess + 2 * int64_t{kAccel} - 1) / (2 * int64_t{kAccel});
}

void StepChannel::planNext(int64_t now) {
  const int32_t dir = v_ > 0 ? 1 : -1;
  int64_t s = v_ * dir;
  const int64_t ahead = int64_t{target_ - pos_} * dir;  // > 0: the target lies ahead
  const int64_t room = dir > 0 ? hi_ - pos_ : pos_ - lo_;  // steps left inside the range
  const int64_t ss = kStartSpeed;
  if (ahead <= 0 && s <= ss) {
    if (ahead == 0) {  // there, slow enough to stop dead
      v_ = 0;
      nextAt_ = kNever;
      return;
    }
    v_ = -dir * kStartSpeed;  // past it: stop, and start back
    nextAt_ = now + kReverseUs;
    return;
  }
  if (room <= 0) {  // cannot happen while braking keeps to the range; stop rather than leave it
    v_ = 0;
    nextAt_ = kNever;
    return;
  }
  // After the coming step, `left` steps remain: speed up only if it can still brake in them.
  const int64_t left = (ahead > 0 ? (ahead < room ? ahead : room) : room) - 1;
  const int64_t faster = min64(vmax_, isqrt(s * s + 2 * int64_t{kAccel}));
  if (ahead > 0 && brakeSteps(faster) <= left) {
    s = faster;
  } else if (ahead > 0 && brakeSteps(s) <= left && s <= vmax_) {
    // hold the speed
  } else {
    s = max64(ss, isqrt(s * s - 2 * int64_t{kAccel}));
  }
  v_ = static_cast<int32_t>(s * dir);
  nextAt_ = now + max64(kMinStepIntervalUs, (1000000 + s / 2) / s);
}

int64_t StepChannel::service(int64_t now, StepDirOut& out, uint8_t motor) {
  if (stepHigh_ && now >= fallAt_) {
    out.step(motor, false);
    stepHigh_ = false;
  }
  if (stepHigh_) return fallAt_;
  if (v_ == 0) {
    if (target_ == pos_) return kNever;
    // Start from rest at the start speed; a stop and a start count as a reversal's pause.
    v_ = target_ > pos_ ? kStartSpeed : -kStartSpeed;
    nextAt_ = max64(now, lastRise_ + kReverseUs);
  }
  const bool forward = v_ > 0;
  if (!dirKnown_ || dirForward_ != forward) {
    out.dir(motor, forward);
    dirKnown_ = true;
    dirForward_ = forward;
    nextAt_ = max64(nextAt_, now + kDirSetupUs);
  }
  if (now < nextAt_) return nextAt_;
  out.step(motor, true);
  stepHigh_ = true;
  fallAt_ = now + kPulseUs;
  lastRise_ = now;
  pos_ += forward ? 1 : -1;
  planNext(now);
  return fallAt_;
}

void Drive::startHoming() {
  homing_.phase = Homing::Phase::Seek;
  // Wherever the needles are, count them as a full travel plus margin up: running that far down
  // surely meets the stop. Even speed: top speed capped at the homing speed.
  for (StepChannel& c : ch_) {
    c.setPosition(Homing::kStart);
    c.setLimits(0, Homing::kStart, kHomeSpeed);
    c.setTarget(0);
  }
}

void Drive::millisecond() {
  cluster_.tick();
  bool settled = true;
  for (const StepChannel& c : ch_) settled = settled && c.idle();
  if (homing_.phase == Homing::Phase::Seek && settled) {
    homing_.phase = Homing::Phase::Backoff;
    for (StepChannel& c : ch_) c.setTarget(kHomeBackoffSteps);
  } else if (homing_.phase == Homing::Phase::Backoff && settled) {
    // kZeroOffsetSteps off the stop: this is zero. The engine's needles start from here.
    homing_.phase = Homing::Phase::Idle;
    for (StepChannel& c : ch_) {
      c.setPosition(0);
      c.setLimits(0, kMaxSteps, kMaxSpeed);
    }
    cluster_.resetNeedles();
  }
  if (homing_.phase == Homing::Phase::Idle)
    for (int m = 0; m < kGauges; ++m) ch_[m].setTarget(cluster_.needle(m).target);
}

uint32_t Drive::isrTick() {
  if (now_ >= nextMs_) {
    millisecond();
    nextMs_ += kMsUs;
  }
  int64_t next = nextMs_;
  for (int m = 0; m < kGauges; ++m) next = min64(next, ch_[m].service(now_, out_, static_cast<uint8_t>(m)));
  const int64_t wait = max64(next - now_, kMinWakeUs);
  now_ += wait;
  return static_cast<uint32_t>(wait);
}

}  // namespace cg
