// The device-line parser: what the daemon sends is read exactly; everything else is refused.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "core/device_line.h"

using cg::ParseError;

namespace {

ParseError parse(const std::string& s, cg::Reading& r) { return cg::parseDeviceLine(s.data(), s.size(), r); }
ParseError parse(const std::string& s) {
  cg::Reading r;
  return parse(s, r);
}

}  // namespace

TEST_CASE("the README's example line reads field by field") {
  cg::Reading r;
  REQUIRE(parse("CG1 1234 212 420 655 310 912 1 9\n", r) == ParseError::Ok);
  CHECK(r.version == 1);
  CHECK(r.seq == 1234);
  CHECK(r.ageMs == 212);
  CHECK(r.gauge[0] == 420);
  CHECK(r.gauge[1] == 655);
  CHECK(r.gauge[2] == 310);
  CHECK(r.gauge[3] == 912);
  CHECK(r.model == cg::Model::Opus);
  CHECK(r.flags == (cg::kFlagHot | cg::kFlagIdle));
  CHECK(r.extraFields == 0);
}

TEST_CASE("the daemon's extreme line (device.test.ts) fits and reads") {
  cg::Reading r;
  REQUIRE(parse("CG1 4294967295 4294967295 1000 1000 1000 1000 0 31\n", r) == ParseError::Ok);
  CHECK(r.seq == 4294967295u);
  CHECK(r.ageMs == 4294967295u);
  CHECK(r.model == cg::Model::Other);
  CHECK(r.flags == 31);
}

TEST_CASE("line endings: \\n, \\r\\n or none; nothing after the line") {
  CHECK(parse("CG1 1 2 3 4 5 6 2 0") == ParseError::Ok);
  CHECK(parse("CG1 1 2 3 4 5 6 2 0\r\n") == ParseError::Ok);
  CHECK(parse("CG1 1 2 3 4 5 6 2 0\nCG1 1 2 3 4 5 6 2 0\n") == ParseError::BadCharacter);
  CHECK(parse("CG1 1 2 3 4 5 6 2 0\n\n") == ParseError::BadCharacter);
  CHECK(parse("\n") == ParseError::Empty);
  CHECK(parse("\r\n") == ParseError::Empty);
  CHECK(parse("") == ParseError::Empty);
  cg::Reading scratch;
  CHECK(cg::parseDeviceLine(nullptr, 5, scratch) == ParseError::Empty);
}

TEST_CASE("later versions append fields: they are skipped, the known ones still read") {
  cg::Reading r;
  REQUIRE(parse("CG1 7 0 1 2 3 4 3 2 99 123 abc\n", r) == ParseError::Ok);
  CHECK(r.model == cg::Model::Haiku);
  CHECK(r.flags == 2);
  CHECK(r.extraFields == 3);
  REQUIRE(parse("CG2 7 0 1 2 3 4 2 4 5\n", r) == ParseError::Ok);
  CHECK(r.version == 2);
  CHECK(r.model == cg::Model::Sonnet);
}

TEST_CASE("the RANGE bit (16) reads beside the others") {
  cg::Reading r;
  REQUIRE(parse("CG1 5 0 900 0 0 0 1 18\n", r) == ParseError::Ok);
  CHECK(r.flags == (cg::kFlagWarn | cg::kFlagRange));
  REQUIRE(parse("CG1 5 0 900 0 0 0 1 31\n", r) == ParseError::Ok);
  CHECK(r.flags == 31);
}

TEST_CASE("unknown model codes read as other; unknown flag bits are kept, harmless") {
  cg::Reading r;
  REQUIRE(parse("CG1 1 0 0 0 0 0 9 255\n", r) == ParseError::Ok);
  CHECK(r.model == cg::Model::Other);
  CHECK(r.flags == 255);
}

TEST_CASE("gauge values above 1000 are read (the mapping clamps them)") {
  cg::Reading r;
  REQUIRE(parse("CG1 1 0 5000 0 0 0 1 0\n", r) == ParseError::Ok);
  CHECK(r.gauge[0] == 5000);
}

