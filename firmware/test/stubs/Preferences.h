// Host stub of Preferences.h (Arduino-ESP32 2.0.17): real signatures, kept in memory.
#pragma once

#include <map>
#include <string>

#include "Arduino.h"

class Preferences {
 public:
  bool begin(const char* name, bool readOnly = false, const char* partition_label = NULL) {
    (void)partition_label;
    ns_ = name ? name : "";
    if (readOnly && !store().count(ns_)) return false;
    store()[ns_];
    return true;
  }
  void end() {}
  bool clear() {
    store()[ns_].clear();
    return true;
  }
  size_t putString(const char* key, const char* value) {
    store()[ns_][key] = value ? value : "";
    return std::strlen(value ? value : "");
  }
  size_t getString(const char* key, char* value, size_t maxLen) {
    auto& m = store()[ns_];
    if (!m.count(key) || maxLen == 0) return 0;
    const std::string& v = m[key];
    if (v.size() + 1 > maxLen) return 0;
    std::memcpy(value, v.c_str(), v.size() + 1);
    return v.size() + 1;
  }
  String getString(const char* key, String defaultValue = String()) {
    auto& m = store()[ns_];
    return m.count(key) ? String(m[key]) : defaultValue;
  }

  static std::map<std::string, std::map<std::string, std::string>>& store() {
    static std::map<std::string, std::map<std::string, std::string>> s;
    return s;
  }

 private:
  std::string ns_;
};
