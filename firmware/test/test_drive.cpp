// STEP/DIR generation and homing, against a mock driver that checks the X12.017's timing.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/drive.h"

namespace {

// Records every edge per motor (microseconds) and checks the timing rules as it goes.
struct MockDriver : cg::StepDirOut {
  struct Motor {
    bool step = false;
    bool dirSet = false;
    bool forward = true;
    int64_t lastDirChange = -100000;
    int64_t lastRise = -100000;
    int64_t lastFall = -100000;
    long position = 0;  // counted from rising edges and DIR
    long up = 0, down = 0;
    std::vector<int64_t> rises;
  };
  Motor m[4];
  int64_t now = 0;
  std::vector<std::string> errors;

  void dir(uint8_t motor, bool forward) override {
    Motor& x = m[motor];
    if (x.step) errors.push_back("DIR changed while STEP high");
    x.dirSet = true;
    x.forward = forward;
    x.lastDirChange = now;
  }
  void step(uint8_t motor, bool high) override {
    Motor& x = m[motor];
    if (high == x.step) errors.push_back("STEP written to the level it already had");
    if (high) {
      if (!x.dirSet) errors.push_back("step before DIR was ever set");
      if (now - x.lastDirChange < cg::kDirSetupUs) errors.push_back("DIR setup too short");
      if (now - x.lastRise < cg::kMinStepIntervalUs) errors.push_back("steps closer than the derated top speed");
      x.lastRise = now;
      x.rises.push_back(now);
      x.position += x.forward ? 1 : -1;
      (x.forward ? x.up : x.down) += 1;
    } else {
      if (now - x.lastRise < cg::kPulseUs) errors.push_back("STEP pulse too short");
      x.lastFall = now;
    }
    x.step = high;
  }
};

struct Rig {
  cg::Cluster cluster;
  MockDriver driver;
  cg::Drive drive{cluster, driver};
  int64_t until = 0;
  void ms(int n) {
    until += n * cg::kMsUs;
    while (driver.now < until) driver.now += drive.isrTick();
  }
};

// Runs one channel alone on a microsecond clock.
void runChannel(cg::StepChannel& ch, MockDriver& d, int64_t until) {
  while (d.now < until) {
    const int64_t next = ch.service(d.now, d, 0);
    d.now = next == cg::kNever ? until : std::max(next, d.now + 1);
  }
}

}  // namespace

TEST_CASE("a channel runs a trapezoid: start speed, kAccel, kMaxSpeed, braking to arrive at the start speed") {
  MockDriver d;
  cg::StepChannel ch;
  ch.setTarget(2000);
  runChannel(ch, d, 2000000);
  CHECK(ch.position() == 2000);
  CHECK(ch.idle());
  const std::vector<int64_t>& t = d.m[0].rises;
  REQUIRE(t.size() == 2000);
  const int64_t first = t[1] - t[0], last = t[1999] - t[1998];
  CHECK(first * cg::kRatedStartStop >= 1000000);  // it starts within the start-stop rate
  CHECK(last * cg::kRatedStartStop >= 1000000);     // and it stops within the start-stop rate
  int64_t shortest = first;
  for (size_t i = 2; i < t.size(); ++i) {
    const int64_t dt = t[i] - t[i - 1], prev = t[i - 1] - t[i - 2];
    shortest = std::min(shortest, dt);
    // Speed changes by at most kAccel x dt per step (v^2 moves by 2 kAccel per microstep).
    const double dv = 1e6 / static_cast<double>(dt) - 1e6 / static_cast<double>(prev);
    CHECK(std::abs(dv) <= cg::kAccel * static_cast<double>(dt) / 1e6 * 1.05 + 1e6 / static_cast<double>(dt * dt));
  }
  CHECK(shortest == (1000000 + cg::kMaxSpeed / 2) / cg::kMaxSpeed);  // cruising at kMaxSpeed
  CHECK(d.errors.empty());
}

TEST_CASE("a target moved in under the braking distance is run past and come back to, inside the range") {
  MockDriver d;
  cg::StepChannel ch;
  ch.setLimits(0, 3000, cg::kMaxSpeed);
  ch.setTarget(3000);
  runChannel(ch, d, 300000);  // 0.3 s: at top speed by now
  REQUIRE(ch.speed() == cg::kMaxSpeed);
  const int32_t at = ch.position();
  ch.setTarget(at + 20);
  int32_t highest = at;
  for (int i = 0; i < 2000; ++i) {
    runChannel(ch, d, d.now + 1000);
    highest = std::max(highest, ch.position());
  }
  CHECK(highest > at + 20);  // ran past
  CHECK(highest <= 3000);    // but never out of the range
  CHECK(ch.position() == at + 20);
  CHECK(ch.idle());
  CHECK(d.errors.empty());
}

