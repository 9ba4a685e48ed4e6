// The BOOT button (GPIO0), read after boot: debounced, short, long and very long press, in the
// spirit of AceButton. Long and very long presses fire as soon as held long enough (so the user
// sees the lamps react while still holding); a short press fires on release. A button already
// held when watching starts is ignored until it has been released.
#pragma once

#include <cstdint>

namespace cg {

enum class ButtonEvent : uint8_t { None, Short, Long, VeryLong };

class Button {
 public:
  static constexpr uint32_t kDebounceMs = 30;
  static constexpr uint32_t kLongMs = 3000;
  static constexpr uint32_t kVeryLongMs = 10000;

  // `pressed`: the debounced-to-be raw level (true = pressed); `now`: ms, may wrap.
  ButtonEvent update(bool pressed, uint32_t now);

 private:
  bool started_ = false;
  bool raw_ = false;
  uint32_t rawSince_ = 0;
  bool stable_ = false;  // debounced level
  bool armed_ = false;   // a press that began while watching
  uint32_t pressedAt_ = 0;
  bool longFired_ = false;
  bool veryLongFired_ = false;
};

}  // namespace cg
