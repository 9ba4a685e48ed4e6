// Real outcomes on physical needles (sim/physical_needle.h): the drive, the cluster and homing
// against hard stops and a rotor that loses steps beyond the X27.168's ratings.
#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "sim/bench.h"

namespace {

using sim::Bench;

// Steps no closer than the rated top speed allows (600 deg/s: 138.9 us).
bool withinRating(const std::vector<int64_t>& intervals) {
  for (int64_t dt : intervals)
    if (dt * cg::kRatedMaxSpeed < 1000000) return false;
  return true;
}

std::vector<int64_t> allIntervals(const Bench& b) {
  std::vector<int64_t> all;
  for (const sim::PhysicalNeedle& n : b.needles.n) all.insert(all.end(), n.intervals().begin(), n.intervals().end());
  return all;
}

long lostSteps(const Bench& b) {
  long lost = 0;
  for (const sim::PhysicalNeedle& n : b.needles.n) lost += n.lost();
  return lost;
}

void report(const char* what, const Bench& b) {
  const std::vector<int64_t> all = allIntervals(b);
  std::printf("  %s: %zu steps, interval min %lld us, median %lld us; lost %ld\n", what, all.size(),
              static_cast<long long>(sim::minimum(all)), static_cast<long long>(sim::median(all)), lostSteps(b));
}

}  // namespace

TEST_CASE("power-up from any needle position ends at true zero, homing at an even rate") {
  std::vector<int32_t> starts = {0, 1, cg::kZeroOffsetSteps - 1, cg::kZeroOffsetSteps, cg::kZeroOffsetSteps + 1,
                                 cg::kTravelSteps / 2, cg::kTravelSteps - 1, cg::kTravelSteps};
  std::mt19937 rng(7);
  for (int i = 0; i < 8; ++i) starts.push_back(static_cast<int32_t>(rng() % (cg::kTravelSteps + 1)));
  const int64_t even = 1000000 / cg::kHomeSpeed;  // 555 us (555.6)
  for (size_t i = 0; i < starts.size(); ++i) {
    Bench b;
    for (int m = 0; m < 4; ++m) b.needles.n[m].place(starts[(i + static_cast<size_t>(m)) % starts.size()]);
    b.home();
    CAPTURE(starts[i]);
    CHECK_FALSE(b.drive.homing());
    for (int m = 0; m < 4; ++m) {
      const sim::PhysicalNeedle& n = b.needles.n[m];
      CHECK(n.position() == cg::kZeroOffsetSteps);  // true zero: the stop plus the zero offset
      CHECK(b.drive.position(m) == 0);
      CHECK(n.lost() == 0);
      CHECK(withinRating(n.intervals()));
      // Evenly: every interval 555.6 us (to within the timer's reload floor), but three: the first
      // (after the DIR setup), the turn at the stop and the last, shorter move onto zero.
      long uneven = 0;
      for (int64_t dt : n.intervals()) uneven += (dt < even - cg::kMinWakeUs || dt > even + 1 + cg::kMinWakeUs) ? 1 : 0;
      CHECK(uneven <= 3);
    }
    if (i == 0) report("homing", b);
  }
}

TEST_CASE("100 full-scale excursions lose no step: full scale 2 degrees short of the far stop, back at true zero") {
  Bench b;
  for (sim::PhysicalNeedle& n : b.needles.n) n.place(1234);
  b.home();
  b.clearRecords();
  const int32_t fullScale = cg::kZeroOffsetSteps + cg::permilleToSteps(1000);
  for (int i = 0; i < 100; ++i) {
    b.feed(1000, 1000, 1000, 1000);
    b.settle();
    for (const sim::PhysicalNeedle& n : b.needles.n) REQUIRE(n.position() == fullScale);
    b.feed(0, 0, 0, 0);
    b.settle();
    for (const sim::PhysicalNeedle& n : b.needles.n) REQUIRE(n.position() == cg::kZeroOffsetSteps);
  }
  for (const sim::PhysicalNeedle& n : b.needles.n) {
    CHECK(n.highest() <= cg::kTravelSteps - 2 * cg::kStepsPerDeg);
    CHECK(n.blocked() == 0);
    CHECK(n.lost() == 0);
    CHECK(withinRating(n.intervals()));
  }
  report("100 full-scale excursions", b);
}

