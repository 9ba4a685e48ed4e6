// What an ESP32-WROOM-32 (DevKit V1) pin may be used for, as constexpr checks over a pin map.
// pins.h applies them with static_assert, so a bad map does not build. Plain C++17.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pins {

// Every function the cluster wires to a pin. Button is the only input.
enum class Fn : uint8_t {
  Step1, Dir1,  // gauge 1, fuel
  Step2, Dir2,  // gauge 2, tach
  Step3, Dir3,  // gauge 3, temp
  Step4, Dir4,  // gauge 4, boost
  DriverReset,  // quad driver RESET (active low)
  ModelR, ModelG, ModelB,
  Hot, Warn, Stall, Idle,
  Button,       // on-board BOOT button, read after boot
  Count
};

struct PinUse {
  Fn fn;
  int gpio;
  // Required (non-empty) when an output sits on a strapping pin: why that is safe here.
  const char* strapReason;
  // Required (non-empty) for the button on GPIO 34-39, which have no internal pull-up: the
  // external pull-up fitted (value, where). Without one the input floats, and a floating
  // button can read as a 10 s hold and wipe the WiFi settings.
  const char* externalPullup = nullptr;
};

namespace rules {

constexpr bool isInput(Fn f) { return f == Fn::Button; }
constexpr bool isOutput(Fn f) { return !isInput(f); }

// GPIOs the ESP32-WROOM-32 brings out: 0-19, 21-23, 25-27, 32-36, 39. The chip's 37 and 38
// (input-only) are not on the module's pads.
constexpr bool exists(int g) {
  return (g >= 0 && g <= 19) || (g >= 21 && g <= 23) || (g >= 25 && g <= 27) || (g >= 32 && g <= 36) || g == 39;
}
constexpr bool isFlash(int g) { return g >= 6 && g <= 11; }
// 34-39: input-only, and without internal pull-ups or pull-downs.
constexpr bool isInputOnly(int g) { return g >= 34 && g <= 39; }
constexpr bool hasInternalPullup(int g) { return exists(g) && !isInputOnly(g); }
constexpr bool isStrapping(int g) { return g == 0 || g == 2 || g == 5 || g == 12 || g == 15; }
constexpr bool isUart0(int g) { return g == 1 || g == 3; }  // USB serial: flashing and logs
constexpr bool hasText(const char* s) { return s != nullptr && s[0] != '\0'; }

template <size_t N>
constexpr bool everyFunctionOnce(const PinUse (&map)[N]) {
  for (int f = 0; f < static_cast<int>(Fn::Count); ++f) {
    int seen = 0;
    for (size_t i = 0; i < N; ++i) seen += static_cast<int>(map[i].fn) == f ? 1 : 0;
    if (seen != 1) return false;
  }
  return true;
}

template <size_t N>
constexpr bool gpiosExist(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (!exists(map[i].gpio)) return false;
  return true;
}

template <size_t N>
constexpr bool noFlashPins(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isFlash(map[i].gpio)) return false;
  return true;
}

template <size_t N>
constexpr bool noUartPins(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isUart0(map[i].gpio)) return false;
  return true;
}

template <size_t N>
constexpr bool noInputOnlyOutputs(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isOutput(map[i].fn) && isInputOnly(map[i].gpio)) return false;
  return true;
}

template <size_t N>
constexpr bool noSharedPins(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    for (size_t j = i + 1; j < N; ++j)
      if (map[i].gpio == map[j].gpio) return false;
  return true;
}

template <size_t N>
constexpr bool noGpio12Output(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isOutput(map[i].fn) && map[i].gpio == 12) return false;
  return true;
}

// GPIO12 is refused by noGpio12Output whatever the reason; the other strapping pins may carry an
// output when the map says why.
template <size_t N>
constexpr bool strapOutputsExplained(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isOutput(map[i].fn) && isStrapping(map[i].gpio) && map[i].gpio != 12 && !hasText(map[i].strapReason)) return false;
  return true;
}

// INPUT_PULLUP does nothing on 34-39: an input there needs a pull-up on the board, declared.
template <size_t N>
constexpr bool inputsPulledUp(const PinUse (&map)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (isInput(map[i].fn) && !hasInternalPullup(map[i].gpio) && !hasText(map[i].externalPullup)) return false;
  return true;
}

template <size_t N>
constexpr int pinOf(const PinUse (&map)[N], Fn f) {
  for (size_t i = 0; i < N; ++i)
    if (map[i].fn == f) return map[i].gpio;
  return -1;
}

}  // namespace rules
}  // namespace pins
