// libFuzzer target: the device-line parser never crashes, never reads out of bounds, and
// whatever it accepts is a line it would accept again with the same values.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/device_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A copy of exactly `size` bytes on the heap, so ASan catches a read one past the end.
  char* buf = static_cast<char*>(std::malloc(size == 0 ? 1 : size));
  if (size) std::memcpy(buf, data, size);
  cg::Reading r;
  const cg::ParseError e = cg::parseDeviceLine(buf, size, r);
  if (e == cg::ParseError::Ok) {
    if (size > cg::kDeviceLineMax) std::abort();
    if (static_cast<uint8_t>(r.model) > 3 || r.version == 0) std::abort();
    // Re-serialise the known fields as the daemon would and parse again: same values.
    char line[160];
    const int n = std::snprintf(line, sizeof(line), "CG%u %u %u %u %u %u %u %u %u\n", r.version, r.seq, r.ageMs, r.gauge[0],
                                r.gauge[1], r.gauge[2], r.gauge[3], static_cast<unsigned>(r.model), r.flags);
    cg::Reading again;
    if (n <= 0 || cg::parseDeviceLine(line, static_cast<size_t>(n), again) != cg::ParseError::Ok) std::abort();
    if (again.seq != r.seq || again.ageMs != r.ageMs || again.flags != r.flags || again.model != r.model ||
        std::memcmp(again.gauge, r.gauge, sizeof(r.gauge)) != 0)
      std::abort();
  } else if (std::strcmp(cg::parseErrorName(e), "?") == 0) {
    std::abort();
  }
  std::free(buf);
  return 0;
}
