// WiFi, the setup portal, settings, finding and fetching from the daemon, OTA: the core's
// network interfaces on Arduino-ESP32 2.0.17, WiFiManager 2.0.17, ESPmDNS, HTTPClient, ArduinoOTA.
#pragma once

#include <Arduino.h>
#include <WiFiManager.h>

#include "core/io.h"

namespace net {

// What the portal asks for, kept in NVS (Preferences namespace "claude-gauge").
struct Settings {
  char daemon[80] = {0};      // "host:port" or empty (then mDNS)
  char otaPassword[33] = {0};  // empty: OTA off
  void load();
  void save() const;
  static void clear();
};

// WiFiManager, non-blocking: the portal runs from loop() so the watchdog, the lamps and the
// needles carry on while it is open.
class Portal {
 public:
  // Starts WiFi, then joins the saved network, or opens the portal (AP `apName`, no password)
  // when there is none or it cannot be joined. May block for the connect timeout (~20 s). With
  // a network saved, loop() retries it every 30 s, the portal open or not, and closes the
  // portal once it is joined.
  void begin(Settings& settings, const char* apName);
  void loop();
  bool open();
  // True once after the portal saved new settings.
  bool takeSaved();
  // Forgets the WiFi network (the caller restarts).
  void wipe();

 private:
  WiFiManager wm_;
  WiFiManagerParameter daemon_{"daemon", "Daemon host:port (leave empty to find it by mDNS)", "", 79};
  WiFiManagerParameter ota_{"ota", "OTA password (empty: no OTA; holding BOOT for 10 s clears it)", "", 32,
                            "type='password'"};
  Settings* settings_ = nullptr;
  bool saved_ = false;
  bool haveNetwork_ = false;
  uint32_t lastRetry_ = 0;
};

// The daemon over mDNS: _claude-gauge._tcp, TXT path (default /device).
class MdnsDiscovery : public cg::Discovery {
 public:
  bool find(cg::Endpoint& out) override;
};

// GET with HTTPClient: HTTP/1.0 (no chunking), short timeouts, the body read into the caller's
// buffer with a hard cap.
class EspHttp : public cg::HttpGetter {
 public:
  static constexpr int32_t kConnectTimeoutMs = 1500;
  static constexpr uint16_t kReadTimeoutMs = 1500;
  int get(const cg::Endpoint& where, char* buf, size_t cap, size_t& len) override;
};

// Once the network is up: mDNS responder under `hostname`, and ArduinoOTA when a password is
// set (ArduinoOTA then owns the mDNS responder). Safe to call every loop; acts once.
void startServices(const char* hostname, const Settings& settings);
// ArduinoOTA.handle() when OTA runs.
void handleServices();

}  // namespace net
