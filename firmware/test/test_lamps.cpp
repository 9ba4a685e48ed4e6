// The annunciator: the cluster's lamps as PWM levels, overlays, and only changes written.
#include <doctest/doctest.h>

#include <vector>

#include "core/cluster.h"
#include "core/lamps.h"

namespace {

struct MockLeds : cg::LedOut {
  std::vector<std::pair<uint8_t, uint8_t>> writes;
  void set(uint8_t ch, uint8_t level) override { writes.emplace_back(ch, level); }
};

}  // namespace

TEST_CASE("a frame carries the model colour, HOT, WARN, STALL and the IDLE level") {
  cg::ClusterState s;
  s.model = cg::LampModel::Sonnet;
  s.rgb = cg::modelColor(s.model);
  s.hot = true;
  s.warn = false;
  s.stall = true;
  s.idle = 137;
  const cg::LampFrame f = cg::lampFrame(s, cg::Overlay());
  CHECK(f.level[cg::kModelR] == 255);
  CHECK(f.level[cg::kModelG] == 120);
  CHECK(f.level[cg::kModelB] == 0);
  CHECK(f.level[cg::kHot] == 255);
  CHECK(f.level[cg::kWarn] == 0);
  CHECK(f.level[cg::kStall] == 255);
  CHECK(f.level[cg::kIdle] == 137);
}

TEST_CASE("the setup portal breathes blue on MODEL; the rest still shows the cluster") {
  cg::ClusterState s;
  s.rgb = cg::modelColor(cg::LampModel::Opus);
  s.stall = true;
  cg::Overlay o;
  o.portal = true;
  s.t = 0;
  CHECK(cg::lampFrame(s, o).level[cg::kModelB] == cg::kIdleFloor);
  CHECK(cg::lampFrame(s, o).level[cg::kModelR] == 0);
  s.t = 1000;
  CHECK(cg::lampFrame(s, o).level[cg::kModelB] == 255);
  s.t = 1500;
  CHECK(cg::lampFrame(s, o).level[cg::kModelB] == cg::kIdleFloor + (500 * (255 - cg::kIdleFloor)) / 1000);
  CHECK(cg::lampFrame(s, o).level[cg::kStall] == 255);
}

TEST_CASE("wiping lights everything") {
  cg::Overlay o;
  o.wiping = true;
  const cg::LampFrame f = cg::lampFrame(cg::ClusterState(), o);
  for (uint8_t l : f.level) CHECK(l == 255);
}

TEST_CASE("the annunciator writes every channel once, then only changes") {
  MockLeds leds;
  cg::Annunciator a(leds);
  cg::LampFrame f;
  a.show(f);
  CHECK(leds.writes.size() == cg::kLampChannels);
  leds.writes.clear();
  a.show(f);
  CHECK(leds.writes.empty());
  f.level[cg::kWarn] = 255;
  a.show(f);
  REQUIRE(leds.writes.size() == 1);
  CHECK(leds.writes[0] == std::make_pair(uint8_t(cg::kWarn), uint8_t(255)));
  a.invalidate();
  leds.writes.clear();
  a.show(f);
  CHECK(leds.writes.size() == cg::kLampChannels);
}

TEST_CASE("a flashing WARN reaches its LED as whole on and off writes, driven by the cluster's clock") {
  // What the ui task does every 10 ms, on a mock clock: no delay anywhere, the phase comes from the
  // time the flash started.
  MockLeds leds;
  cg::Annunciator a(leds);
  cg::Cluster c;
  cg::Payload p;
  p.range = true;
  c.feed(40, &p);
  std::vector<std::pair<int64_t, uint8_t>> warn;  // (time, level) of every WARN write
  for (int64_t t = 40; t <= 2040; t += 10) {
    c.advance(t);
    leds.writes.clear();
    a.show(cg::lampFrame(c.state(), cg::Overlay()));
    for (const auto& w : leds.writes)
      if (w.first == cg::kWarn) warn.emplace_back(t, w.second);
  }
  const std::vector<std::pair<int64_t, uint8_t>> want = {{40, 255}, {540, 0}, {1040, 255}, {1540, 0}, {2040, 255}};
  CHECK(warn == want);
}
