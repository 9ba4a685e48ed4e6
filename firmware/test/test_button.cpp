// The BOOT button: debounce, short press on release, long press while held, held-at-boot ignored.
#include <doctest/doctest.h>

#include "core/button.h"

using cg::ButtonEvent;

namespace {

// Feeds a level for `ms` milliseconds at 10 ms polling, returning the events seen.
struct Driver {
  cg::Button b;
  uint32_t now = 1000;
  int shorts = 0, longs = 0, veryLongs = 0;
  void hold(bool pressed, uint32_t ms) {
    for (uint32_t t = 0; t < ms; t += 10) {
      const ButtonEvent e = b.update(pressed, now);
      if (e == ButtonEvent::Short) ++shorts;
      if (e == ButtonEvent::Long) ++longs;
      if (e == ButtonEvent::VeryLong) ++veryLongs;
      now += 10;
    }
  }
};

}  // namespace

TEST_CASE("a short press fires once, on release") {
  Driver d;
  d.hold(false, 100);
  d.hold(true, 200);
  CHECK(d.shorts == 0);
  d.hold(false, 100);
  CHECK(d.shorts == 1);
  CHECK(d.longs == 0);
}

TEST_CASE("a long press fires once while still held, and no short press on release") {
  Driver d;
  d.hold(false, 50);
  d.hold(true, 3100);
  CHECK(d.longs == 1);
  d.hold(true, 2000);
  CHECK(d.longs == 1);
  d.hold(false, 100);
  CHECK(d.shorts == 0);
}

TEST_CASE("held on past 10 s, a long press becomes a very long press, once") {
  Driver d;
  d.hold(false, 50);
  d.hold(true, 9000);
  CHECK(d.longs == 1);
  CHECK(d.veryLongs == 0);
  d.hold(true, 1100);
  CHECK(d.veryLongs == 1);
  d.hold(true, 5000);
  d.hold(false, 100);
  CHECK(d.longs == 1);
  CHECK(d.veryLongs == 1);
  CHECK(d.shorts == 0);
}

TEST_CASE("bounces shorter than the debounce time are not presses") {
  Driver d;
  d.hold(false, 50);
  for (int i = 0; i < 10; ++i) {
    d.hold(true, 10);
    d.hold(false, 10);
  }
  d.hold(false, 100);
  CHECK(d.shorts == 0);
}

TEST_CASE("a button held when watching starts (e.g. from reset) is ignored until released") {
  Driver d;
  d.hold(true, 5000);
  CHECK(d.longs == 0);
  d.hold(false, 100);
  CHECK(d.shorts == 0);
  d.hold(true, 100);
  d.hold(false, 100);
  CHECK(d.shorts == 1);
}

TEST_CASE("the millisecond clock may wrap mid-press") {
  Driver d;
  d.now = 0xffffffffu - 1000;
  d.hold(false, 50);
  d.hold(true, 3200);
  CHECK(d.longs == 1);
}
