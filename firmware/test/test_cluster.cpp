// The cluster model's parts on their own: mapping, the motion engine's physics, deadband,
// staleness, lamps. (test_vectors.cpp checks the whole against model.js's own output.)
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "core/cluster.h"
#include "core/device_line.h"
#include "core/lamps.h"

namespace {

cg::Payload payload(uint32_t fuel, uint32_t tach = 0, uint32_t temp = 0, uint32_t boost = 0) {
  cg::Payload p;
  p.gauge[0] = fuel;
  p.gauge[1] = tach;
  p.gauge[2] = temp;
  p.gauge[3] = boost;
  p.model = cg::Model::Opus;
  return p;
}

}  // namespace

TEST_CASE("permille maps to microsteps with rounding and clamping") {
  CHECK(cg::permilleToSteps(0) == 0);
  CHECK(cg::permilleToSteps(1000) == 3696);  // the dial's 308 degrees
  CHECK(cg::permilleToSteps(500) == 1848);
  CHECK(cg::permilleToSteps(1) == 4);  // 3.696 rounds to 4
  CHECK(cg::permilleToSteps(2) == 7);  // 7.392
  CHECK(cg::permilleToSteps(1001) == 3696);
  CHECK(cg::permilleToSteps(4294967295u) == 3696);
}

TEST_CASE("physics: never above 600 deg/s, acceleration bounded above start-stop speed, exact stop") {
  // The same random walk as test/cluster-model.test.ts, checked millisecond by millisecond.
  uint64_t seed = 12345;
  auto rand01 = [&seed]() {
    seed = (seed * 1103515245 + 12345) % 2147483648ULL;
    return static_cast<double>(seed) / 2147483648.0;
  };
  for (int trial = 0; trial < 20; ++trial) {
    cg::Needle n;
    int32_t prevVel = 0;
    for (int t = 0; t < 3000; ++t) {
      if (t % 400 == 0) n.target = static_cast<int32_t>(rand01() * (cg::kMaxSteps + 1));
      const int32_t before = n.pos;
      cg::stepNeedle(n);
      CHECK(std::abs(n.pos - before) <= cg::kMaxSpeed);
      CHECK(n.pos >= 0);
      CHECK(n.pos <= cg::kMaxSteps * 1000);
      if (std::abs(n.vel) > cg::kStartSpeed && std::abs(prevVel) > cg::kStartSpeed)
        CHECK(std::abs(std::abs(n.vel) - std::abs(prevVel)) <= cg::kAccel / 1000);
      prevVel = n.vel;
    }
    for (int t = 0; t < 2000; ++t) cg::stepNeedle(n);
    CHECK(n.pos == n.target * 1000);
    CHECK(n.vel == 0);
  }
}

TEST_CASE("a full sweep takes what the real motor needs (0.6-0.8 s), not a jump") {
  cg::Cluster c;
  const cg::Payload p = payload(1000);
  c.feed(0, &p);
  c.advance(100);
  CHECK(c.state().needles[0] < 1000);
  int64_t t = 100;
  while (c.state().needles[0] < cg::kMaxSteps) c.advance(++t);
  CHECK(t >= 600);
  CHECK(t <= 800);
}

TEST_CASE("deadband: 4 microsteps are ignored, 7 are not; zero and full scale always apply") {
  cg::Cluster c;
  cg::Payload p = payload(500);
  c.feed(0, &p);
  CHECK(c.state().targets[0] == cg::permilleToSteps(500));
  p.gauge[0] = 501;  // 1852: +4
  c.feed(10, &p);
  CHECK(c.state().targets[0] == cg::permilleToSteps(500));
  p.gauge[0] = 502;  // 1855: +7
  c.feed(20, &p);
  CHECK(c.state().targets[0] == 1855);
  p.gauge[0] = 1;  // 4
  c.feed(30, &p);
  p.gauge[0] = 0;  // 0 is an edge: always applies, even 4 steps away
  c.feed(40, &p);
  CHECK(c.state().targets[0] == 0);
}

TEST_CASE("staleness: STALL after 5 s without good data, needles rest after 60 s, back with data") {
  cg::Cluster c;
  cg::Payload p = payload(600, 600);
  p.idle = true;
  c.feed(0, &p);
  c.advance(5000);
  CHECK_FALSE(c.state().stall);
  CHECK(c.state().idle > 0);
  c.advance(5001);
  CHECK(c.state().stall);
  CHECK(c.state().idle == 0);
  CHECK(c.state().targets[0] == cg::permilleToSteps(600));
  c.advance(60001);
  CHECK(c.state().targets[0] == 0);
  CHECK(c.state().model == cg::LampModel::Off);
  c.feed(61000, &p);
  CHECK(c.state().targets[0] == cg::permilleToSteps(600));
  CHECK_FALSE(c.state().stall);
}

