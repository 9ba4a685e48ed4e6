// Host stub of WiFiManager.h (tzapu/WiFiManager 2.0.17): real signatures of what the sketch
// calls. No portal: "autoConnect" succeeds when stub::s().wifiSaved.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "Arduino.h"
#include "WiFi.h"

class WiFiManagerParameter {
 public:
  WiFiManagerParameter() = default;
  WiFiManagerParameter(const char* id, const char* label, const char* defaultValue, int length) { init(id, label, defaultValue, length, ""); }
  WiFiManagerParameter(const char* id, const char* label, const char* defaultValue, int length, const char* custom) {
    init(id, label, defaultValue, length, custom);
  }
  WiFiManagerParameter(const WiFiManagerParameter&) = delete;
  WiFiManagerParameter& operator=(const WiFiManagerParameter&) = delete;

  const char* getID() const { return id_; }
  const char* getValue() const { return value_.c_str(); }
  const char* getLabel() const { return label_; }
  int getValueLength() const { return length_; }
  void setValue(const char* defaultValue, int length) {
    length_ = length;
    value_ = std::string(defaultValue ? defaultValue : "").substr(0, static_cast<size_t>(length));
  }

 private:
  void init(const char* id, const char* label, const char* defaultValue, int length, const char* custom) {
    id_ = id;
    label_ = label;
    custom_ = custom;
    setValue(defaultValue, length);
  }
  const char* id_ = nullptr;
  const char* label_ = nullptr;
  const char* custom_ = nullptr;
  std::string value_;
  int length_ = 0;
};

class WiFiManager {
 public:
  boolean autoConnect(char const* apName, char const* apPassword = NULL) {
    (void)apPassword;
    apName_ = apName ? apName : "";
    if (stub::s().wifiSaved) {
      stub::s().wifiConnected = true;
      return true;
    }
    portal_ = true;
    return false;
  }
  boolean process() { return false; }
  bool getConfigPortalActive() { return portal_; }
  bool getWiFiIsSaved() { return stub::s().wifiSaved; }
  void resetSettings() { stub::s().wifiSaved = false; }
  bool addParameter(WiFiManagerParameter* p) {
    params_.push_back(p);
    return true;
  }
  void setSaveParamsCallback(std::function<void()> func) { saveParams_ = func; }
  void setConfigPortalBlocking(boolean shouldBlock) { (void)shouldBlock; }
  void setConfigPortalTimeout(unsigned long seconds) { (void)seconds; }
  void setConnectTimeout(unsigned long seconds) { (void)seconds; }
  void setTitle(String title) { (void)title; }

  // For tests: what a form post would do.
  void stubSave() {
    if (saveParams_) saveParams_();
  }

 private:
  std::vector<WiFiManagerParameter*> params_;
  std::function<void()> saveParams_;
  std::string apName_;
  bool portal_ = false;
};
