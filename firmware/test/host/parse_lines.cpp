// Host harness for the daemon's tests: reads device lines on stdin, one per line, and prints what
// the firmware's parser makes of each ("ok <version> <seq> <age> <fuel> <tach> <temp> <boost>
// <model> <flags>" or "err <reason>"), flushing after each so a test can talk to it line by line.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "core/device_line.h"

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    line.push_back('\n');  // the line as the daemon sends it, newline included
    cg::Reading r;
    const cg::ParseError e = cg::parseDeviceLine(line.data(), line.size(), r);
    if (e == cg::ParseError::Ok) {
      std::printf("ok %u %u %u %u %u %u %u %u %u\n", r.version, r.seq, r.ageMs, r.gauge[0], r.gauge[1], r.gauge[2], r.gauge[3],
                  static_cast<unsigned>(r.model), r.flags);
    } else {
      std::printf("err %s\n", cg::parseErrorName(e));
    }
    std::fflush(stdout);
  }
  return 0;
}
