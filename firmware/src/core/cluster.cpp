#include "cluster.h"

namespace cg {
namespace {

int32_t abs32(int32_t v) { return v < 0 ? -v : v; }
int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }
int32_t max32(int32_t a, int32_t b) { return a > b ? a : b; }

}  // namespace

int32_t permilleToSteps(uint32_t permille) {
  const int64_t v = permille > 1000 ? 1000 : permille;
  return static_cast<int32_t>((v * kMaxSteps + 500) / 1000);
}

void stepNeedle(Needle& n) {
  const int32_t goal = n.target * 1000;
  const int32_t dist = goal - n.pos;
  if (dist == 0) {
    n.vel = 0;
    return;
  }
  const int32_t dir = dist > 0 ? 1 : -1;
  const int32_t dv = kAccel / 1000;
  int32_t speed = n.vel * dir;  // along the way to the goal; negative while still moving away
  if (speed < 0) {
    speed += dv;  // moving away: brake first
    if (speed > -kStartSpeed) speed = kStartSpeed;  // slow enough to reverse at once
  } else if (speed < kStartSpeed) {
    speed = kStartSpeed;
  } else {
    // Distance needed to brake to the start-stop speed, in milli-microsteps.
    const int64_t s = speed;
    const int64_t ss = kStartSpeed;
    const int64_t stop = ((s * s - ss * ss) * 1000) / (2 * static_cast<int64_t>(kAccel));
    speed = abs32(dist) <= stop ? max32(kStartSpeed, speed - dv) : min32(kMaxSpeed, speed + dv);
  }
  if (speed < 0) {
    // Still coasting away while braking; the end stops bound the travel.
    n.pos = max32(0, min32(kMaxSteps * 1000, n.pos + dir * speed));
    n.vel = (n.pos == 0 || n.pos == kMaxSteps * 1000) ? 0 : speed * dir;
    return;
  }
  const int32_t move = min32(speed, abs32(dist));
  n.pos += dir * move;
  n.vel = n.pos == goal ? 0 : speed * dir;
}

Payload payloadFrom(const Reading& r) {
  Payload p;
  for (int i = 0; i < kGauges; ++i) p.gauge[i] = r.gauge[i];
  p.model = r.model;
  p.hot = (r.flags & kFlagHot) != 0;
  p.warn = (r.flags & kFlagWarn) != 0;
  p.stall = (r.flags & kFlagStall) != 0;
  p.idle = (r.flags & kFlagIdle) != 0;
  p.range = (r.flags & kFlagRange) != 0;
  return p;
}

Rgb modelColor(LampModel m) {
  switch (m) {
    case LampModel::Opus: return Rgb{255, 0, 0};
    case LampModel::Sonnet: return Rgb{255, 120, 0};
    case LampModel::Haiku: return Rgb{0, 255, 0};
    case LampModel::Off: break;
  }
  return Rgb{0, 0, 0};
}

const char* lampModelName(LampModel m) {
  switch (m) {
    case LampModel::Opus: return "opus";
    case LampModel::Sonnet: return "sonnet";
    case LampModel::Haiku: return "haiku";
    case LampModel::Off: break;
  }
  return "off";
}

bool Cluster::stale() const { return lost_ || !hasLast_ || now_ - lastGoodAt_ > kStaleStallMs; }

bool Cluster::resting() const { return lost_ || !hasLast_ || now_ - lastGoodAt_ > kStaleRestMs; }

void Cluster::retarget() {
  const bool rest = resting();
  for (int i = 0; i < kGauges; ++i) {
    Needle& n = needles_[i];
    const int32_t want = rest ? 0 : permilleToSteps(last_.gauge[i]);
    const bool edge = want == 0 || want == kMaxSteps;
    if (edge || abs32(want - n.target) > kDeadbandSteps) n.target = want;
  }
}

void Cluster::lampPhases() {
  const bool on = !resting();
  const bool fresh = on && !stale();
  const bool hot = fresh && hasLast_ && last_.hot;
  const bool warnFlash = fresh && hasLast_ && last_.range;
  const bool idle = fresh && hasLast_ && last_.idle && !last_.stall;
  if (hot && !hotOn_) {
    hotOn_ = true;
    hotSince_ = now_;
  }
  if (!hot) hotOn_ = false;
  if (warnFlash && !warnFlashOn_) {
    warnFlashOn_ = true;
    warnFlashSince_ = now_;
  }
  if (!warnFlash) warnFlashOn_ = false;
  if (idle && !idleOn_) {
    idleOn_ = true;
    idleSince_ = now_;
  }
  if (!idle) idleOn_ = false;
}

void Cluster::feed(int64_t t, const Payload* payload, Link link) {
  advance(t);
  if (link == Link::Lost) {
    lost_ = true;
  } else if (payload != nullptr) {
    lost_ = false;
    last_ = *payload;
    hasLast_ = true;
    lastGoodAt_ = t;
  }
  retarget();
  lampPhases();
}

void Cluster::advance(int64_t t) {
  while (now_ < t) {
    ++now_;
    for (Needle& n : needles_) stepNeedle(n);
    if (resting()) {
      bool moving = false;
      for (const Needle& n : needles_) moving = moving || n.target != 0;
      if (moving) retarget();
    }
  }
  lampPhases();
}

ClusterState Cluster::state() const {
  ClusterState s;
  const bool on = !resting();
  const bool fresh = on && !stale();
  s.t = now_;
  for (int i = 0; i < kGauges; ++i) {
    s.needles[i] = needles_[i].pos / 1000;
    s.targets[i] = needles_[i].target;
  }
  s.model = LampModel::Off;
  if (on) {
    switch (last_.model) {
      case Model::Opus: s.model = LampModel::Opus; break;
      case Model::Sonnet: s.model = LampModel::Sonnet; break;
      case Model::Haiku: s.model = LampModel::Haiku; break;
      case Model::Other: break;
    }
  }
  s.rgb = modelColor(s.model);
  s.hot = hotOn_ && ((now_ - hotSince_) / kHotFlashMs) % 2 == 0;
  s.idle = 0;
  if (idleOn_) {
    const int64_t phase = (now_ - idleSince_) % kIdleBreathMs;
    const int64_t half = kIdleBreathMs / 2;
    const int64_t tri = phase < half ? phase : kIdleBreathMs - phase;
    s.idle = static_cast<uint8_t>(kIdleFloor + (tri * (255 - kIdleFloor)) / half);
  }
  // Flashing (the window runs out) wins over steady (warn): it is the more urgent message, and a
  // flashing lamp is still lit half the time.
  s.warn = warnFlashOn_ ? ((now_ - warnFlashSince_) / kWarnFlashMs) % 2 == 0 : fresh && hasLast_ && last_.warn;
  s.stall = stale() || (hasLast_ && last_.stall);
  s.stale = stale();
  s.lost = lost_;
  return s;
}

void Cluster::resetNeedles() {
  for (Needle& n : needles_) {
    n.pos = 0;
    n.vel = 0;
  }
}

}  // namespace cg
