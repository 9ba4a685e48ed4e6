#include "button.h"

namespace cg {

ButtonEvent Button::update(bool pressed, uint32_t now) {
  if (!started_) {
    started_ = true;
    raw_ = stable_ = pressed;
    rawSince_ = now;
    armed_ = false;  // held at start (e.g. from reset): not a press of ours
    return ButtonEvent::None;
  }
  if (pressed != raw_) {
    raw_ = pressed;
    rawSince_ = now;
  }
  if (raw_ != stable_ && now - rawSince_ >= kDebounceMs) {
    stable_ = raw_;
    if (stable_) {
      armed_ = true;
      pressedAt_ = now;
      longFired_ = false;
      veryLongFired_ = false;
    } else {
      const bool wasArmed = armed_;
      armed_ = false;
      if (wasArmed && !longFired_) return ButtonEvent::Short;
    }
  }
  if (stable_ && armed_ && !longFired_ && now - pressedAt_ >= kLongMs) {
    longFired_ = true;
    return ButtonEvent::Long;
  }
  if (stable_ && armed_ && longFired_ && !veryLongFired_ && now - pressedAt_ >= kVeryLongMs) {
    veryLongFired_ = true;
    return ButtonEvent::VeryLong;
  }
  return ButtonEvent::None;
}

}  // namespace cg
