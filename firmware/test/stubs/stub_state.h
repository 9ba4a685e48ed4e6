// Host stand-ins for the Arduino-ESP32 2.0.17 APIs the sketch uses, declared with the real
// signatures so a typo in src/*.cpp fails here as it would on the ESP32. Not an emulator: just
// enough state (time, pin levels, PWM duties, one timer, canned network answers) for
// test/test_sketch.cpp to run setup() and loop() and look at the pins.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace stub {

struct PinEvent {
  uint64_t us;
  uint8_t pin;
  uint8_t level;
};

struct State {
  uint64_t us = 0;  // simulated time since boot
  std::map<uint8_t, uint8_t> pinMode;
  std::map<uint8_t, uint8_t> level;  // outputs as written, inputs as set by the test
  std::vector<PinEvent> writes;
  std::map<uint8_t, uint32_t> ledcDuty;   // channel -> duty
  std::map<uint8_t, uint8_t> ledcPin;     // pin -> channel
  void (*timerIsr)() = nullptr;
  uint64_t timerPeriodUs = 0;
  bool timerEnabled = false;
  uint64_t nextTimerUs = 0;
  bool inIsr = false;
  // Tasks created with xTaskCreatePinnedToCore (not run unless the test runs them).
  std::vector<std::pair<std::string, void (*)(void*)>> tasks;
  int wdtResets = 0;
  int restarts = 0;
  // Network. The radio is off until WiFi.mode()/begin() or WiFiManager's autoConnect starts it;
  // before that WiFiManager::getWiFiIsSaved() reads an uninitialised struct (see WiFiManager.h).
  bool wifiConnected = false;
  bool wifiSaved = true;     // credentials in NVS
  bool routerUp = true;      // the saved network can be joined
  bool wifiStarted = false;
  bool staEnabled = false;   // the station side (the setup portal turns it off, as 2.0.17 does)
  int wifiMisuse = 0;        // getWiFiIsSaved() calls before WiFi started
  uint64_t firstRadioUs = ~0ull;  // when the radio was first started (boot draws its peak here)
  int wifiBegins = 0;        // station connect attempts
  bool portalOpen = false;
  unsigned long portalTimeoutS = 0;  // as set when the portal opened
  uint64_t portalOpenedUs = 0;
  std::string httpBody = "CG1 1 0 0 0 0 0 0 0\n";
  int httpStatus = 200;
  int httpGets = 0;
  bool mdnsFound = true;
  int mdnsQueries = 0;
  // A task loop stops (throws StopTask) after this many delays.
  int taskDelaysLeft = 0;
};

inline State& s() {
  static State state;
  return state;
}

inline void reset() { s() = State(); }

struct StopTask {};

// Advances simulated time, firing the timer interrupt on schedule (as the hardware would while
// the caller is blocked).
inline void run(uint64_t us) {
  const uint64_t end = s().us + us;
  while (s().timerEnabled && s().timerIsr && s().timerPeriodUs > 0 && s().nextTimerUs <= end) {
    s().us = s().nextTimerUs;
    s().nextTimerUs += s().timerPeriodUs;
    s().inIsr = true;
    s().timerIsr();
    s().inIsr = false;
  }
  s().us = end;
}

inline int risingEdges(uint8_t pin) {
  int n = 0;
  uint8_t prev = 0;
  bool seen = false;
  for (const PinEvent& e : s().writes) {
    if (e.pin != pin) continue;
    if (seen && prev == 0 && e.level == 1) ++n;
    prev = e.level;
    seen = true;
  }
  return n;
}

}  // namespace stub
