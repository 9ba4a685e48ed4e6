// Host stub of WiFiManager.h (tzapu/WiFiManager 2.0.17): real signatures of what the sketch
// calls, and the library's behaviour where the sketch depends on it:
// - getWiFiIsSaved() reads the station config with esp_wifi_get_config(); before WiFi is started
//   that call fails and leaves the struct uninitialised, so the answer is garbage. Here it is
//   the wrong answer, every time, and the call is counted (stub::s().wifiMisuse).
// - autoConnect() starts the station and joins the saved network (it never asks
//   getWiFiIsSaved()); failing that it opens the portal, turning the station off (the station
//   is not connected: _disableSTAConn).
// - process() closes a non-blocking portal after its timeout (0: never).
// No web server: stubSave() does what a form post would.
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
    WiFi.begin();  // enableSTA, then connectWifi with the saved credentials
    if (WiFi.status() == WL_CONNECTED) return true;
    return startConfigPortal(apName, apPassword);
  }
  boolean startConfigPortal(char const* apName, char const* apPassword = NULL) {
    (void)apName;
    (void)apPassword;
    if (stub::s().portalOpen) return false;
    if (WiFi.status() != WL_CONNECTED) {
      WiFi.mode(WIFI_AP_STA);
      stub::s().staEnabled = false;  // WiFi_Disconnect(); WiFi_enableSTA(false)
    }
    stub::startRadio();
    stub::s().portalOpen = true;
    stub::s().portalTimeoutS = timeoutS_;
    stub::s().portalOpenedUs = stub::s().us;
    return false;  // non-blocking: the caller runs process()
  }
  bool stopConfigPortal() {
    if (!stub::s().portalOpen) return false;
    stub::s().portalOpen = false;
    return true;
  }
  boolean process() {
    if (stub::s().portalOpen && timeoutS_ > 0 && stub::s().us - stub::s().portalOpenedUs > timeoutS_ * 1000000ull)
      stub::s().portalOpen = false;
    return false;
  }
  bool getConfigPortalActive() { return stub::s().portalOpen; }
  bool getWiFiIsSaved() {
    if (!stub::s().wifiStarted) {
      ++stub::s().wifiMisuse;
      return !stub::s().wifiSaved;  // garbage
    }
    return stub::s().wifiSaved;
  }
  void resetSettings() {
    stub::startRadio();  // WiFi_enableSTA(true, true), then the erase
    stub::s().wifiSaved = false;
    stub::s().wifiConnected = false;
  }
  bool addParameter(WiFiManagerParameter* p) {
    params_.push_back(p);
    return true;
  }
  void setSaveParamsCallback(std::function<void()> func) { saveParams_ = func; }
  void setConfigPortalBlocking(boolean shouldBlock) { (void)shouldBlock; }
  void setConfigPortalTimeout(unsigned long seconds) { timeoutS_ = seconds; }
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
  unsigned long timeoutS_ = 0;
};