TEST_CASE("a failed poll changes nothing; a lost link rests at once until good data returns") {
  cg::Cluster c;
  const cg::Payload p = payload(800);
  c.feed(0, &p);
  c.feed(100, nullptr);
  CHECK(c.state().targets[0] == cg::permilleToSteps(800));
  CHECK_FALSE(c.state().stall);
  c.feed(200, nullptr, cg::Link::Lost);
  CHECK(c.state().targets[0] == 0);
  CHECK(c.state().stall);
  CHECK(c.state().lost);
  c.feed(300, nullptr);  // a failed poll does not clear "lost"
  CHECK(c.state().lost);
  c.feed(400, &p);
  CHECK_FALSE(c.state().lost);
  CHECK(c.state().targets[0] == cg::permilleToSteps(800));
}

TEST_CASE("before any data: resting, STALL lit, MODEL dark") {
  cg::Cluster c;
  c.advance(10);
  const cg::ClusterState s = c.state();
  CHECK(s.stall);
  CHECK(s.model == cg::LampModel::Off);
  CHECK(s.rgb.r == 0);
  CHECK(s.targets[0] == 0);
}

TEST_CASE("HOT flashes 250 ms on, 250 ms off, from the feed that lit it") {
  cg::Cluster c;
  cg::Payload p = payload(900);
  p.hot = true;
  c.feed(1000, &p);
  CHECK(c.state().hot);
  c.advance(1249);
  CHECK(c.state().hot);
  c.advance(1250);
  CHECK_FALSE(c.state().hot);
  c.advance(1500);
  CHECK(c.state().hot);
}

// WARN flashing: the window is projected to run out before it resets (the line's RANGE bit).
bool warnAt(cg::Cluster& c, int64_t t) {
  c.advance(t);
  return c.state().warn;
}

TEST_CASE("WARN flashes 500 ms on, 500 ms off while the window runs out, from the feed that lit it") {
  cg::Cluster c;
  cg::Payload p = payload(700);
  c.feed(0, &p);
  CHECK_FALSE(warnAt(c, 300));
  p.range = true;
  c.feed(300, &p);
  CHECK(c.state().warn);  // lit at once: the flash starts on its on phase
  CHECK(warnAt(c, 799));
  CHECK_FALSE(warnAt(c, 800));
  CHECK_FALSE(warnAt(c, 1299));
  c.feed(1300, &p);  // the next poll says the same: the phase runs on, it does not restart
  CHECK(c.state().warn);
  CHECK(warnAt(c, 1799));
  c.feed(1900, &p);
  CHECK_FALSE(c.state().warn);  // mid off phase: a repeated poll does not relight it
  CHECK(warnAt(c, 2300));
  // Every millisecond over ten periods: exactly 50 % duty, one toggle every 500 ms.
  int on = 0, toggles = 0;
  bool was = c.state().warn;
  for (int64_t t = 2301; t <= 7300; ++t) {
    if (t % 1000 == 300) c.feed(t, &p);
    const bool w = warnAt(c, t);
    on += w ? 1 : 0;
    toggles += w != was ? 1 : 0;
    if (w != was) CHECK((t - 300) % cg::kWarnFlashMs == 0);
    was = w;
  }
  CHECK(on == 2500);
  CHECK(toggles == 10);
  p.range = false;
  c.feed(7400, &p);
  CHECK_FALSE(c.state().warn);
  CHECK_FALSE(warnAt(c, 8000));
}

TEST_CASE("WARN precedence: steady for warn alone, flashing when the window also runs out, steady again after") {
  cg::Cluster c;
  cg::Payload p = payload(850);
  p.warn = true;
  c.feed(0, &p);
  for (int64_t t = 0; t < 1000; t += 50) CHECK(warnAt(c, t));  // steady
  p.range = true;
  c.feed(1000, &p);
  CHECK(warnAt(c, 1499));
  CHECK_FALSE(warnAt(c, 1500));  // flashing wins: off half the time although warn is set
  CHECK(warnAt(c, 2000));
  CHECK_FALSE(warnAt(c, 2600));
  p.range = false;
  c.feed(2700, &p);
  for (int64_t t = 2700; t < 4000; t += 50) CHECK(warnAt(c, t));  // steady again, at once
}

