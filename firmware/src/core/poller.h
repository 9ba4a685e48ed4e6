// Polling the daemon: once a second while it answers; after a failure, exponential backoff with
// jitter (so a room of clusters does not hammer a restarting daemon in step); the daemon's
// address either typed into the setup portal or found over mDNS, found again after repeated
// failures. Clock, randomness, HTTP and discovery are injected.
#pragma once

#include <cstddef>
#include <cstdint>

#include "device_line.h"
#include "io.h"

namespace cg {

constexpr uint16_t kDefaultDaemonPort = 8080;
constexpr const char* kDevicePath = "/device";

// "host", "host:port", "http://host:port/path" (port 8080 and path /device by default).
// False for anything else (spaces inside, bad port, a host of odd characters or over 63 bytes).
bool parseEndpoint(const char* text, Endpoint& out);

struct PollConfig {
  uint32_t intervalMs = 1000;      // between polls while the daemon answers
  uint32_t backoffBaseMs = 1000;   // first retry delay after a failure
  uint32_t backoffMaxMs = 16000;   // delays double up to this
  uint8_t rediscoverAfter = 3;     // failures in a row before mDNS is asked again
};

enum class PollKind : uint8_t {
  None,    // nothing was due
  Good,    // a valid device line: `reading`
  Failed,  // no good reply this time (no daemon found, HTTP error, garbage)
  Lost,    // the network is down (feed the cluster Link::Lost)
};

enum class FailReason : uint8_t { None, NotFound, Http, Parse };

struct PollOutcome {
  PollKind kind = PollKind::None;
  Reading reading;
  FailReason reason = FailReason::None;
  int status = 0;                       // HTTP status or negative error, for FailReason::Http
  ParseError parse = ParseError::Ok;    // for FailReason::Parse
};

class Poller {
 public:
  Poller(Clock& clock, Random& random, HttpGetter& http, Discovery& discovery, PollConfig cfg = PollConfig())
      : clock_(clock), random_(random), http_(http), discovery_(discovery), cfg_(cfg) {}

  // A fixed address (from the portal) replaces discovery; an invalid one restores discovery.
  void setFixedEndpoint(const Endpoint& e);

  // Call often (every loop). Polls when due; may block for one HTTP request or one mDNS query.
  PollOutcome service(bool linkUp);

  // The delay before the next attempt after `failures` failures in a row (with jitter).
  uint32_t backoffDelay(uint32_t failures);

  uint32_t failures() const { return failures_; }
  bool hasEndpoint() const { return haveEndpoint_; }
  const Endpoint& endpoint() const { return endpoint_; }
  uint32_t nextAt() const { return nextAt_; }

 private:
  void fail(PollOutcome& o, uint32_t now);

  Clock& clock_;
  Random& random_;
  HttpGetter& http_;
  Discovery& discovery_;
  PollConfig cfg_;

  bool fixed_ = false;
  bool haveEndpoint_ = false;
  Endpoint endpoint_;
  bool started_ = false;
  bool linkUp_ = false;
  uint32_t nextAt_ = 0;
  uint32_t failures_ = 0;
  char buf_[kDeviceLineMax];
};

}  // namespace cg
