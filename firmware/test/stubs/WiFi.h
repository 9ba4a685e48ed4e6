// Host stub of WiFi.h (Arduino-ESP32 2.0.17): the calls the sketch makes, real signatures.
#pragma once

#include "Arduino.h"

typedef enum {
  WL_NO_SHIELD = 255,
  WL_IDLE_STATUS = 0,
  WL_NO_SSID_AVAIL = 1,
  WL_SCAN_COMPLETED = 2,
  WL_CONNECTED = 3,
  WL_CONNECT_FAILED = 4,
  WL_CONNECTION_LOST = 5,
  WL_DISCONNECTED = 6
} wl_status_t;

typedef enum { WIFI_MODE_NULL = 0, WIFI_MODE_STA, WIFI_MODE_AP, WIFI_MODE_APSTA, WIFI_MODE_MAX } wifi_mode_t;
#define WIFI_OFF WIFI_MODE_NULL
#define WIFI_STA WIFI_MODE_STA
#define WIFI_AP WIFI_MODE_AP
#define WIFI_AP_STA WIFI_MODE_APSTA

class WiFiClient : public Stream {
 public:
  size_t write(uint8_t) override { return 1; }
  int available() override { return 0; }
  int read() override { return -1; }
  virtual uint8_t connected() { return 0; }
  void stop() {}
};

namespace stub {
// The radio starts (esp_wifi_init/start): the moment of boot's peak current draw.
inline void startRadio() {
  if (!s().wifiStarted) s().firstRadioUs = s().us;
  s().wifiStarted = true;
}
// A station connect attempt with the saved credentials: joins at once when the router is up.
inline void joinSaved() {
  ++s().wifiBegins;
  if (s().staEnabled && s().wifiSaved && s().routerUp) s().wifiConnected = true;
}
}  // namespace stub

class WiFiClass {
 public:
  static wl_status_t status() { return stub::s().wifiConnected ? WL_CONNECTED : WL_DISCONNECTED; }
  bool setAutoReconnect(bool autoReconnect) { return autoReconnect || true; }
  bool mode(wifi_mode_t m) {
    if (m == WIFI_MODE_MAX) return false;
    if (m != WIFI_MODE_NULL) stub::startRadio();
    stub::s().staEnabled = m == WIFI_MODE_STA || m == WIFI_MODE_APSTA;
    if (!stub::s().staEnabled) stub::s().wifiConnected = false;
    return true;
  }
  wifi_mode_t getMode() {
    if (!stub::s().wifiStarted) return WIFI_MODE_NULL;
    if (stub::s().portalOpen) return stub::s().staEnabled ? WIFI_MODE_APSTA : WIFI_MODE_AP;
    return stub::s().staEnabled ? WIFI_MODE_STA : WIFI_MODE_NULL;
  }
  // begin() enables the station (WiFiSTA.cpp: enableSTA(true)) and joins the saved network.
  wl_status_t begin() {
    stub::startRadio();
    stub::s().staEnabled = true;
    stub::joinSaved();
    return status();
  }
  wl_status_t begin(const char* ssid, const char* passphrase = NULL) {
    (void)ssid;
    (void)passphrase;
    return begin();
  }
  bool reconnect() { return true; }
  bool disconnect(bool wifioff = false, bool eraseap = false) {
    (void)wifioff;
    (void)eraseap;
    return true;
  }
  uint8_t* macAddress(uint8_t* mac) {
    const uint8_t m[6] = {0x24, 0x6f, 0x28, 0x12, 0xab, 0xcd};
    std::memcpy(mac, m, 6);
    return mac;
  }
  String macAddress() { return String("24:6F:28:12:AB:CD"); }
  static bool setHostname(const char* hostname) { return hostname != nullptr; }
  String SSID() const { return String("stub-network"); }
  IPAddress localIP() { return IPAddress(192, 168, 1, 50); }
};
inline WiFiClass WiFi;
