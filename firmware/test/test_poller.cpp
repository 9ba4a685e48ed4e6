// Polling: cadence, backoff with jitter, discovery and rediscovery, fixed addresses, the
// network going away; and parsing the portal's daemon address.
#include <doctest/doctest.h>

#include <cstring>
#include <deque>
#include <string>

#include "core/poller.h"

namespace {

struct FakeClock : cg::Clock {
  uint32_t t = 0;
  uint32_t millis() override { return t; }
};

struct FakeRandom : cg::Random {
  uint32_t value = 0;  // fixed: tests pick the jitter
  uint32_t next() override { return value; }
};

struct FakeHttp : cg::HttpGetter {
  struct Reply {
    int status;
    std::string body;
    uint32_t takesMs;
  };
  FakeClock* clock = nullptr;
  std::deque<Reply> replies;
  Reply fallback{200, "CG1 1 0 500 0 0 0 1 0\n", 20};
  int calls = 0;
  cg::Endpoint last;
  int get(const cg::Endpoint& where, char* buf, size_t cap, size_t& len) override {
    ++calls;
    last = where;
    Reply r = fallback;
    if (!replies.empty()) {
      r = replies.front();
      replies.pop_front();
    }
    clock->t += r.takesMs;
    len = r.body.size() < cap ? r.body.size() : cap;
    std::memcpy(buf, r.body.data(), len);
    return r.status;
  }
};

struct FakeDiscovery : cg::Discovery {
  bool found = true;
  int calls = 0;
  const char* host = "192.168.1.10";
  bool find(cg::Endpoint& out) override {
    ++calls;
    if (!found) return false;
    cg::Endpoint e;
    std::strcpy(e.host, host);
    e.port = 8080;
    std::strcpy(e.path, "/device");
    out = e;
    return true;
  }
};

struct Rig {
  FakeClock clock;
  FakeRandom random;
  FakeHttp http;
  FakeDiscovery discovery;
  cg::Poller poller{clock, random, http, discovery};
  Rig() { http.clock = &clock; }
  // Runs the loop until `ms` have passed, calling service every 5 ms; counts outcomes.
  int good = 0, failed = 0, lost = 0;
  void run(uint32_t ms, bool up = true) {
    const uint32_t end = clock.t + ms;
    while (static_cast<int32_t>(clock.t - end) < 0) {
      const cg::PollOutcome o = poller.service(up);
      good += o.kind == cg::PollKind::Good;
      failed += o.kind == cg::PollKind::Failed;
      lost += o.kind == cg::PollKind::Lost;
      clock.t += 5;
    }
  }
};

}  // namespace

TEST_CASE("a daemon that answers is polled once a second, found once over mDNS") {
  Rig r;
  r.run(10000);
  CHECK(r.good == 10);
  CHECK(r.failed == 0);
  CHECK(r.discovery.calls == 1);
  CHECK(std::string(r.http.last.host) == "192.168.1.10");
  CHECK(std::string(r.http.last.path) == "/device");
}

TEST_CASE("the good outcome carries the parsed reading") {
  Rig r;
  r.http.fallback.body = "CG1 9 5 1 2 3 4 3 8\n";
  const cg::PollOutcome o = r.poller.service(true);
  REQUIRE(o.kind == cg::PollKind::Good);
  CHECK(o.reading.seq == 9);
  CHECK(o.reading.gauge[3] == 4);
  CHECK(o.reading.model == cg::Model::Haiku);
}

TEST_CASE("failures back off exponentially up to the cap, with jitter inside [d/2, d]") {
  Rig r;
  r.random.value = 0;  // least jitter: d/2
  CHECK(r.poller.backoffDelay(1) == 500);
  CHECK(r.poller.backoffDelay(2) == 1000);
  CHECK(r.poller.backoffDelay(3) == 2000);
  CHECK(r.poller.backoffDelay(5) == 8000);
  CHECK(r.poller.backoffDelay(6) == 8000);  // capped at 16 s
  CHECK(r.poller.backoffDelay(60) == 8000);
  r.random.value = 0xffffffffu;
  for (uint32_t f = 1; f < 10; ++f) {
    const uint32_t d = r.poller.backoffDelay(f);
    CHECK(d >= 500);
    CHECK(d <= 16000);
  }
  // Every jitter value stays inside [d/2, d].
  for (uint32_t v = 0; v < 20000; v += 7) {
    r.random.value = v;
    const uint32_t d = r.poller.backoffDelay(3);
    CHECK(d >= 2000);
    CHECK(d <= 4000);
  }
}

TEST_CASE("an unreachable daemon is retried with growing gaps, and rediscovered after 3 failures") {
  Rig r;
  r.random.value = 0;
  r.http.fallback = {-1, "", 1500};  // connection timeout
  r.run(60000);
  // Gaps: 0.5+1.5, 1+1.5, 2+1.5, 4+1.5, 8+1.5, then 8+1.5 ... (plus mDNS) over 60 s.
  CHECK(r.failed >= 7);
  CHECK(r.failed <= 9);
  CHECK(r.poller.failures() == static_cast<uint32_t>(r.failed));
  CHECK(r.discovery.calls >= 2);
  CHECK(r.good == 0);
  // It comes back: the next poll succeeds and the cadence is 1 s again.
  r.http.fallback = {200, "CG1 1 0 500 0 0 0 1 0\n", 20};
  r.run(20000);
  CHECK(r.good >= 10);
  CHECK(r.poller.failures() == 0);
}

