// The BOOT button (GPIO0), read after boot: debounced, short press and long press, in the
// spirit of AceButton. A long press fires as soon as it has been held long enough (so the user
// sees the lamps react while still holding); a short press fires on release. A button already
// held when watching starts is ignored until it has been released.
#pragma once

#include <cstdint>

namespace cg {

enum class ButtonEvent : uint8_t { None, Short, Long };

class Button {
 public:
  static constexpr uint32_t kDebounceMs = 30;
  static constexpr uint32_t kLongMs = 3000;

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
};

}  // namespace cg
