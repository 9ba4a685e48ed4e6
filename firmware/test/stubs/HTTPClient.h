// Host stub of HTTPClient.h (Arduino-ESP32 2.0.17): real signatures; answers with
// stub::s().httpStatus and stub::s().httpBody.
#pragma once

#include "Arduino.h"
#include "WiFi.h"

typedef enum {
  HTTP_CODE_OK = 200,
  HTTP_CODE_NOT_FOUND = 404,
  HTTP_CODE_INTERNAL_SERVER_ERROR = 500,
} t_http_codes;

#define HTTPC_ERROR_CONNECTION_REFUSED (-1)
#define HTTPC_ERROR_READ_TIMEOUT (-11)

class HTTPClient {
 public:
  bool begin(WiFiClient& client, String host, uint16_t port, String uri = "/", bool https = false) {
    (void)client;
    (void)https;
    began_ = host.length() > 0 && port != 0 && uri.length() > 0;
    return began_;
  }
  void end() { began_ = false; }
  int GET() {
    ++stub::s().httpGets;
    if (!began_) return HTTPC_ERROR_CONNECTION_REFUSED;
    body_.body = stub::s().httpBody;
    body_.at = 0;
    return stub::s().httpStatus;
  }
  int getSize() { return static_cast<int>(body_.body.size()); }
  WiFiClient* getStreamPtr() { return &body_; }
  void setTimeout(uint16_t timeout) { (void)timeout; }
  void setConnectTimeout(int32_t connectTimeout) { (void)connectTimeout; }
  void useHTTP10(bool usehttp10 = true) { (void)usehttp10; }
  void setReuse(bool reuse) { (void)reuse; }

 private:
  struct Body : WiFiClient {
    std::string body;
    size_t at = 0;
    int available() override { return static_cast<int>(body.size() - at); }
    int read() override { return at < body.size() ? static_cast<unsigned char>(body[at++]) : -1; }
    uint8_t connected() override { return at < body.size(); }
  };
  Body body_;
  bool began_ = false;
};
