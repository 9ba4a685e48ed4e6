// The cluster model's parts on their own: mapping, the motion engine's physics, deadband,
// staleness, lamps. (test_vectors.cpp checks the whole against model.js's own output.)
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "core/cluster.h"

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
