// The narrow interfaces between the core and the world. The firmware implements them on the
// ESP32's pins, timer, WiFi and HTTP (src/hw.cpp, src/net.cpp); the host tests with mocks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cg {

// Milliseconds since boot; wraps after ~49 days (callers compare differences).
struct Clock {
  virtual uint32_t millis() = 0;
  virtual ~Clock() = default;
};

// Uniform 32-bit random numbers (jitter).
struct Random {
  virtual uint32_t next() = 0;
  virtual ~Random() = default;
};

// The quad driver's STEP and DIR inputs, one pair per motor (0-3). Called from the stepping
// interrupt: implementations must be quick and must not block or allocate.
struct StepDirOut {
  virtual void dir(uint8_t motor, bool forward) = 0;
  virtual void step(uint8_t motor, bool high) = 0;
  virtual ~StepDirOut() = default;
};

// The lamps: channel (see lamps.h) -> brightness 0-255.
struct LedOut {
  virtual void set(uint8_t channel, uint8_t level) = 0;
  virtual ~LedOut() = default;
};

// Where the daemon answers.
struct Endpoint {
  char host[64] = {0};  // name or dotted IPv4
  uint16_t port = 0;
  char path[32] = {0};
  bool valid() const { return host[0] != '\0' && port != 0 && path[0] == '/'; }
};

// One HTTP GET. Writes at most `cap` bytes of the body to `buf` and their count to `len`.
// Returns the HTTP status (200 = success), or a negative number when no status was had
// (connection refused, timeout), or kBodyTooLong when the body did not fit.
struct HttpGetter {
  static constexpr int kBodyTooLong = -1000;
  virtual int get(const Endpoint& where, char* buf, size_t cap, size_t& len) = 0;
  virtual ~HttpGetter() = default;
};

// Finds the daemon on the LAN (mDNS, _claude-gauge._tcp). True and `out` filled when found.
struct Discovery {
  virtual bool find(Endpoint& out) = 0;
  virtual ~Discovery() = default;
};

}  // namespace cg