TEST_CASE("braking keeps inside the range: a needle at top speed toward full scale stops there, at the start speed") {
  MockDriver d;
  cg::StepChannel ch;
  ch.setLimits(0, 1000, cg::kMaxSpeed);
  ch.setTarget(1000);
  runChannel(ch, d, 2000000);
  CHECK(ch.position() == 1000);
  const std::vector<int64_t>& t = d.m[0].rises;
  CHECK((t[t.size() - 1] - t[t.size() - 2]) * cg::kRatedStartStop >= 1000000);
}

TEST_CASE("homing at boot: full travel plus margin toward the stop, back off the zero offset, that is zero") {
  Rig r;
  r.drive.startHoming();
  CHECK(r.drive.homing());
  int ms = 0;
  while (r.drive.homing() && ms < 10000) {
    r.ms(1);
    ++ms;
  }
  CHECK_FALSE(r.drive.homing());
  // (3780 + 240) microsteps down and 60 up, at 1.8 microsteps/ms: ~2.27 s.
  CHECK(ms >= (cg::Homing::kStart + cg::kHomeBackoffSteps) * 1000 / cg::kHomeSpeed);
  CHECK(ms <= (cg::Homing::kStart + cg::kHomeBackoffSteps) * 1000 / cg::kHomeSpeed + 10);
  for (int m = 0; m < 4; ++m) {
    CHECK(r.driver.m[m].down == cg::Homing::kStart);
    CHECK(r.driver.m[m].up == cg::kHomeBackoffSteps);
    CHECK(r.drive.position(m) == 0);
  }
  CHECK(r.driver.errors.empty());
}

TEST_CASE("homing runs at an even 150 deg/s: every step 555.6 us after the last (to the timer's reload floor)") {
  Rig r;
  r.drive.startHoming();
  while (r.drive.homing()) r.ms(1);
  const std::vector<int64_t>& t = r.driver.m[0].rises;
  // All but three: the first (after DIR's setup time), the turn at the stop, the last shorter move.
  int uneven = 0;
  for (size_t i = 1; i < t.size(); ++i) {
    const int64_t dt = t[i] - t[i - 1];
    if (dt >= 555 - cg::kMinWakeUs && dt <= 556 + cg::kMinWakeUs) continue;
    ++uneven;
    CHECK(dt >= 555 - cg::kDirSetupUs);
  }
  CHECK(uneven <= 3);
}

TEST_CASE("after homing the needles follow the motion engine closely, to the exact target") {
  Rig r;
  r.drive.startHoming();
  while (r.drive.homing()) r.ms(1);
  const int64_t t0 = r.cluster.now();
  cg::Payload p;
  p.gauge[0] = 1000;
  p.gauge[1] = 420;
  p.gauge[2] = 3;  // 11 microsteps (1 permille, 4 microsteps, would sit inside the deadband)
  p.gauge[3] = 0;
  p.model = cg::Model::Sonnet;
  r.cluster.feed(t0, &p);
  const long base[4] = {r.driver.m[0].position, r.driver.m[1].position, r.driver.m[2].position, r.driver.m[3].position};
  for (int i = 0; i < 1500; ++i) {
    r.ms(1);
    for (int m = 0; m < 4; ++m) {
      const long physical = r.driver.m[m].position - base[m];
      // The drive runs the same limits per step, starting up to a millisecond later: the real
      // needle keeps within 2 degrees of the virtual one.
      CHECK(std::labs(physical - r.cluster.microsteps(m)) <= 2 * cg::kStepsPerDeg);
    }
  }
  CHECK(r.drive.position(0) == cg::kMaxSteps);
  CHECK(r.drive.position(1) == cg::permilleToSteps(420));
  CHECK(r.drive.position(2) == 11);
  CHECK(r.drive.position(3) == 0);
  CHECK(r.driver.m[0].position - base[0] == cg::kMaxSteps);
  CHECK(r.driver.errors.empty());
}

TEST_CASE("re-homing mid-move: the needles run down into the stop again, then resume their targets") {
  Rig r;
  r.drive.startHoming();
  while (r.drive.homing()) r.ms(1);
  cg::Payload p;
  p.gauge[0] = 800;
  r.cluster.feed(r.cluster.now(), &p);
  r.ms(200);
  const int32_t mid = r.drive.position(0);
  CHECK(mid > 0);
  CHECK(mid < cg::permilleToSteps(800));
  r.drive.startHoming();
  while (r.drive.homing()) r.ms(1);
  CHECK(r.drive.position(0) <= 2);  // zero, and at most a millisecond on its way back up
  r.ms(1500);
  CHECK(r.drive.position(0) == cg::permilleToSteps(800));
  CHECK(r.driver.errors.empty());
}
