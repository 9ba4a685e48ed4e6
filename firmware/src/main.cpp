// claude-gauge firmware: ESP32 DevKit V1, four X27.168 needles through one quad driver, five
// lamps. This file only wires the portable core (src/core/) to the hardware:
//
//   hardware timer 0 (interrupt, core 1): Drive::isrTick() - each needle's next STEP/DIR edge,
//       and once per ms the cluster model (motion engine, lamp clocks) and homing; it returns
//       the wait until its next edge, and the timer is reloaded with that.
//   "ui" task, every 10 ms (core 1, priority 2): BOOT button, lamps.
//   loop task (core 1, priority 1): WiFi/portal, OTA, polling the daemon.
//
// Stepping runs in a timer interrupt, not a task: FreeRTOS ticks at 1 ms, too coarse for up to
// 6,480 microsteps/s per needle (90 % of the motor's rating) without busy-waiting, while a timer
// reloaded for each edge places every step on its own microsecond along the speed profile. An HTTP request that hangs for a
// second blocks only the loop task; the needles and lamps never notice. The three share the
// cluster under one spinlock, held for microseconds.
#include <Arduino.h>
#include <WiFi.h>
#include <esp_task_wdt.h>
#include <freertos/FreeRTOS.h>
#include <freertos/task.h>

#include "core/button.h"
#include "core/cluster.h"
#include "core/drive.h"
#include "core/lamps.h"
#include "core/poller.h"
#include "hw.h"
#include "net.h"
#include "pins.h"

namespace {

constexpr uint32_t kWatchdogS = 30;  // loop and ui tasks; longer than any one blocking call
constexpr uint32_t kUiPeriodMs = 10;

cg::Cluster cluster;
hw::GpioStepDir stepDir;
cg::Drive drive(cluster, stepDir);
portMUX_TYPE engineLock = portMUX_INITIALIZER_UNLOCKED;

hw::LedcLamps leds;
cg::Annunciator annunciator(leds);
cg::Button button;

hw::ArduinoClock clockSource;
hw::EspRandom randomSource;
net::EspHttp http;
net::MdnsDiscovery discovery;
cg::Poller poller(clockSource, randomSource, http, discovery);

net::Settings settings;
net::Portal portal;
char hostname[32] = "claude-gauge";

volatile bool portalOpen = false;
volatile bool wipeRequested = false;
uint32_t restartAt = 0;

void IRAM_ATTR onStepTimer() {
  portENTER_CRITICAL_ISR(&engineLock);
  hw::setStepTimerWait(drive.isrTick());
  portEXIT_CRITICAL_ISR(&engineLock);
}

void uiTask(void*) {
  esp_task_wdt_add(nullptr);
  TickType_t wake = xTaskGetTickCount();
  for (;;) {
    switch (button.update(digitalRead(pins::kButton) == LOW, millis())) {
      case cg::ButtonEvent::Short:
        Serial.println("button: hold 3 s to re-home the needles, 10 s to forget WiFi");
        break;
      case cg::ButtonEvent::Long:
        Serial.println("button: re-homing");
        portENTER_CRITICAL(&engineLock);
        drive.startHoming();
        portEXIT_CRITICAL(&engineLock);
        break;
      case cg::ButtonEvent::VeryLong:
        wipeRequested = true;
        break;
      case cg::ButtonEvent::None:
        break;
    }
    portENTER_CRITICAL(&engineLock);
    const cg::ClusterState s = cluster.state();
    portEXIT_CRITICAL(&engineLock);
    cg::Overlay o;
    o.portal = portalOpen;
    o.wiping = wipeRequested;
    annunciator.show(cg::lampFrame(s, o));
    esp_task_wdt_reset();
    vTaskDelayUntil(&wake, pdMS_TO_TICKS(kUiPeriodMs));
  }
}

void feed(const cg::PollOutcome& o) {
  cg::Payload p;
  if (o.kind == cg::PollKind::Good) p = cg::shownPayload(o.reading);  // a stale line shows STALL
  portENTER_CRITICAL(&engineLock);
  const int64_t t = cluster.now();
  if (o.kind == cg::PollKind::Good) cluster.feed(t, &p);
  else if (o.kind == cg::PollKind::Lost) cluster.feed(t, nullptr, cg::Link::Lost);
  else cluster.feed(t, nullptr);
  portEXIT_CRITICAL(&engineLock);
}

void logOutcome(const cg::PollOutcome& o) {
  static cg::PollKind lastKind = cg::PollKind::None;
  const bool changed = o.kind != lastKind;
  lastKind = o.kind;
  switch (o.kind) {
    case cg::PollKind::Good:
      if (changed) Serial.printf("poll: daemon at %s:%u answers\n", poller.endpoint().host, poller.endpoint().port);
      break;
    case cg::PollKind::Lost:
      if (changed) Serial.println("poll: no network");
      break;
    case cg::PollKind::Failed:
      if (o.reason == cg::FailReason::NotFound) Serial.println("poll: no daemon found over mDNS");
      else if (o.reason == cg::FailReason::Http) Serial.printf("poll: HTTP %d\n", o.status);
      else Serial.printf("poll: bad device line (%s)\n", cg::parseErrorName(o.parse));
      break;
    case cg::PollKind::None:
      break;
  }
}

void applySettings() {
  cg::Endpoint e;
  if (settings.daemon[0] != '\0' && cg::parseEndpoint(settings.daemon, e)) {
    poller.setFixedEndpoint(e);
    Serial.printf("poll: daemon set to %s:%u%s\n", e.host, e.port, e.path);
  } else {
    poller.setFixedEndpoint(cg::Endpoint());
    if (settings.daemon[0] != '\0') Serial.printf("poll: ignoring daemon address '%s'\n", settings.daemon);
    Serial.println("poll: finding the daemon over mDNS (_claude-gauge._tcp)");
  }
}

}  // namespace