TEST_CASE("geometry alone (a motor that never slips): full scale clears the far stop, zero stays true zero") {
  Bench b;
  for (sim::PhysicalNeedle& n : b.needles.n) {
    n.ideal = true;
    n.place(cg::kTravelSteps);
  }
  b.home();
  b.clearRecords();
  for (int i = 0; i < 100; ++i) {
    b.feed(1000, 1000, 1000, 1000);
    b.settle();
    b.feed(0, 0, 0, 0);
    b.settle();
  }
  for (const sim::PhysicalNeedle& n : b.needles.n) {
    CHECK(n.blocked() == 0);  // never ran into the far stop
    CHECK(n.highest() <= cg::kTravelSteps - 2 * cg::kStepsPerDeg);
    CHECK(n.position() == cg::kZeroOffsetSteps);  // back at true zero, not below it
  }
  std::printf("  geometry: full scale at %d of %d microsteps; %ld steps into the far stop; rest at %d\n",
              b.needles.n[0].highest(), cg::kTravelSteps, b.needles.n[0].blocked(), b.needles.n[0].position());
}

TEST_CASE("a full sweep: every interval at or above the rated minimum, evenly spaced at top speed") {
  Bench b;
  b.home();
  b.clearRecords();
  b.feed(1000, 0, 0, 0);
  b.settle();
  const std::vector<int64_t>& up = b.needles.n[0].intervals();
  REQUIRE(up.size() == static_cast<size_t>(cg::kMaxSteps));
  CHECK(withinRating(up));
  // At top speed the steps sit 1e6 / kMaxSpeed apart, to within the timer's reload floor.
  CHECK(sim::minimum(up) >= 1000000 / cg::kMaxSpeed - cg::kMinWakeUs);
  CHECK(sim::median(up) <= 1000000 / cg::kMaxSpeed + 1);
  for (size_t i = 1; i < up.size(); ++i) {
    // No bursts: while moving (not the pause before the sweep, not the last, slower step onto
    // the target), neighbouring intervals differ by a few microseconds, never by a catch-up.
    if (up[i] > 600 || up[i - 1] > 600) continue;
    const int64_t d = up[i] - up[i - 1];
    CHECK(d <= 20);
    CHECK(d >= -20);
  }
  report("sweep 0 -> full scale", b);
  CHECK(b.needles.n[0].lost() == 0);
}

TEST_CASE("1,000 random moves lose no step") {
  Bench b;
  for (sim::PhysicalNeedle& n : b.needles.n) n.place(2000);
  b.home();
  b.clearRecords();
  std::mt19937 rng(17);
  for (int i = 0; i < 1000; ++i) {
    auto permille = [&rng] { return static_cast<uint32_t>(rng() % 1001); };
    b.feed(permille(), permille(), permille(), permille());
    b.runMs(static_cast<int64_t>(20 + rng() % 500));
    for (int m = 0; m < 4; ++m) REQUIRE(b.needles.n[m].position() == cg::kZeroOffsetSteps + b.drive.position(m));
  }
  b.feed(0, 0, 0, 0);
  b.settle();
  for (const sim::PhysicalNeedle& n : b.needles.n) {
    CHECK(n.position() == cg::kZeroOffsetSteps);
    CHECK(n.lost() == 0);
    CHECK(n.blocked() == 0);
    CHECK(n.highest() <= cg::kTravelSteps - 2 * cg::kStepsPerDeg);
    CHECK(withinRating(n.intervals()));
  }
  report("1,000 random moves", b);
}

TEST_CASE("re-homing in the middle of a fast move still ends at true zero") {
  Bench b;
  b.home();
  b.feed(1000, 700, 300, 1000);
  b.runMs(250);  // all four moving, two at top speed
  CHECK(b.drive.position(0) > 0);
  b.home();
  for (int m = 0; m < 4; ++m) {
    // Zero is true zero; the needles (whose targets were kept) may already be a step or two on
    // their way back up.
    CHECK(b.needles.n[m].position() == cg::kZeroOffsetSteps + b.drive.position(m));
    CHECK(b.drive.position(m) <= 2);
  }
  b.clearRecords();
  b.settle();  // and back to the data, without losing a step
  for (int m = 0; m < 4; ++m) CHECK(b.needles.n[m].position() == cg::kZeroOffsetSteps + b.drive.position(m));
  CHECK(lostSteps(b) == 0);
}
