#include "hw.h"

#include "core/drive.h"
#include "core/lamps.h"
#include "pins.h"

namespace hw {

void GpioStepDir::begin() {
  for (int m = 0; m < 4; ++m) {
    pinMode(pins::kStep[m], OUTPUT);
    digitalWrite(pins::kStep[m], LOW);
    pinMode(pins::kDir[m], OUTPUT);
    digitalWrite(pins::kDir[m], pins::kDirForwardLevel[m] ? HIGH : LOW);
  }
}

// digitalWrite is an IRAM function in the 2.0.x core; the timer interrupt is allocated without
// ESP_INTR_FLAG_IRAM, so it is simply held off while the flash cache is disabled (NVS or OTA
// writes): the needles pause for those few milliseconds instead of crashing the chip.
void IRAM_ATTR GpioStepDir::dir(uint8_t motor, bool forward) {
  digitalWrite(pins::kDir[motor], forward == pins::kDirForwardLevel[motor] ? HIGH : LOW);
}

void IRAM_ATTR GpioStepDir::step(uint8_t motor, bool high) { digitalWrite(pins::kStep[motor], high ? HIGH : LOW); }

void LedcLamps::begin() {
  for (uint8_t ch = 0; ch < cg::kLampChannels; ++ch) {
    ledcSetup(ch, 5000, 8);
    ledcAttachPin(pins::kLamp[ch], ch);
    ledcWrite(ch, 0);
  }
}

void LedcLamps::set(uint8_t channel, uint8_t level) {
  if (channel < cg::kLampChannels) ledcWrite(channel, level);
}

void resetDriver() {
  // The board's pull-down has held RESET low since power-up; drive it low too, give the
  // driver's supply time to settle (>= 1 ms low after power-up), then release.
  pinMode(pins::kDriverReset, OUTPUT);
  digitalWrite(pins::kDriverReset, LOW);
  delay(5);
  digitalWrite(pins::kDriverReset, HIGH);
  delayMicroseconds(100);
}

namespace {
hw_timer_t* stepTimer = nullptr;
}

// The timer auto-reloads: its counter restarts at every alarm, so the new alarm value written in
// the interrupt counts from that alarm, not from whenever the interrupt got to run. Step times
// stay exact to the microsecond and the latency never accumulates.
hw_timer_t* startStepTimer(void (*isr)()) {
  stepTimer = timerBegin(0, 80, true);     // 80 MHz APB / 80: one count per microsecond
  timerAttachInterrupt(stepTimer, isr, false);  // level-triggered, as the 2.0.x driver only has
  timerAlarmWrite(stepTimer, cg::kMinWakeUs, true);
  timerAlarmEnable(stepTimer);
  return stepTimer;
}

void IRAM_ATTR setStepTimerWait(uint32_t us) {
  // Should this interrupt have run past the new alarm value, the alarm would not come round
  // until the 64-bit counter wraps: then fire a moment from now instead (the step is late, never
  // early, and the drive's next interval counts from when it actually happened).
  const uint64_t elapsed = timerRead(stepTimer);
  const uint64_t at = us > elapsed + 2 ? us : elapsed + 2;
  timerAlarmWrite(stepTimer, at, true);
  timerAlarmEnable(stepTimer);
}

}  // namespace hw
