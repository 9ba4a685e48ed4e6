// Host stub of esp_system.h (ESP-IDF 4.4): the hardware random number generator.
#pragma once

#include <cstdint>

inline uint32_t esp_random(void) {
  static uint32_t x = 2463534242u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}
