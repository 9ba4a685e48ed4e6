// The Arduino layer (src/main.cpp, hw.cpp, net.cpp), compiled against stubs/ of the ESP32 APIs
// and run on simulated time: setup() resets the driver and homes the needles from the timer
// interrupt, loop() finds the daemon and polls it, the ui task drives the lamps and reads the
// BOOT button. One scripted scenario, since the sketch's globals live for the whole process.
#include <doctest/doctest.h>

#include <string>

#include <Arduino.h>

#include "../stubs/stub_state.h"
#include "core/drive.h"
#include "core/lamps.h"
#include "pins.h"

void setup();
void loop();

namespace {

constexpr long kHome = cg::Homing::kStart;  // microsteps homing runs down, counted from anywhere

// The shortest time between two rising STEP edges on one motor so far, microseconds.
uint64_t shortestStepInterval(int motor) {
  uint64_t last = 0, shortest = UINT64_MAX;
  uint8_t step = 0;
  bool seen = false;
  for (const stub::PinEvent& e : stub::s().writes) {
    if (e.pin != pins::kStep[motor]) continue;
    if (step == 0 && e.level == 1) {
      if (seen && e.us - last < shortest) shortest = e.us - last;
      last = e.us;
      seen = true;
    }
    step = e.level;
  }
  return shortest;
}

// The needle's physical position, replayed from the STEP/DIR pin writes.
long position(int motor) {
  const uint8_t stepPin = pins::kStep[motor];
  const uint8_t dirPin = pins::kDir[motor];
  bool forward = true;
  uint8_t step = 0;
  long pos = 0;
  for (const stub::PinEvent& e : stub::s().writes) {
    if (e.pin == dirPin) forward = (e.level == 1) == pins::kDirForwardLevel[motor];
    if (e.pin == stepPin) {
      if (step == 0 && e.level == 1) pos += forward ? 1 : -1;
      step = e.level;
    }
  }
  return pos;
}

void loopFor(uint32_t ms) {
  const uint64_t end = stub::s().us + static_cast<uint64_t>(ms) * 1000;
  while (stub::s().us < end) loop();
}

// Runs the ui task for `iterations` periods (10 ms each).
void runUi(int iterations) {
  REQUIRE(stub::s().tasks.size() == 1);
  stub::s().taskDelaysLeft = iterations;
  try {
    stub::s().tasks[0].second(nullptr);
  } catch (const stub::StopTask&) {
  }
}

uint32_t lamp(uint8_t channel) { return stub::s().ledcDuty[channel]; }

}  // namespace

