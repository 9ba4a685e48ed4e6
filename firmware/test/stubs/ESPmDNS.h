// Host stub of ESPmDNS.h (Arduino-ESP32 2.0.17): real signatures; one daemon when
// stub::s().mdnsFound.
#pragma once

#include "Arduino.h"

class MDNSResponder {
 public:
  bool begin(const char* hostName) { return hostName != nullptr; }
  void end() {}
  int queryService(char* service, char* proto) {
    ++stub::s().mdnsQueries;
    return service && proto && stub::s().mdnsFound ? 1 : 0;
  }
  int queryService(const char* service, const char* proto) { return queryService((char*)service, (char*)proto); }
  int queryService(String service, String proto) { return queryService(service.c_str(), proto.c_str()); }
  String hostname(int idx) { return idx == 0 ? String("daemon") : String(); }
  IPAddress IP(int idx) { return idx == 0 ? IPAddress(192, 168, 1, 10) : IPAddress(); }
  uint16_t port(int idx) { return idx == 0 ? 8080 : 0; }
  int numTxt(int idx) { return idx == 0 ? 1 : 0; }
  bool hasTxt(int idx, const char* key) { return idx == 0 && std::strcmp(key, "path") == 0; }
  String txt(int idx, const char* key) { return hasTxt(idx, key) ? String("/device") : String(); }
};
inline MDNSResponder MDNS;