void setup() {
  Serial.begin(115200);
  Serial.println("\nclaude-gauge firmware");

  // Outputs first, driver in reset meanwhile; then release it and home the needles. The timer
  // keeps stepping from here on, whatever setup() and loop() are doing.
  stepDir.begin();
  leds.begin();
  pinMode(pins::kButton, INPUT_PULLUP);
  hw::resetDriver();
  drive.startHoming();
  hw::startStepTimer(onStepTimer);

  esp_task_wdt_init(kWatchdogS, true);  // reconfigures the task watchdog the core started
  xTaskCreatePinnedToCore(uiTask, "ui", 4096, nullptr, 2, nullptr, 1);

  // Four motors homing draw the boot's peak current; the radio starting adds its own. One after
  // the other (~2.3 s): WiFi waits until every needle rests at zero.
  for (;;) {
    portENTER_CRITICAL(&engineLock);
    const bool homing = drive.homing();
    portEXIT_CRITICAL(&engineLock);
    if (!homing) break;
    delay(10);
  }

  uint8_t mac[6] = {0};
  WiFi.macAddress(mac);
  snprintf(hostname, sizeof(hostname), "claude-gauge-%02x%02x", mac[4], mac[5]);
  WiFi.setHostname(hostname);

  settings.load();
  applySettings();
  portal.begin(settings, hostname);  // may block for the connect timeout; needles keep moving
  portalOpen = portal.open();

  esp_task_wdt_add(nullptr);  // the loop task, from here on
}

void loop() {
  esp_task_wdt_reset();
  portal.loop();
  portalOpen = portal.open();

  if (wipeRequested && restartAt == 0) {
    Serial.println("button: wiping WiFi and settings, restarting into the setup portal");
    portal.wipe();
    restartAt = millis() + 1000;  // the lamps show it for a second
  }
  if (portal.takeSaved() && restartAt == 0) {
    Serial.println("portal: settings saved, restarting");
    restartAt = millis() + 2000;  // apply everything (OTA, daemon address) from a clean boot
  }
  if (restartAt != 0 && static_cast<int32_t>(millis() - restartAt) >= 0) ESP.restart();

  const bool up = WiFi.status() == WL_CONNECTED;
  if (up) net::startServices(hostname, settings);
  net::handleServices();

  const cg::PollOutcome o = poller.service(up);
  if (o.kind != cg::PollKind::None) {
    feed(o);
    logOutcome(o);
  }
  delay(5);
}
