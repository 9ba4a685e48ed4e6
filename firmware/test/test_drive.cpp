// STEP/DIR generation and homing, against a mock driver that checks the X12.017's timing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/drive.h"

namespace {

// Records every edge per motor by subtick and checks the timing rules as it goes.
struct MockDriver : cg::StepDirOut {
  struct Motor {
    bool step = false;
    bool dirSet = false;
    bool forward = true;
    long lastDirChange = -1000;
    long lastRise = -1000;
    long lastFall = -1000;
    long position = 0;  // counted from rising edges and DIR
    long up = 0, down = 0;
  };
  Motor m[4];
  long now = 0;  // subtick
  std::vector<std::string> errors;

  void dir(uint8_t motor, bool forward) override {
    Motor& x = m[motor];
    if (x.step) errors.push_back("DIR changed while STEP high");
    if (now - x.lastRise < 1) errors.push_back("DIR changed in the same subtick as a rising STEP");
    x.dirSet = true;
    x.forward = forward;
    x.lastDirChange = now;
  }
  void step(uint8_t motor, bool high) override {
    Motor& x = m[motor];
    if (high == x.step) errors.push_back("STEP written to the level it already had");
    if (high) {
      if (!x.dirSet) errors.push_back("step before DIR was ever set");
      if (now - x.lastDirChange < 1) errors.push_back("DIR setup shorter than one subtick (50 us)");
      if (now - x.lastFall < 1) errors.push_back("STEP low for less than one subtick");
      x.lastRise = now;
      x.position += x.forward ? 1 : -1;
      (x.forward ? x.up : x.down) += 1;
    } else {
      if (now - x.lastRise < 1) errors.push_back("STEP pulse shorter than one subtick (50 us)");
      x.lastFall = now;
    }
    x.step = high;
  }
};

struct Rig {
  cg::Cluster cluster;
  MockDriver driver;
  cg::Drive drive{cluster, driver};
  void subtick() {
    drive.isrTick();
    ++driver.now;
  }
  void ms(int n) {
    for (int i = 0; i < n * cg::kSubticksPerMs; ++i) subtick();
  }
};

}  // namespace

TEST_CASE("a step channel follows its commanded position with clean pulses") {
  MockDriver d;
  cg::StepChannel ch;
  for (int i = 0; i < 40; ++i, ++d.now) ch.update(10, d, 0);
  CHECK(ch.position() == 10);
  CHECK(d.m[0].position == 10);
  for (int i = 0; i < 40; ++i, ++d.now) ch.update(-3, d, 0);
  CHECK(ch.position() == -3);
  CHECK(d.m[0].position == -3);
  CHECK(d.errors.empty());
  CHECK(ch.idle(-3));
}

TEST_CASE("top pulse rate: one microstep per two subticks (10,000/s), DIR change costs one more") {
  MockDriver d;
  cg::StepChannel ch;
  int subticks = 0;
  while (ch.position() != 100) {
    ch.update(100, d, 1);
    ++d.now;
    ++subticks;
  }
  CHECK(subticks == 1 + 2 * 100 - 1);  // DIR, then high/low pairs (the last low comes after)
  CHECK(d.errors.empty());
}

TEST_CASE("homing at boot: full sweep plus margin toward the stop, back off 5 degrees, that is zero") {
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
  CHECK(ms <= (cg::Homing::kStart + cg::kHomeBackoffSteps) * 1000 / cg::kHomeSpeed + 5);
  for (int m = 0; m < 4; ++m) {
    CHECK(r.driver.m[m].down == cg::Homing::kStart);
    CHECK(r.driver.m[m].up == cg::kHomeBackoffSteps);
    CHECK(r.drive.position(m) == 0);
  }
  CHECK(r.driver.errors.empty());
}

TEST_CASE("homing never exceeds 150 deg/s") {
  Rig r;
  r.drive.startHoming();
  long prev = r.driver.m[0].down;
  for (int i = 0; i < 100 && r.drive.homing(); ++i) {
    r.ms(10);
    const long moved = r.driver.m[0].down - prev;
    prev = r.driver.m[0].down;
    CHECK(moved <= 18 + 1);  // 1800 microsteps/s = 18 per 10 ms (+1 for phase)
  }
}

TEST_CASE("after homing the needles follow the motion engine, within a microstep, to the exact target") {
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
      CHECK(std::labs(physical - r.cluster.microsteps(m)) <= 1);
    }
  }
  CHECK(r.drive.position(0) == 3780);
  CHECK(r.drive.position(1) == 1588);
  CHECK(r.drive.position(2) == 11);
  CHECK(r.drive.position(3) == 0);
  CHECK(r.driver.m[0].position - base[0] == 3780);
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
  CHECK(mid < 3024);
  r.drive.startHoming();
  while (r.drive.homing()) r.ms(1);
  CHECK(r.drive.position(0) == 0);
  r.ms(1500);
  CHECK(r.drive.position(0) == 3024);
  CHECK(r.driver.errors.empty());
}
