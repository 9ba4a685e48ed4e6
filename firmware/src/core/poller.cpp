#include "poller.h"

#include <cstring>

namespace cg {
namespace {

bool isHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool isPathChar(char c) { return c > ' ' && c < 0x7f; }

// Signed distance a - b on a wrapping millisecond clock.
int32_t diff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

}  // namespace

bool parseEndpoint(const char* text, Endpoint& out) {
  if (text == nullptr) return false;
  size_t len = std::strlen(text);
  size_t i = 0;
  while (i < len && text[i] == ' ') ++i;
  while (len > i && text[len - 1] == ' ') --len;
  if (len - i >= 7 && std::strncmp(text + i, "http://", 7) == 0) i += 7;

  Endpoint e;
  size_t h = 0;
  while (i < len && isHostChar(text[i])) {
    if (h + 1 >= sizeof(e.host)) return false;
    e.host[h++] = text[i++];
  }
  if (h == 0) return false;
  e.host[h] = '\0';

  uint32_t port = kDefaultDaemonPort;
  if (i < len && text[i] == ':') {
    ++i;
    port = 0;
    size_t digits = 0;
    while (i < len && text[i] >= '0' && text[i] <= '9') {
      if (++digits > 5) return false;
      port = port * 10 + static_cast<uint32_t>(text[i++] - '0');
    }
    if (digits == 0 || port == 0 || port > 65535) return false;
  }
  e.port = static_cast<uint16_t>(port);

  if (i < len && text[i] == '/') {
    size_t p = 0;
    while (i < len) {
      if (!isPathChar(text[i]) || p + 1 >= sizeof(e.path)) return false;
      e.path[p++] = text[i++];
    }
    e.path[p] = '\0';
  } else {
    std::strncpy(e.path, kDevicePath, sizeof(e.path) - 1);
  }
  if (i != len) return false;
  out = e;
  return true;
}

void Poller::setFixedEndpoint(const Endpoint& e) {
  fixed_ = e.valid();
  haveEndpoint_ = fixed_;
  endpoint_ = fixed_ ? e : Endpoint();
}

uint32_t Poller::backoffDelay(uint32_t failures) {
  if (failures == 0) return cfg_.intervalMs;
  uint32_t d = cfg_.backoffBaseMs;
  for (uint32_t k = 1; k < failures && d < cfg_.backoffMaxMs; ++k) d *= 2;
  if (d > cfg_.backoffMaxMs) d = cfg_.backoffMaxMs;
  // "Equal jitter": half fixed, half random, so retries spread out but never come early.
  const uint32_t half = d / 2;
  return half + random_.next() % (d - half + 1);
}

void Poller::fail(PollOutcome& o, uint32_t now) {
  o.kind = PollKind::Failed;
  ++failures_;
  if (!fixed_ && failures_ >= cfg_.rediscoverAfter) haveEndpoint_ = false;
  nextAt_ = now + backoffDelay(failures_);
}

PollOutcome Poller::service(bool linkUp) {
  PollOutcome o;
  const uint32_t start = clock_.millis();
  if (!started_) {
    started_ = true;
    linkUp_ = !linkUp;  // report the first state either way
  }
  if (!linkUp) {
    if (linkUp_ || diff(start, nextAt_) >= 0) {
      linkUp_ = false;
      failures_ = 0;
      nextAt_ = start + cfg_.intervalMs;
      o.kind = PollKind::Lost;
    }
    return o;
  }
  if (!linkUp_) {
    linkUp_ = true;
    nextAt_ = start;  // the network is back: poll at once
  }
  if (diff(start, nextAt_) < 0) return o;

  if (!haveEndpoint_) {
    Endpoint found;
    if (!discovery_.find(found) || !found.valid()) {
      o.reason = FailReason::NotFound;
      fail(o, clock_.millis());
      return o;
    }
    endpoint_ = found;
    haveEndpoint_ = true;
  }

  size_t len = 0;
  const int status = http_.get(endpoint_, buf_, sizeof(buf_), len);
  const uint32_t end = clock_.millis();
  if (status != 200) {
    o.reason = FailReason::Http;
    o.status = status;
    fail(o, end);
    return o;
  }
  if (len > sizeof(buf_)) len = sizeof(buf_);
  const ParseError e = parseDeviceLine(buf_, len, o.reading);
  if (e != ParseError::Ok) {
    o.reason = FailReason::Parse;
    o.parse = e;
    fail(o, end);
    return o;
  }
  o.kind = PollKind::Good;
  failures_ = 0;
  // Keep a steady cadence from the start of this poll; a slow reply just makes the next one due.
  nextAt_ = start + cfg_.intervalMs;
  if (diff(end, nextAt_) > 0) nextAt_ = end;
  return o;
}

}  // namespace cg
