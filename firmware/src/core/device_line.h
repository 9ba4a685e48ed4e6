// The device line the daemon serves at GET /device (src/sinks/device.ts):
//
//   CG1 <seq> <age_ms> <fuel> <tach> <temp> <boost> <model> <flags>\n
//
// flags: 1 HOT, 2 WARN, 4 STALL, 8 IDLE, 16 RANGE (the window runs out before it resets).
// Unsigned decimal integers, single spaces, at most 128 bytes. Later versions only append
// fields: a reader takes the ones it knows and skips the rest. No heap, no exceptions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cg {

constexpr size_t kDeviceLineMax = 128;  // bytes, the newline included

enum class Model : uint8_t { Other = 0, Opus = 1, Sonnet = 2, Haiku = 3 };

// kFlagRange: at the current burn the 5-hour window reaches 100 % before it resets (WARN
// flashes). Added after the first firmware shipped; that firmware keeps the bit and ignores it.
enum DeviceFlag : uint32_t { kFlagHot = 1, kFlagWarn = 2, kFlagStall = 4, kFlagIdle = 8, kFlagRange = 16 };

struct Reading {
  uint32_t version = 0;  // the N of "CGN"
  uint32_t seq = 0;
  uint32_t ageMs = 0;
  uint32_t gauge[4] = {0, 0, 0, 0};  // fuel, tach, temp, boost as sent (0-1000; clamped later)
  Model model = Model::Other;        // an unknown code reads as Other
  uint32_t flags = 0;                // unknown bits are kept and ignored
  uint8_t extraFields = 0;           // fields after <flags> (a newer daemon), skipped
};

enum class ParseError : uint8_t {
  Ok = 0,
  Empty,         // nothing, or only a line ending
  TooLong,       // more than kDeviceLineMax bytes
  BadTag,        // does not start with "CG<version>"
  BadSeparator,  // not exactly one space between fields, or stray whitespace
  BadNumber,     // a known field that is not unsigned decimal digits (sign, letters, ...)
  Overflow,      // a known field above 2^32 - 1, or longer than 10 digits
  MissingField,  // fewer than the eight known fields
  BadCharacter,  // a control or non-ASCII byte, or anything after the line ending
};

// Parses one device line. `data` need not be NUL-terminated. On success fills `out` and returns
// Ok; on failure leaves `out` untouched.
ParseError parseDeviceLine(const char* data, size_t len, Reading& out);

const char* parseErrorName(ParseError e);

}  // namespace cg