TEST_CASE("negative, signed, fractional, hex and lettered fields are refused") {
  CHECK(parse("CG1 1 0 -5 0 0 0 1 0\n") == ParseError::BadNumber);
  CHECK(parse("CG1 1 0 +5 0 0 0 1 0\n") == ParseError::BadNumber);
  CHECK(parse("CG1 1 0 5.5 0 0 0 1 0\n") == ParseError::BadNumber);
  CHECK(parse("CG1 1 0 0x10 0 0 0 1 0\n") == ParseError::BadNumber);
  CHECK(parse("CG1 1 0 1e3 0 0 0 1 0\n") == ParseError::BadNumber);
  CHECK(parse("CG1 x 0 0 0 0 0 1 0\n") == ParseError::BadNumber);
}

TEST_CASE("overflowing fields are refused") {
  CHECK(parse("CG1 4294967296 0 0 0 0 0 1 0\n") == ParseError::Overflow);
  CHECK(parse("CG1 99999999999 0 0 0 0 0 1 0\n") == ParseError::Overflow);
  CHECK(parse("CG1 1 0 00000000001 0 0 0 1 0\n") == ParseError::Overflow);  // 11 digits
  CHECK(parse("CG1 1 0 0000000001 0 0 0 1 0\n") == ParseError::Ok);         // 10 digits
}

TEST_CASE("missing fields, stray spaces and other whitespace are refused") {
  CHECK(parse("CG1 1 0 0 0 0 0 1\n") == ParseError::MissingField);
  CHECK(parse("CG1\n") == ParseError::MissingField);
  CHECK(parse("CG1 1 0  0 0 0 0 1 0\n") == ParseError::BadSeparator);
  CHECK(parse("CG1 1 0 0 0 0 0 1 0 \n") == ParseError::BadSeparator);
  CHECK(parse(" CG1 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("CG1 1 0 0\t0 0 0 1 0\n") == ParseError::BadCharacter);
  CHECK(parse("CG1 1 0 0 0 0 0 1 0\r\r\n") == ParseError::BadCharacter);
}

TEST_CASE("tags other than CG<n>, n >= 1, are refused") {
  CHECK(parse("CG0 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("CG01 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("CGx 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("cg1 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("CG 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
  CHECK(parse("{\"gauges\":{}}\n") == ParseError::BadTag);
  CHECK(parse("<html>404</html>") == ParseError::BadTag);
  CHECK(parse("CG12345 1 0 0 0 0 0 1 0\n") == ParseError::BadTag);
}

TEST_CASE("overlong input is refused before it is read") {
  std::string line = "CG1 1 0 0 0 0 0 1 0";
  while (line.size() < cg::kDeviceLineMax) line += " 1";
  line.resize(cg::kDeviceLineMax);
  if (line.back() == ' ') line.back() = '1';
  CHECK(parse(line) == ParseError::Ok);
  CHECK(parse(line + "1") == ParseError::TooLong);
  CHECK(parse(std::string(100000, '7')) == ParseError::TooLong);
}

TEST_CASE("NUL and non-ASCII bytes are refused, and nothing is read past len") {
  cg::Reading scratch;
  const char withNul[] = "CG1 1 0 0\0 0 0 0 1 0\n";
  CHECK(cg::parseDeviceLine(withNul, sizeof(withNul) - 1, scratch) == ParseError::BadCharacter);
  CHECK(parse("CG1 1 0 0 0 0 0 1 \xc3\xa9\n") == ParseError::BadCharacter);
  // A valid line cut short by len: only the first len bytes count.
  const char* full = "CG1 1 0 0 0 0 0 1 0\n";
  CHECK(cg::parseDeviceLine(full, 17, scratch) == ParseError::MissingField);
}

TEST_CASE("a refused line leaves the previous reading untouched") {
  cg::Reading r;
  REQUIRE(parse("CG1 5 0 100 200 300 400 2 1\n", r) == ParseError::Ok);
  CHECK(parse("CG1 6 0 -1 0 0 0 1 0\n", r) == ParseError::BadNumber);
  CHECK(r.seq == 5);
  CHECK(r.gauge[3] == 400);
}

TEST_CASE("every error has a name") {
  for (int e = 0; e <= static_cast<int>(ParseError::BadCharacter); ++e)
    CHECK(std::strcmp(cg::parseErrorName(static_cast<ParseError>(e)), "?") != 0);
}
