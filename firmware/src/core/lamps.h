// The annunciator row: the cluster's lamp state (model.js, exactly) turned into seven
// brightness levels, plus what the device itself has to say (setup portal open, settings
// being wiped), in the spirit of ESPHome's status_led: one place decides what every lamp shows.
#pragma once

#include <cstdint>

#include "cluster.h"
#include "io.h"

namespace cg {

enum LampChannel : uint8_t { kModelR = 0, kModelG, kModelB, kHot, kWarn, kStall, kIdle, kLampChannels };

// A good device line as the lamps must show it. Its age is how long the daemon's figures have
// not been recomputed (a source or the engine stuck, the daemon serving its last good
// snapshot): older than the cluster's own STALL limit (kStaleStallMs), the figures are stale
// however promptly they arrive, and STALL lights as if the daemon had set it (model.js
// agedPayload). The sequence number is not a staleness signal: the daemon advances it only when
// a figure changes, so an idle daemon repeats it for hours.
Payload withAge(Payload p, uint32_t ageMs);
Payload shownPayload(const Reading& r);

// Device conditions that override the cluster's lamps.
struct Overlay {
  bool portal = false;  // the WiFi setup portal is open: MODEL breathes blue (no model is blue)
  bool wiping = false;  // a long press is wiping the WiFi settings: every lamp lit
};

struct LampFrame {
  uint8_t level[kLampChannels] = {0, 0, 0, 0, 0, 0, 0};
};

// Pure: what every lamp shows, given the cluster's state and the overlay. The overlay's
// animation runs on the cluster's own clock (s.t).
LampFrame lampFrame(const ClusterState& s, const Overlay& o);

// Writes a frame to the LEDs, touching only the channels that changed.
class Annunciator {
 public:
  explicit Annunciator(LedOut& out) : out_(out) {}
  void show(const LampFrame& f);
  void invalidate() { primed_ = false; }

 private:
  LedOut& out_;
  LampFrame shown_;
  bool primed_ = false;
};

}  // namespace cg
