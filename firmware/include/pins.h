// The cluster's wiring on an ESP32 DevKit V1 (WROOM-32) with one X12.017-class quad driver at
// 5 V: the one pin map, checked at compile time. A map that puts an output on an input-only or
// flash pin, shares a pin, uses GPIO12 as an output, puts an output on another strapping pin
// without saying why, names a GPIO the module does not bring out (37, 38) or puts the button
// where INPUT_PULLUP does nothing (34-39) without a declared external pull-up does not build. The host tests (firmware/test/CMakeLists.txt) compile copies
// of this header with one line broken and expect these messages. docs/hardware.md has the table.
#pragma once

#include "pin_rules.h"

namespace pins {

constexpr PinUse kPinMap[] = {
    // Gauges: STEP (f(scx)) and DIR (CW/CCW) of each driver channel. 25-27, 32, 33, 14, 18, 19:
    // plain outputs. 14 toggles during boot, harmless while the driver is held in reset.
    {Fn::Step1, 25, nullptr}, {Fn::Dir1, 26, nullptr},
    {Fn::Step2, 27, nullptr}, {Fn::Dir2, 14, nullptr},
    {Fn::Step3, 32, nullptr}, {Fn::Dir3, 33, nullptr},
    {Fn::Step4, 18, nullptr}, {Fn::Dir4, 19, nullptr},
    // Driver RESET: 10k pull-down on the board keeps the driver (and its outputs) off until the
    // firmware releases it, >= 1 ms after power-up.
    {Fn::DriverReset, 23, nullptr},
    // Lamps, each through its own series resistor.
    {Fn::ModelR, 16, nullptr}, {Fn::ModelG, 17, nullptr}, {Fn::ModelB, 21, nullptr},
    {Fn::Hot, 4, nullptr},
    {Fn::Warn, 13, nullptr},
    {Fn::Stall, 22, nullptr},
    {Fn::Idle, 5,
     "GPIO5 straps only the SDIO-slave timing, which a board booting from SPI flash ignores; "
     "its boot-time pull-up merely glows the IDLE LED faintly until setup() drives it"},
    // The on-board BOOT button: a strapping input (held at reset it selects the serial
    // bootloader), read as a plain button once running.
    {Fn::Button, 0, nullptr},
};

// The checks (pin_rules.h). Order matters only for which message a broken map shows first.
static_assert(rules::everyFunctionOnce(kPinMap), "pin map: every function needs exactly one pin");
static_assert(rules::gpiosExist(kPinMap), "pin map: a GPIO number the ESP32-WROOM-32 does not have");
static_assert(rules::noFlashPins(kPinMap), "pin map: GPIO 6-11 are the SPI flash");
static_assert(rules::noUartPins(kPinMap), "pin map: GPIO 1 and 3 are the USB serial (flashing, logs)");
static_assert(rules::noInputOnlyOutputs(kPinMap), "pin map: an output on an input-only pin (GPIO 34, 35, 36, 39)");
static_assert(rules::inputsPulledUp(kPinMap),
              "pin map: the button needs a pull-up: GPIO 34-39 have none inside, so declare the external one (externalPullup)");
static_assert(rules::noSharedPins(kPinMap), "pin map: two functions share a pin");
static_assert(rules::noGpio12Output(kPinMap),
              "pin map: GPIO12 as an output is refused (high at reset it selects 1.8 V flash: no boot)");
static_assert(rules::strapOutputsExplained(kPinMap),
              "pin map: an output on a strapping pin (0, 2, 5, 15) needs a documented reason");

constexpr uint8_t pin(Fn f) { return static_cast<uint8_t>(rules::pinOf(kPinMap, f)); }

constexpr uint8_t kStep[4] = {pin(Fn::Step1), pin(Fn::Step2), pin(Fn::Step3), pin(Fn::Step4)};
constexpr uint8_t kDir[4] = {pin(Fn::Dir1), pin(Fn::Dir2), pin(Fn::Dir3), pin(Fn::Dir4)};
constexpr uint8_t kDriverReset = pin(Fn::DriverReset);
// In cg::LampChannel order: MODEL R, G, B, HOT, WARN, STALL, IDLE.
constexpr uint8_t kLamp[7] = {pin(Fn::ModelR), pin(Fn::ModelG), pin(Fn::ModelB), pin(Fn::Hot),
                              pin(Fn::Warn),   pin(Fn::Stall),  pin(Fn::Idle)};
constexpr uint8_t kButton = pin(Fn::Button);

// Which DIR level turns each needle up the scale (clockwise on the dial). Flip one if a motor
// was wired the other way round.
constexpr bool kDirForwardLevel[4] = {true, true, true, true};

}  // namespace pins