TEST_CASE("a flashing WARN leaves HOT, STALL and IDLE as they were; stale data puts it out") {
  cg::Cluster c;
  cg::Payload p = payload(500);
  p.range = true;
  p.idle = true;
  c.feed(0, &p);
  CHECK(c.state().idle == cg::kIdleFloor);  // IDLE breathes beside it
  CHECK_FALSE(c.state().stall);
  CHECK_FALSE(c.state().hot);
  p.idle = false;
  p.stall = true;
  p.hot = true;
  c.feed(1000, &p);
  CHECK(c.state().stall);  // STALL from the payload: lit, and IDLE out, as before
  CHECK(c.state().idle == 0);
  CHECK(c.state().warn);  // 1000 ms into its flash: an on phase
  CHECK(c.state().hot);   // HOT's clock starts here
  c.advance(1250);
  CHECK_FALSE(c.state().hot);
  CHECK(c.state().warn);  // each lamp flashes on its own clock
  CHECK_FALSE(warnAt(c, 1500));
  // An aged line is STALL, not stale: WARN keeps flashing, as steady WARN keeps shining.
  const cg::Payload aged = cg::withAge(p, 6000);
  c.feed(2000, &aged);
  CHECK(c.state().stall);
  CHECK(warnAt(c, 2000));
  // No good data for more than 5 s: STALL, and WARN out whatever it was doing.
  CHECK(warnAt(c, 7000));
  c.advance(7001);
  CHECK(c.state().stall);
  for (int64_t t = 7001; t < 9000; t += 10) CHECK_FALSE(warnAt(c, t));
  // Data again: the flash restarts on its on phase.
  p.stall = false;
  c.feed(9123, &p);
  CHECK(c.state().warn);
  CHECK_FALSE(c.state().stall);
  CHECK_FALSE(warnAt(c, 9623));
}

TEST_CASE("an older daemon's line (no RANGE bit) keeps WARN steady; the bit is read; bits above it are ignored") {
  cg::Reading r;
  const char old[] = "CG1 9 120 850 0 0 0 1 2\n";
  REQUIRE(cg::parseDeviceLine(old, sizeof(old) - 1, r) == cg::ParseError::Ok);
  const cg::Payload p = cg::shownPayload(r);
  CHECK(p.warn);
  CHECK_FALSE(p.range);
  cg::Cluster c;
  c.feed(0, &p);
  for (int64_t t = 0; t < 3000; t += 25) CHECK(warnAt(c, t));

  const char ranged[] = "CG1 10 120 850 0 0 0 1 18\n";
  REQUIRE(cg::parseDeviceLine(ranged, sizeof(ranged) - 1, r) == cg::ParseError::Ok);
  const cg::Payload q = cg::shownPayload(r);
  CHECK(q.warn);
  CHECK(q.range);
  c.feed(3000, &q);
  CHECK(warnAt(c, 3499));
  CHECK_FALSE(warnAt(c, 3500));

  r.flags = 0xffffffffu & ~0x1fu;  // every bit no version defines yet
  const cg::Payload none = cg::payloadFrom(r);
  CHECK_FALSE(none.hot);
  CHECK_FALSE(none.warn);
  CHECK_FALSE(none.stall);
  CHECK_FALSE(none.idle);
  CHECK_FALSE(none.range);
}

TEST_CASE("model colours and names") {
  CHECK(cg::modelColor(cg::LampModel::Sonnet).g == 120);
  CHECK(cg::modelColor(cg::LampModel::Haiku).g == 255);
  CHECK(std::string(cg::lampModelName(cg::LampModel::Off)) == "off");
  cg::Reading r;
  r.flags = cg::kFlagWarn | cg::kFlagStall;
  r.model = cg::Model::Haiku;
  r.gauge[2] = 77;
  const cg::Payload p = cg::payloadFrom(r);
  CHECK(p.warn);
  CHECK(p.stall);
  CHECK_FALSE(p.hot);
  CHECK_FALSE(p.idle);
  CHECK_FALSE(p.range);
  CHECK(p.gauge[2] == 77);
  CHECK(p.model == cg::Model::Haiku);
}

TEST_CASE("resetNeedles puts every needle at zero and keeps the targets") {
  cg::Cluster c;
  const cg::Payload p = payload(500, 500, 500, 500);
  c.feed(0, &p);
  c.advance(300);
  CHECK(c.microsteps(0) > 0);
  c.resetNeedles();
  CHECK(c.microsteps(0) == 0);
  CHECK(c.needle(0).vel == 0);
  CHECK(c.state().targets[0] == cg::permilleToSteps(500));
  c.advance(2000);
  CHECK(c.microsteps(0) == cg::permilleToSteps(500));
}
