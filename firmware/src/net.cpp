#include "net.h"

#include <ArduinoOTA.h>
#include <ESPmDNS.h>
#include <HTTPClient.h>
#include <Preferences.h>
#include <WiFi.h>
#include <esp_task_wdt.h>

#include <cstring>

namespace net {
namespace {

constexpr const char* kPrefsNamespace = "claude-gauge";
constexpr uint32_t kWifiRetryMs = 30000;
constexpr unsigned long kPortalTimeoutS = 180;  // with a saved network: close and retry it
constexpr unsigned long kConnectTimeoutS = 20;

bool otaRunning = false;
bool servicesStarted = false;

void copy(char* dst, size_t cap, const char* src) {
  if (cap == 0) return;
  std::strncpy(dst, src != nullptr ? src : "", cap - 1);
  dst[cap - 1] = '\0';
}

}  // namespace

void Settings::load() {
  Preferences p;
  if (!p.begin(kPrefsNamespace, true)) return;  // nothing saved yet
  p.getString("daemon", daemon, sizeof(daemon));
  p.getString("ota", otaPassword, sizeof(otaPassword));
  p.end();
}

void Settings::save() const {
  Preferences p;
  if (!p.begin(kPrefsNamespace, false)) return;
  p.putString("daemon", daemon);
  p.putString("ota", otaPassword);
  p.end();
}

void Settings::clear() {
  Preferences p;
  if (!p.begin(kPrefsNamespace, false)) return;
  p.clear();
  p.end();
}

void Portal::begin(Settings& settings, const char* apName) {
  settings_ = &settings;
  daemon_.setValue(settings.daemon, 79);
  wm_.addParameter(&daemon_);
  wm_.addParameter(&ota_);
  wm_.setSaveParamsCallback([this]() {
    copy(settings_->daemon, sizeof(settings_->daemon), daemon_.getValue());
    // An empty password field keeps the stored one (the page never shows it).
    if (ota_.getValue() != nullptr && ota_.getValue()[0] != '\0')
      copy(settings_->otaPassword, sizeof(settings_->otaPassword), ota_.getValue());
    settings_->save();
    saved_ = true;
  });
  // The station first: getWiFiIsSaved() reads the driver's station config, which is garbage
  // until WiFi has started (WiFiManager's own autoConnect never asks it, for that reason).
  WiFi.mode(WIFI_STA);
  haveNetwork_ = wm_.getWiFiIsSaved();
  wm_.setConfigPortalBlocking(false);
  // With a network saved, a portal nobody uses closes after 3 minutes (the saved network is
  // retried meanwhile and after: a router that boots slower than the cluster); without one it
  // stays open.
  wm_.setConfigPortalTimeout(haveNetwork_ ? kPortalTimeoutS : 0);
  wm_.setConnectTimeout(kConnectTimeoutS);
  wm_.setTitle("claude-gauge");
  WiFi.setAutoReconnect(true);
  if (wm_.autoConnect(apName)) Serial.printf("wifi: joined %s\n", WiFi.SSID().c_str());
  else Serial.printf("wifi: setup portal open on AP %s\n", apName);
  lastRetry_ = millis();
}

void Portal::loop() {
  if (wm_.process()) Serial.println("wifi: joined through the portal");
  const bool portal = wm_.getConfigPortalActive();
  if (WiFi.status() == WL_CONNECTED) {
    if (portal && haveNetwork_ && wm_.stopConfigPortal()) Serial.println("wifi: saved network joined, portal closed");
    return;
  }
  if (!haveNetwork_) return;  // a blank board: the portal waits for someone to choose a network
  // The portal turned the station off when it opened; keep trying the saved network beside it.
  const uint32_t now = millis();
  if (now - lastRetry_ < kWifiRetryMs) return;
  lastRetry_ = now;
  WiFi.mode(portal ? WIFI_AP_STA : WIFI_STA);
  WiFi.begin();  // the saved network
}

bool Portal::open() { return wm_.getConfigPortalActive(); }

bool Portal::takeSaved() {
  const bool s = saved_;
  saved_ = false;
  return s;
}

void Portal::wipe() {
  wm_.resetSettings();
  Settings::clear();
}

bool MdnsDiscovery::find(cg::Endpoint& out) {
  const int n = MDNS.queryService("claude-gauge", "tcp");  // blocks up to ~3 s
  for (int i = 0; i < n; ++i) {
    const IPAddress ip = MDNS.IP(i);
    if (static_cast<uint32_t>(ip) == 0) continue;
    cg::Endpoint e;
    snprintf(e.host, sizeof(e.host), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    e.port = MDNS.port(i);
    const String path = MDNS.txt(i, "path");
    copy(e.path, sizeof(e.path), path.length() > 0 && path[0] == '/' ? path.c_str() : "/device");
    if (!e.valid()) continue;
    out = e;
    return true;
  }
  return false;
}

int EspHttp::get(const cg::Endpoint& where, char* buf, size_t cap, size_t& len) {
  len = 0;
  WiFiClient client;
  HTTPClient http;
  http.setConnectTimeout(kConnectTimeoutMs);
  http.setTimeout(kReadTimeoutMs);
  http.useHTTP10(true);
  http.setReuse(false);
  if (!http.begin(client, where.host, where.port, where.path)) return -1;
  const int code = http.GET();
  if (code != HTTP_CODE_OK) {
    http.end();
    return code;
  }
  const int size = http.getSize();  // -1 when the daemon sent no Content-Length
  if (size > static_cast<int>(cap)) {
    http.end();
    return kBodyTooLong;
  }
  WiFiClient* s = http.getStreamPtr();
  const uint32_t t0 = millis();
  while (len < cap && (size < 0 || len < static_cast<size_t>(size)) && millis() - t0 < kReadTimeoutMs) {
    const int c = s->read();
    if (c < 0) {
      if (!s->connected()) break;
      delay(1);
      continue;
    }
    buf[len++] = static_cast<char>(c);
  }
  const bool more = size < 0 && len == cap && s->available() > 0;
  http.end();
  return more ? kBodyTooLong : code;
}

void startServices(const char* hostname, const Settings& settings) {
  if (servicesStarted || WiFi.status() != WL_CONNECTED) return;
  servicesStarted = true;
  if (settings.otaPassword[0] == '\0') {
    if (!MDNS.begin(hostname)) Serial.println("mdns: failed to start");
    Serial.println("ota: off (no password set in the portal)");
    return;
  }
  ArduinoOTA.setHostname(hostname);
  ArduinoOTA.setPassword(settings.otaPassword);
  ArduinoOTA.onStart([]() { Serial.println("ota: receiving"); });
  // The upload runs inside handle() on the loop task: keep its watchdog fed meanwhile.
  ArduinoOTA.onProgress([](unsigned int, unsigned int) { esp_task_wdt_reset(); });
  ArduinoOTA.onEnd([]() { Serial.println("ota: done, restarting"); });
  ArduinoOTA.onError([](ota_error_t e) { Serial.printf("ota: error %d\n", static_cast<int>(e)); });
  ArduinoOTA.begin();  // also starts the mDNS responder under `hostname`
  otaRunning = true;
  Serial.printf("ota: ready as %s.local\n", hostname);
}

void handleServices() {
  if (otaRunning) ArduinoOTA.handle();
}

}  // namespace net