TEST_CASE("the sketch on stubs: reset, homing, discovery, polling, lamps, button, staleness, wipe") {
  stub::reset();
  stub::s().wifiSaved = true;
  stub::s().httpBody = "CG1 1 0 1000 500 0 0 2 2\n";  // fuel full, tach half, sonnet, WARN

  setup();

  // Driver reset: held low >= 1 ms after the outputs were set up, then released.
  uint64_t low = 0, high = 0;
  for (const stub::PinEvent& e : stub::s().writes)
    if (e.pin == pins::kDriverReset) (e.level ? high : low) = e.us;
  CHECK(high > low);
  CHECK(high - low >= 1000);
  CHECK(stub::s().level[pins::kDriverReset] == 1);
  for (int m = 0; m < 4; ++m) {
    CHECK(stub::s().pinMode[pins::kStep[m]] == OUTPUT);
    CHECK(stub::s().pinMode[pins::kDir[m]] == OUTPUT);
  }
  CHECK(stub::s().pinMode[pins::kButton] == INPUT_PULLUP);
  for (uint8_t ch = 0; ch < cg::kLampChannels; ++ch) CHECK(stub::s().ledcPin[pins::kLamp[ch]] == ch);
  // The timer is reloaded with whatever wait the drive asks for, never shorter than kMinWakeUs.
  CHECK(stub::s().timerPeriodUs >= cg::kMinWakeUs);
  CHECK(stub::s().timerPeriodUs <= 1000);
  CHECK(stub::s().timerEnabled);
  REQUIRE(stub::s().tasks.size() == 1);
  CHECK(stub::s().tasks[0].first == "ui");


  // Homing, then the first polls: the daemon is found over mDNS and the needles go to the data.
  loopFor(5000);
  CHECK(stub::s().mdnsQueries == 1);
  CHECK(stub::s().httpGets >= 4);
  CHECK(stub::risingEdges(pins::kStep[0]) == kHome + cg::kZeroOffsetSteps + cg::kMaxSteps);
  CHECK(position(0) == -kHome + cg::kZeroOffsetSteps + cg::kMaxSteps);  // counted from where it was at boot
  CHECK(position(1) == -kHome + cg::kZeroOffsetSteps + cg::permilleToSteps(500));
  CHECK(position(2) == -kHome + cg::kZeroOffsetSteps);
  CHECK(stub::s().wdtResets > 100);
  // Homing and the first sweep: no two steps closer than the X27.168's 600 deg/s allows.
  for (int m = 0; m < 4; ++m) CHECK(shortestStepInterval(m) * cg::kRatedMaxSpeed >= 1000000);

  runUi(5);
  CHECK(lamp(cg::kModelR) == 255);
  CHECK(lamp(cg::kModelG) == 120);
  CHECK(lamp(cg::kModelB) == 0);
  CHECK(lamp(cg::kWarn) == 255);
  CHECK(lamp(cg::kStall) == 0);
  CHECK(lamp(cg::kHot) == 0);

  // The daemon adds RANGE (16: the window runs out before it resets): WARN flashes at 1 Hz on the
  // LED, the ui task sampling it every 10 ms; without the bit it is steady again.
  stub::s().httpBody = "CG1 2 0 1000 500 0 0 2 18\n";
  loopFor(1100);
  int on = 0, toggles = 0;
  uint32_t was = lamp(cg::kWarn);
  for (int i = 0; i < 200; ++i) {  // 2 s, no poll in between (still fresh)
    runUi(1);
    const uint32_t w = lamp(cg::kWarn);
    CHECK((w == 0 || w == 255));
    on += w == 255 ? 1 : 0;
    toggles += w != was ? 1 : 0;
    was = w;
  }
  CHECK(on >= 95);
  CHECK(on <= 105);
  CHECK(toggles >= 3);
  CHECK(toggles <= 5);
  CHECK(lamp(cg::kStall) == 0);
  stub::s().httpBody = "CG1 3 0 1000 500 0 0 2 2\n";
  loopFor(1100);
  for (int i = 0; i < 100; ++i) {
    runUi(1);
    CHECK(lamp(cg::kWarn) == 255);
  }

  // A short press only prints a hint: nothing moves.
  stub::s().level[pins::kButton] = LOW;
  runUi(20);
  stub::s().level[pins::kButton] = HIGH;
  runUi(10);
  loopFor(1000);
  CHECK(stub::risingEdges(pins::kStep[0]) == kHome + cg::kZeroOffsetSteps + cg::kMaxSteps);

  // A long press (3 s) on BOOT re-homes: down into the stop, back off, back up to the data.
  stub::s().level[pins::kButton] = LOW;
  runUi(310);
  stub::s().level[pins::kButton] = HIGH;
  runUi(10);
  loopFor(4000);
  CHECK(stub::risingEdges(pins::kStep[0]) == 2 * (kHome + cg::kZeroOffsetSteps + cg::kMaxSteps));
  CHECK(position(0) == -kHome + cg::kZeroOffsetSteps + cg::kMaxSteps - kHome + cg::kZeroOffsetSteps + cg::kMaxSteps);

  // The daemon starts failing: STALL after 5 s, the needles rest after 60 s.
  stub::s().httpStatus = 500;
  loopFor(6000);
  runUi(2);
  CHECK(lamp(cg::kStall) == 255);
  CHECK(lamp(cg::kWarn) == 0);
  loopFor(56000);
  const long rested = position(0);
  CHECK(rested == -4020 + 60 - kHome + cg::kZeroOffsetSteps + cg::kMaxSteps);  // back at zero after the second homing
  runUi(2);
  CHECK(lamp(cg::kModelR) == 0);

  // It answers again: the needles come back.
  stub::s().httpStatus = 200;
  loopFor(20000);
  CHECK(position(0) == rested + cg::kMaxSteps);

  // WiFi drops (the router goes away; the saved network is retried, in vain): the link is
  // known lost, the needles rest at once.
  stub::s().wifiConnected = false;
  stub::s().routerUp = false;
  loopFor(2000);
  CHECK(position(0) == rested);
  runUi(2);
  CHECK(lamp(cg::kStall) == 255);

  // A very long press (10 s) wipes the WiFi settings, lights every lamp and restarts into the portal.
  stub::s().level[pins::kButton] = LOW;
  runUi(1010);
  loopFor(50);
  runUi(1);
  for (uint8_t ch = 0; ch < cg::kLampChannels; ++ch) CHECK(lamp(ch) == 255);
  CHECK_FALSE(stub::s().wifiSaved);
  loopFor(1500);
  CHECK(stub::s().restarts >= 1);
}
