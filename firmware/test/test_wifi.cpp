// WiFi start and boot order, against stubs that behave like WiFiManager 2.0.17 and the ESP32
// WiFi driver where it matters: getWiFiIsSaved() before WiFi starts answers garbage (the
// stubs give the wrong answer and count the call), the portal turns the station off, a
// non-blocking portal closes after its timeout. Each scenario gets a fresh net::Portal; the one
// boot of the whole sketch (its globals live for the process) checks the order and the wipe.
#include <doctest/doctest.h>

#include <Arduino.h>
#include <WiFi.h>

#include "../stubs/stub_state.h"
#include "net.h"
#include "pins.h"

void setup();
void loop();

namespace {

// Runs the portal's loop for `ms` of simulated time, 10 ms a turn (as the sketch's loop does).
void portalFor(net::Portal& portal, uint32_t ms) {
  const uint64_t end = stub::s().us + static_cast<uint64_t>(ms) * 1000;
  while (stub::s().us < end) {
    portal.loop();
    stub::run(10000);
  }
}

struct Board {
  net::Settings settings;
  net::Portal portal;
  void boot() { portal.begin(settings, "claude-gauge-test"); }
};

}  // namespace

TEST_CASE("wifi: a blank board opens the portal with no timeout and waits there") {
  stub::reset();
  stub::s().wifiSaved = false;
  Board b;
  b.boot();
  CHECK(stub::s().wifiMisuse == 0);
  CHECK(b.portal.open());
  CHECK(stub::s().portalTimeoutS == 0);
  const int attempts = stub::s().wifiBegins;
  portalFor(b.portal, 10 * 60 * 1000);
  CHECK(b.portal.open());  // still there for whoever sets it up, ten minutes on
  CHECK(stub::s().wifiBegins == attempts);  // nothing saved, nothing to retry
  CHECK(stub::s().wifiMisuse == 0);
}

TEST_CASE("wifi: a saved network that is up is joined, no portal") {
  stub::reset();
  stub::s().wifiSaved = true;
  Board b;
  b.boot();
  CHECK(stub::s().wifiMisuse == 0);
  CHECK(WiFi.status() == WL_CONNECTED);
  CHECK_FALSE(b.portal.open());
  portalFor(b.portal, 60000);
  CHECK(WiFi.status() == WL_CONNECTED);
  CHECK(stub::s().wifiMisuse == 0);
}

TEST_CASE("wifi: a saved network down at power-up: portal open, the network retried beside it, joined when it comes up") {
  stub::reset();
  stub::s().wifiSaved = true;
  stub::s().routerUp = false;  // the router boots slower than the cluster
  Board b;
  b.boot();
  CHECK(stub::s().wifiMisuse == 0);
  CHECK(b.portal.open());
  CHECK(stub::s().portalTimeoutS == 180);
  const int attempts = stub::s().wifiBegins;
  portalFor(b.portal, 65000);
  CHECK(stub::s().wifiBegins >= attempts + 2);  // every 30 s while the portal is open
  CHECK(b.portal.open());
  CHECK(WiFi.status() != WL_CONNECTED);

  stub::s().routerUp = true;
  portalFor(b.portal, 31000);
  CHECK(WiFi.status() == WL_CONNECTED);
  CHECK_FALSE(b.portal.open());  // closed once the saved network is joined
  CHECK(stub::s().wifiMisuse == 0);
}

TEST_CASE("wifi: a saved network down past the portal's 3 minutes: the portal closes, retries go on") {
  stub::reset();
  stub::s().wifiSaved = true;
  stub::s().routerUp = false;
  Board b;
  b.boot();
  portalFor(b.portal, 181000);
  CHECK_FALSE(b.portal.open());
  const int attempts = stub::s().wifiBegins;
  portalFor(b.portal, 61000);
  CHECK(stub::s().wifiBegins >= attempts + 2);
  stub::s().routerUp = true;
  portalFor(b.portal, 31000);
  CHECK(WiFi.status() == WL_CONNECTED);
  CHECK(stub::s().wifiMisuse == 0);
}

TEST_CASE("boot: the needles home before WiFi starts; a 10 s hold wipes WiFi and the next boot is a blank board's") {
  stub::reset();
  stub::s().wifiSaved = true;
  setup();
  CHECK(stub::s().wifiMisuse == 0);
  REQUIRE(stub::s().wifiStarted);
  // Every homing step (nothing else moves before the first poll) came before the radio started.
  uint64_t lastStep = 0;
  for (int m = 0; m < 4; ++m) {
    CHECK(stub::risingEdges(pins::kStep[m]) > 0);
    for (const stub::PinEvent& e : stub::s().writes)
      if (e.pin == pins::kStep[m] && e.us > lastStep) lastStep = e.us;
  }
  CHECK(stub::s().firstRadioUs > lastStep);
  CHECK(WiFi.status() == WL_CONNECTED);

  // The BOOT button held 10 s (the ui task, 10 ms a turn): WiFi forgotten, restart.
  // (Released first: a press held from reset is not one of ours.)
  REQUIRE(stub::s().tasks.size() == 1);
  for (const uint8_t level : {HIGH, LOW}) {
    stub::s().level[pins::kButton] = level;
    stub::s().taskDelaysLeft = level == HIGH ? 10 : 1010;
    try {
      stub::s().tasks[0].second(nullptr);
    } catch (const stub::StopTask&) {
    }
  }
  const uint64_t end = stub::s().us + 1500000;
  while (stub::s().us < end) loop();
  CHECK_FALSE(stub::s().wifiSaved);
  CHECK(stub::s().restarts >= 1);

  // The next boot (a fresh radio): the portal with no timeout.
  stub::s().wifiStarted = false;
  stub::s().wifiConnected = false;
  stub::s().portalOpen = false;
  Board b;
  b.boot();
  CHECK(b.portal.open());
  CHECK(stub::s().portalTimeoutS == 0);
  CHECK(stub::s().wifiMisuse == 0);
}
