// The core's interfaces on the ESP32's pins and timer (Arduino-ESP32 2.0.17 API).
#pragma once

#include <Arduino.h>
#include <esp_system.h>  // esp_random(), explicitly (IDF 4.4 declares it through here)

#include "core/io.h"

namespace hw {

// STEP/DIR on GPIOs. Called from the stepping interrupt.
class GpioStepDir : public cg::StepDirOut {
 public:
  void begin();  // all STEP low, DIR to forward
  void dir(uint8_t motor, bool forward) override;
  void step(uint8_t motor, bool high) override;
};

// The seven lamp channels on LEDC PWM (5 kHz, 8 bit), LEDC channel = lamp channel.
class LedcLamps : public cg::LedOut {
 public:
  void begin();
  void set(uint8_t channel, uint8_t level) override;
};

// Holds the quad driver in reset (its outputs off), waits, then releases it.
void resetDriver();

class ArduinoClock : public cg::Clock {
 public:
  uint32_t millis() override { return ::millis(); }
};

class EspRandom : public cg::Random {
 public:
  uint32_t next() override { return esp_random(); }  // hardware RNG (true random with WiFi on)
};

// Starts hardware timer 0 calling `isr` on this core; the interrupt sets its next wait with
// setStepTimerWait (the microseconds Drive::isrTick() returns).
hw_timer_t* startStepTimer(void (*isr)());
void setStepTimerWait(uint32_t us);

}  // namespace hw
