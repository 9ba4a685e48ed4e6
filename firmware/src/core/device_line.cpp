#include "device_line.h"

namespace cg {
namespace {

constexpr int kKnownFields = 8;  // seq age fuel tach temp boost model flags
constexpr size_t kMaxDigits = 10;  // 4294967295

bool isDigit(char c) { return c >= '0' && c <= '9'; }
// Printable ASCII other than space: what a field may be made of.
bool isFieldChar(char c) { return c > ' ' && c < 0x7f; }

// Reads unsigned decimal digits from data[i..end) up to the next space. Leaves i on the space or end.
ParseError readU32(const char* data, size_t end, size_t& i, uint32_t& value) {
  const size_t start = i;
  uint64_t v = 0;
  while (i < end && data[i] != ' ') {
    const char c = data[i];
    if (!isFieldChar(c)) return ParseError::BadCharacter;
    if (!isDigit(c)) return ParseError::BadNumber;
    if (i - start >= kMaxDigits) return ParseError::Overflow;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    ++i;
  }
  if (i == start) return ParseError::BadSeparator;  // an empty field: two spaces, or a trailing one
  if (v > 0xffffffffULL) return ParseError::Overflow;
  value = static_cast<uint32_t>(v);
  return ParseError::Ok;
}

}  // namespace

ParseError parseDeviceLine(const char* data, size_t len, Reading& out) {
  if (data == nullptr || len == 0) return ParseError::Empty;
  if (len > kDeviceLineMax) return ParseError::TooLong;

  // The line ends at the first '\n' (optionally "\r\n"), or at the end of the data. Nothing may follow.
  size_t end = len;
  for (size_t i = 0; i < len; ++i) {
    if (data[i] == '\n') {
      if (i + 1 != len) return ParseError::BadCharacter;
      end = i;
      break;
    }
  }
  if (end > 0 && data[end - 1] == '\r') --end;
  if (end == 0) return ParseError::Empty;

  // "CG" and a version number >= 1 (the daemon sends CG1).
  if (end < 3 || data[0] != 'C' || data[1] != 'G') return ParseError::BadTag;
  size_t i = 2;
  Reading r;
  {
    const size_t vstart = i;
    uint64_t v = 0;
    while (i < end && data[i] != ' ') {
      if (!isDigit(data[i]) || i - vstart >= 4) return ParseError::BadTag;
      v = v * 10 + static_cast<uint64_t>(data[i] - '0');
      ++i;
    }
    if (i == vstart || v == 0 || data[vstart] == '0') return ParseError::BadTag;
    r.version = static_cast<uint32_t>(v);
  }

  uint32_t fields[kKnownFields] = {};
  int field = 0;
  uint8_t extra = 0;
  while (i < end) {
    // data[i] is the separator: exactly one space before each field.
    if (data[i] != ' ') return ParseError::BadSeparator;
    ++i;
    if (i >= end || data[i] == ' ') return ParseError::BadSeparator;
    if (field < kKnownFields) {
      const ParseError e = readU32(data, end, i, fields[field]);
      if (e != ParseError::Ok) return e;
      ++field;
    } else {
      // A field a newer daemon appended: any printable token, skipped.
      while (i < end && data[i] != ' ') {
        if (!isFieldChar(data[i])) return ParseError::BadCharacter;
        ++i;
      }
      if (extra < 255) ++extra;
    }
  }
  if (field < kKnownFields) return ParseError::MissingField;

  r.seq = fields[0];
  r.ageMs = fields[1];
  for (int g = 0; g < 4; ++g) r.gauge[g] = fields[2 + g];
  r.model = fields[6] <= 3 ? static_cast<Model>(fields[6]) : Model::Other;
  r.flags = fields[7];
  r.extraFields = extra;
  out = r;
  return ParseError::Ok;
}

const char* parseErrorName(ParseError e) {
  switch (e) {
    case ParseError::Ok: return "ok";
    case ParseError::Empty: return "empty";
    case ParseError::TooLong: return "too long";
    case ParseError::BadTag: return "bad tag";
    case ParseError::BadSeparator: return "bad separator";
    case ParseError::BadNumber: return "bad number";
    case ParseError::Overflow: return "overflow";
    case ParseError::MissingField: return "missing field";
    case ParseError::BadCharacter: return "bad character";
  }
  return "?";
}

}  // namespace cg
