#include "lamps.h"

namespace cg {

Payload withAge(Payload p, uint32_t ageMs) {
  if (static_cast<int64_t>(ageMs) > kStaleStallMs) p.stall = true;
  return p;
}

Payload shownPayload(const Reading& r) { return withAge(payloadFrom(r), r.ageMs); }

LampFrame lampFrame(const ClusterState& s, const Overlay& o) {
  LampFrame f;
  if (o.wiping) {
    for (uint8_t& l : f.level) l = 255;
    return f;
  }
  f.level[kModelR] = s.rgb.r;
  f.level[kModelG] = s.rgb.g;
  f.level[kModelB] = s.rgb.b;
  f.level[kHot] = s.hot ? 255 : 0;
  f.level[kWarn] = s.warn ? 255 : 0;
  f.level[kStall] = s.stall ? 255 : 0;
  f.level[kIdle] = s.idle;
  if (o.portal) {
    // Breathe blue on the MODEL lamp, 2 s a breath, on the same triangle as IDLE.
    const int64_t period = 2000;
    const int64_t phase = (s.t < 0 ? 0 : s.t) % period;
    const int64_t tri = phase < period / 2 ? phase : period - phase;
    f.level[kModelR] = 0;
    f.level[kModelG] = 0;
    f.level[kModelB] = static_cast<uint8_t>(kIdleFloor + (tri * (255 - kIdleFloor)) / (period / 2));
  }
  return f;
}

void Annunciator::show(const LampFrame& f) {
  for (uint8_t ch = 0; ch < kLampChannels; ++ch) {
    if (!primed_ || f.level[ch] != shown_.level[ch]) out_.set(ch, f.level[ch]);
  }
  shown_ = f;
  primed_ = true;
}

}  // namespace cg
