// spec/cluster-vectors.json (made by spec/make-vectors.mjs from web/model.js) replayed through
// the C++ core: every needle, target and lamp at every sample must match exactly. Each case runs
// twice: with the payloads handed to the cluster directly, and through the wire (payload ->
// device line, as the daemon writes it -> parser -> cluster).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/cluster.h"
#include "core/device_line.h"
#include "core/lamps.h"

using nlohmann::json;

namespace {

json loadVectors() {
  std::ifstream in(CLUSTER_VECTORS);
  REQUIRE_MESSAGE(in.good(), "cannot read " CLUSTER_VECTORS);
  return json::parse(in);
}

// JavaScript's Number(v), for the values the vectors hold.
double jsNumber(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_null()) return 0;
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.find_first_not_of(" \t\n") == std::string::npos) return 0;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    return end && *end == '\0' ? d : NAN;
  }
  return NAN;  // undefined, objects
}

// model.js: Math.max(0, Math.min(1000, Math.trunc(Number(p) || 0))). The daemon only ever sends
// integers 0-1000; the vectors also hold garbage to pin the clamping down.
uint32_t jsPermille(const json& gauges, const char* name) {
  double d = gauges.contains(name) ? jsNumber(gauges[name]) : NAN;
  if (std::isnan(d)) d = 0;
  d = std::trunc(d);
  if (d < 0) d = 0;
  if (d > 1000) d = 1000;
  return static_cast<uint32_t>(d);
}

bool truthy(const json& o, const char* key) {
  if (!o.contains(key)) return false;
  const json& v = o[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0 && !std::isnan(v.get<double>());
  if (v.is_string()) return !v.get<std::string>().empty();
  return !v.is_null();
}

cg::Payload toPayload(const json& p) {
  cg::Payload out;
  const json gauges = p.contains("gauges") ? p["gauges"] : json::object();
  const char* names[4] = {"fuel", "tach", "temp", "boost"};
  for (int i = 0; i < 4; ++i) out.gauge[i] = jsPermille(gauges, names[i]);
  const std::string m = p.contains("last_model") && p["last_model"].is_string() ? p["last_model"].get<std::string>() : "";
  out.model = m == "opus" ? cg::Model::Opus : m == "sonnet" ? cg::Model::Sonnet : m == "haiku" ? cg::Model::Haiku : cg::Model::Other;
  out.hot = truthy(p, "hot");
  out.warn = truthy(p, "warn");
  out.stall = truthy(p, "stall");
  out.idle = truthy(p, "idle");
  out.range = truthy(p, "window_5h_runs_out");
  return out;
}

// The device line's age (model.js agedPayload reads payload.age_ms).
uint32_t ageOf(const json& p) {
  const double d = p.contains("age_ms") ? jsNumber(p["age_ms"]) : NAN;
  return std::isnan(d) || d < 0 ? 0 : d > 4294967295.0 ? 0xffffffffu : static_cast<uint32_t>(d);
}

// The same payload as the daemon's device line, read back by the firmware's parser.
cg::Payload throughTheWire(const cg::Payload& p, uint32_t seq, uint32_t ageMs) {
  const unsigned flags = (p.hot ? 1u : 0u) | (p.warn ? 2u : 0u) | (p.stall ? 4u : 0u) | (p.idle ? 8u : 0u) | (p.range ? 16u : 0u);
  char line[128];
  const int n = std::snprintf(line, sizeof(line), "CG1 %u %u %u %u %u %u %u %u\n", seq, ageMs, p.gauge[0], p.gauge[1], p.gauge[2],
                              p.gauge[3], static_cast<unsigned>(p.model), flags);
  cg::Reading r;
  REQUIRE(n > 0);
  REQUIRE(cg::parseDeviceLine(line, static_cast<size_t>(n), r) == cg::ParseError::Ok);
  return cg::shownPayload(r);  // what main.cpp feeds
}

void replay(const json& c, bool wire) {
  cg::Cluster cluster;
  uint32_t seq = 0;
  int samples = 0;
  for (const json& step : c["steps"]) {
    const int64_t t = step["t"].get<int64_t>();
    if (step.contains("expect")) {
      cluster.advance(t);
      const cg::ClusterState s = cluster.state();
      const json& e = step["expect"];
      const json& lamps = e["lamps"];
      INFO("case: " << c["name"].get<std::string>() << std::string(wire ? " (through the wire)" : "") << " at t=" << t);
      for (int i = 0; i < 4; ++i) {
        CHECK(s.needles[i] == e["needles"][i].get<int32_t>());
        CHECK(s.targets[i] == e["targets"][i].get<int32_t>());
      }
      CHECK(std::string(cg::lampModelName(s.model)) == lamps["model"].get<std::string>());
      CHECK(static_cast<int>(s.rgb.r) == lamps["rgb"][0].get<int>());
      CHECK(static_cast<int>(s.rgb.g) == lamps["rgb"][1].get<int>());
      CHECK(static_cast<int>(s.rgb.b) == lamps["rgb"][2].get<int>());
      CHECK(s.hot == lamps["hot"].get<bool>());
      CHECK(s.warn == lamps["warn"].get<bool>());
      CHECK(s.stall == lamps["stall"].get<bool>());
      CHECK(static_cast<int>(s.idle) == lamps["idle"].get<int>());
      ++samples;
    } else {
      const cg::Link link = step.contains("link") && step["link"] == "lost" ? cg::Link::Lost : cg::Link::Ok;
      if (step["feed"].is_null()) {
        cluster.feed(t, nullptr, link);
      } else {
        const cg::Payload direct = toPayload(step["feed"]);
        const uint32_t age = ageOf(step["feed"]);
        const cg::Payload p = wire ? throughTheWire(direct, ++seq, age) : cg::withAge(direct, age);
        cluster.feed(t, &p, link);
      }
    }
  }
  CHECK(samples > 0);
}

}  // namespace

TEST_CASE("the vectors were made with the constants the C++ core uses") {
  const json v = loadVectors();
  CHECK(v["version"] == 1);
  const json& k = v["constants"];
  CHECK(k["sweepDeg"] == cg::kSweepDeg);
  CHECK(k["stepsPerDeg"] == cg::kStepsPerDeg);
  CHECK(k["maxSteps"] == cg::kMaxSteps);
  CHECK(k["maxSpeed"] == cg::kMaxSpeed);
  CHECK(k["startSpeed"] == cg::kStartSpeed);
  CHECK(k["accel"] == cg::kAccel);
  CHECK(k["deadbandSteps"] == cg::kDeadbandSteps);
  CHECK(k["staleStallMs"] == cg::kStaleStallMs);
  CHECK(k["staleRestMs"] == cg::kStaleRestMs);
  CHECK(k["hotFlashMs"] == cg::kHotFlashMs);
  CHECK(k["warnFlashMs"] == cg::kWarnFlashMs);
  CHECK(k["idleBreathMs"] == cg::kIdleBreathMs);
  CHECK(k["idleFloor"] == cg::kIdleFloor);
  CHECK(k.size() == 13);  // a new constant in model.js needs a look here
}

TEST_CASE("every vector case replays exactly, directly and through the device line") {
  const json v = loadVectors();
  REQUIRE(v["cases"].size() >= 16);
  for (const json& c : v["cases"]) {
    replay(c, false);
    replay(c, true);
  }
}
