// The drive, the cluster and four physical needles on one microsecond clock.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "core/drive.h"
#include "physical_needle.h"

namespace sim {

// One call of the stepping interrupt; returns the microseconds until the next. (The same tests
// also build against the fixed-period drive from before per-step timing, called every 50 us.)
template <class Drive>
int64_t interrupt(Drive& drive) {
  if constexpr (std::is_void_v<decltype(drive.isrTick())>) {
    drive.isrTick();
    return 50;
  } else {
    return drive.isrTick();
  }
}

struct Bench {
  cg::Cluster cluster;
  Needles needles;
  cg::Drive drive{cluster, needles};

  // Runs the stepping interrupt for `us` microseconds, each call when it asked to be called.
  int64_t until = 0;  // where the last run() was asked to end (the interrupt may overshoot it)
  void run(int64_t us) {
    until += us;
    const int64_t end = until;
    while (needles.now < end) {
      needles.now += interrupt(drive);
    }
  }
  void runMs(int64_t ms) { run(ms * 1000); }
  void home() {
    drive.startHoming();
    for (int i = 0; i < 10000 && drive.homing(); ++i) runMs(1);
  }
  // Feeds four gauge values (0-1000) at the cluster's current time.
  void feed(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    cg::Payload p;
    p.gauge[0] = a;
    p.gauge[1] = b;
    p.gauge[2] = c;
    p.gauge[3] = d;
    cluster.feed(cluster.now(), &p);
  }
  // Runs until every channel has reached the cluster's targets (and then 5 ms more).
  void settle(int64_t maxMs = 5000) {
    for (int64_t i = 0; i < maxMs; ++i) {
      runMs(1);
      bool still = true;
      for (int m = 0; m < 4; ++m) still = still && cluster.needle(m).pos == cluster.needle(m).target * 1000 && drive.position(m) == cluster.needle(m).target;
      if (still) break;
    }
    runMs(5);
  }
  void clearRecords() {
    for (PhysicalNeedle& n : needles.n) n.clearRecord();
  }
};

inline int64_t median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}
inline int64_t minimum(const std::vector<int64_t>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }

}  // namespace sim
