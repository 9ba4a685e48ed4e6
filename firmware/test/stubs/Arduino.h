// Host stub of Arduino.h (Arduino-ESP32 2.0.17): the subset the sketch uses, real signatures.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "stub_state.h"

typedef bool boolean;
typedef uint8_t byte;

#define HIGH 0x1
#define LOW 0x0
#define INPUT 0x01
#define OUTPUT 0x03
#define PULLUP 0x04
#define INPUT_PULLUP 0x05
#define IRAM_ATTR
#define ARDUINO_ISR_ATTR

// --- String (WString.h), the little the sketch touches -------------------------------------
class String {
 public:
  String(const char* s = "") : s_(s ? s : "") {}
  String(const std::string& s) : s_(s) {}
  const char* c_str() const { return s_.c_str(); }
  unsigned int length() const { return static_cast<unsigned int>(s_.size()); }
  char operator[](unsigned int i) const { return i < s_.size() ? s_[i] : '\0'; }
  bool operator==(const char* o) const { return s_ == (o ? o : ""); }

 private:
  std::string s_;
};

// --- IPAddress -----------------------------------------------------------------------------
class IPAddress {
 public:
  IPAddress() = default;
  IPAddress(uint8_t a, uint8_t b, uint8_t c, uint8_t d) : b_{a, b, c, d} {}
  operator uint32_t() const { return static_cast<uint32_t>(b_[0]) | b_[1] << 8 | b_[2] << 16 | static_cast<uint32_t>(b_[3]) << 24; }
  uint8_t operator[](int i) const { return b_[i]; }
  String toString() const {
    char buf[16];
    snprintf(buf, sizeof(buf), "%u.%u.%u.%u", b_[0], b_[1], b_[2], b_[3]);
    return String(buf);
  }

 private:
  uint8_t b_[4] = {0, 0, 0, 0};
};

// --- Print / Stream / Serial ---------------------------------------------------------------
class Print {
 public:
  virtual ~Print() = default;
  virtual size_t write(uint8_t c) = 0;
  size_t print(const char* s) {
    size_t n = 0;
    while (s && *s) n += write(static_cast<uint8_t>(*s++));
    return n;
  }
  size_t println(const char* s = "") { return print(s) + print("\n"); }
  size_t println(const String& s) { return println(s.c_str()); }
  size_t printf(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return print(buf);
  }
};

class Stream : public Print {
 public:
  virtual int available() = 0;
  virtual int read() = 0;
};

class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud) { (void)baud; }
  size_t write(uint8_t c) override {
    if (std::getenv("STUB_SERIAL")) std::fputc(c, stderr);
    return 1;
  }
  int available() override { return 0; }
  int read() override { return -1; }
};
inline HardwareSerial Serial;

// --- time ----------------------------------------------------------------------------------
inline unsigned long millis() { return static_cast<unsigned long>(stub::s().us / 1000); }
inline unsigned long micros() { return static_cast<unsigned long>(stub::s().us); }
inline void delay(uint32_t ms) { stub::run(static_cast<uint64_t>(ms) * 1000); }
inline void delayMicroseconds(uint32_t us) { stub::run(us); }

// --- GPIO ----------------------------------------------------------------------------------
inline void pinMode(uint8_t pin, uint8_t mode) {
  stub::s().pinMode[pin] = mode;
  if (mode == INPUT_PULLUP && !stub::s().level.count(pin)) stub::s().level[pin] = HIGH;
}
inline void digitalWrite(uint8_t pin, uint8_t val) {
  stub::s().level[pin] = val ? 1 : 0;
  stub::s().writes.push_back({stub::s().us, pin, static_cast<uint8_t>(val ? 1 : 0)});
}
inline int digitalRead(uint8_t pin) { return stub::s().level.count(pin) ? stub::s().level[pin] : LOW; }

// --- LEDC (2.0.x API) ----------------------------------------------------------------------
inline uint32_t ledcSetup(uint8_t chan, uint32_t freq, uint8_t bit_num) {
  (void)chan;
  (void)bit_num;
  return freq;
}
inline void ledcAttachPin(uint8_t pin, uint8_t chan) { stub::s().ledcPin[pin] = chan; }
inline void ledcWrite(uint8_t chan, uint32_t duty) { stub::s().ledcDuty[chan] = duty; }

// --- hardware timer (2.0.x API) ------------------------------------------------------------
struct hw_timer_s {
  int unused;
};
typedef struct hw_timer_s hw_timer_t;
inline hw_timer_t* timerBegin(uint8_t num, uint16_t divider, bool countUp) {
  static hw_timer_t timers[4];
  (void)countUp;
  if (divider != 80) std::abort();  // the stub counts microseconds
  return &timers[num & 3];
}
inline void timerAttachInterrupt(hw_timer_t* timer, void (*fn)(void), bool edge) {
  (void)timer;
  (void)edge;
  stub::s().timerIsr = fn;
}
inline void timerAlarmWrite(hw_timer_t* timer, uint64_t alarm_value, bool autoreload) {
  (void)timer;
  if (!autoreload) std::abort();
  stub::s().timerPeriodUs = alarm_value;
}
// The counter: microseconds since the last alarm (the timer auto-reloads at each).
inline uint64_t timerRead(hw_timer_t* timer) {
  (void)timer;
  return stub::s().us - (stub::s().nextTimerUs - stub::s().timerPeriodUs);
}
inline void timerAlarmEnable(hw_timer_t* timer) {
  (void)timer;
  stub::s().timerEnabled = true;
  stub::s().nextTimerUs = stub::s().us + stub::s().timerPeriodUs;
}

// --- misc ----------------------------------------------------------------------------------
class EspClass {
 public:
  void restart() { ++stub::s().restarts; }
};
inline EspClass ESP;

// The sketch's entry points.
void setup();
void loop();