TEST_CASE("garbage and HTTP errors are failures with their reason") {
  Rig r;
  r.http.replies.push_back({200, "<html>hello</html>", 5});
  r.http.replies.push_back({404, "", 5});
  r.http.replies.push_back({cg::HttpGetter::kBodyTooLong, "", 5});
  cg::PollOutcome o = r.poller.service(true);
  CHECK(o.kind == cg::PollKind::Failed);
  CHECK(o.reason == cg::FailReason::Parse);
  CHECK(o.parse == cg::ParseError::BadTag);
  r.clock.t = r.poller.nextAt();
  o = r.poller.service(true);
  CHECK(o.reason == cg::FailReason::Http);
  CHECK(o.status == 404);
  r.clock.t = r.poller.nextAt();
  o = r.poller.service(true);
  CHECK(o.reason == cg::FailReason::Http);
  CHECK(o.status == cg::HttpGetter::kBodyTooLong);
}

TEST_CASE("no daemon on the LAN: mDNS is asked again with backoff, nothing is fetched") {
  Rig r;
  r.random.value = 0;
  r.discovery.found = false;
  r.run(30000);
  CHECK(r.http.calls == 0);
  CHECK(r.discovery.calls >= 5);
  CHECK(r.discovery.calls <= 9);
  cg::PollOutcome o;
  r.clock.t = r.poller.nextAt();
  o = r.poller.service(true);
  CHECK(o.reason == cg::FailReason::NotFound);
}

TEST_CASE("a fixed address from the portal is used as is and never replaced by discovery") {
  Rig r;
  cg::Endpoint e;
  REQUIRE(cg::parseEndpoint("10.0.0.5:9000", e));
  r.poller.setFixedEndpoint(e);
  r.http.fallback = {-1, "", 10};
  r.run(30000);
  CHECK(r.discovery.calls == 0);
  CHECK(std::string(r.http.last.host) == "10.0.0.5");
  CHECK(r.http.last.port == 9000);
  // An invalid one restores discovery.
  r.poller.setFixedEndpoint(cg::Endpoint());
  r.http.fallback = {200, "CG1 1 0 500 0 0 0 1 0\n", 20};
  r.run(20000);
  CHECK(r.discovery.calls == 1);
}

TEST_CASE("network down: Lost at once and every second, no HTTP; back up: poll at once") {
  Rig r;
  r.run(3000, false);
  CHECK(r.lost == 3);
  CHECK(r.http.calls == 0);
  const cg::PollOutcome o = r.poller.service(true);
  CHECK(o.kind == cg::PollKind::Good);
}

TEST_CASE("a slow reply does not stack polls: the next one is due a second after the last began") {
  Rig r;
  r.http.fallback = {200, "CG1 1 0 500 0 0 0 1 0\n", 400};
  r.run(10000);
  CHECK(r.good >= 9);
  CHECK(r.good <= 10);
  r.http.fallback.takesMs = 1800;  // slower than the interval: back to back, never faster
  const int before = r.http.calls;
  r.run(9000);
  CHECK(r.http.calls - before <= 5);
}

TEST_CASE("the polling clock may wrap") {
  Rig r;
  r.clock.t = 0xffffffffu - 3000;
  r.run(10000);
  CHECK(r.good == 10);
}

TEST_CASE("daemon addresses from the portal") {
  cg::Endpoint e;
  REQUIRE(cg::parseEndpoint("192.168.1.20:8080", e));
  CHECK(std::string(e.host) == "192.168.1.20");
  CHECK(e.port == 8080);
  CHECK(std::string(e.path) == "/device");
  REQUIRE(cg::parseEndpoint("  studio.local ", e));
  CHECK(std::string(e.host) == "studio.local");
  CHECK(e.port == 8080);
  REQUIRE(cg::parseEndpoint("http://box:9/device", e));
  CHECK(std::string(e.host) == "box");
  CHECK(e.port == 9);
  REQUIRE(cg::parseEndpoint("box:1234/custom/path", e));
  CHECK(std::string(e.path) == "/custom/path");
  CHECK_FALSE(cg::parseEndpoint("", e));
  CHECK_FALSE(cg::parseEndpoint(nullptr, e));
  CHECK_FALSE(cg::parseEndpoint("box:0", e));
  CHECK_FALSE(cg::parseEndpoint("box:65536", e));
  CHECK_FALSE(cg::parseEndpoint("box:", e));
  CHECK_FALSE(cg::parseEndpoint("box:12x", e));
  CHECK_FALSE(cg::parseEndpoint("bad host", e));
  CHECK_FALSE(cg::parseEndpoint("https://box", e));
  CHECK_FALSE(cg::parseEndpoint(std::string(70, 'a').c_str(), e));
  CHECK_FALSE(cg::parseEndpoint(("box/" + std::string(40, 'p')).c_str(), e));
}
