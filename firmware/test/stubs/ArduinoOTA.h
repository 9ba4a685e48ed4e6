// Host stub of ArduinoOTA.h (Arduino-ESP32 2.0.17): real signatures, does nothing.
#pragma once

#include <functional>

#include "Arduino.h"

typedef enum { OTA_AUTH_ERROR, OTA_BEGIN_ERROR, OTA_CONNECT_ERROR, OTA_RECEIVE_ERROR, OTA_END_ERROR } ota_error_t;

class ArduinoOTAClass {
 public:
  typedef std::function<void(void)> THandlerFunction;
  typedef std::function<void(ota_error_t)> THandlerFunction_Error;
  typedef std::function<void(unsigned int, unsigned int)> THandlerFunction_Progress;

  ArduinoOTAClass& setPort(uint16_t port) { (void)port; return *this; }
  ArduinoOTAClass& setHostname(const char* hostname) { (void)hostname; return *this; }
  ArduinoOTAClass& setPassword(const char* password) { (void)password; return *this; }
  ArduinoOTAClass& setMdnsEnabled(bool enabled) { (void)enabled; return *this; }
  ArduinoOTAClass& onStart(THandlerFunction fn) { start_ = fn; return *this; }
  ArduinoOTAClass& onEnd(THandlerFunction fn) { end_ = fn; return *this; }
  ArduinoOTAClass& onError(THandlerFunction_Error fn) { error_ = fn; return *this; }
  ArduinoOTAClass& onProgress(THandlerFunction_Progress fn) { progress_ = fn; return *this; }
  void begin() { began_ = true; }
  void handle() {}
  bool began() const { return began_; }

 private:
  THandlerFunction start_, end_;
  THandlerFunction_Error error_;
  THandlerFunction_Progress progress_;
  bool began_ = false;
};
inline ArduinoOTAClass ArduinoOTA;
