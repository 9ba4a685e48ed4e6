// The cluster model: a line-for-line port of web/model.js (createCluster, stepNeedle,
// permilleToSteps). Integer arithmetic on a 1 ms tick, so this and the browser agree to the
// microstep; spec/cluster-vectors.json holds them together (test/test_vectors.cpp).
//
// Not thread-safe: the firmware guards it with one spinlock shared by the stepping ISR
// (advance/tick) and the tasks that feed it and read its state.
#pragma once

#include <cstdint>

#include "constants.h"
#include "device_line.h"

namespace cg {

// One needle of the motion engine. pos is in milli-microsteps, vel in microsteps/s (signed).
struct Needle {
  int32_t target = 0;  // microsteps, 0..kMaxSteps
  int32_t pos = 0;
  int32_t vel = 0;
};

// 0-1000 -> microsteps, rounded half up, clamped (model.js permilleToSteps).
int32_t permilleToSteps(uint32_t permille);

// One 1 ms step of the motion engine: trapezoidal, integer, never past the target.
void stepNeedle(Needle& n);

// What one good poll carried: the fields of the device line the cluster uses.
struct Payload {
  uint32_t gauge[kGauges] = {0, 0, 0, 0};  // 0-1000 (larger values clamp)
  Model model = Model::Other;
  bool hot = false;
  bool warn = false;
  bool stall = false;
  bool idle = false;
  bool range = false;  // /usage window_5h_runs_out: WARN flashes
};

Payload payloadFrom(const Reading& r);

enum class Link : uint8_t { Ok, Lost };  // Lost: the link is known to be down (no WiFi)

// The MODEL lamp: a family, or dark.
enum class LampModel : uint8_t { Off, Opus, Sonnet, Haiku };

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

Rgb modelColor(LampModel m);
const char* lampModelName(LampModel m);  // "off", "opus", "sonnet", "haiku" as in the vectors

struct ClusterState {
  int64_t t = 0;
  int32_t needles[kGauges] = {0, 0, 0, 0};  // whole microsteps
  int32_t targets[kGauges] = {0, 0, 0, 0};
  LampModel model = LampModel::Off;
  Rgb rgb;
  bool hot = false;   // the HOT lamp right now (flash phase applied)
  bool warn = false;  // the WARN lamp right now: steady for warn, flashing (phase applied) for range
  bool stall = false;
  uint8_t idle = 0;   // IDLE brightness 0-255 (breath phase applied); 0 = off
  bool stale = false;
  bool lost = false;
};

class Cluster {
 public:
  // A poll result at time t (ms): a payload, or nullptr for a failed poll; Link::Lost = known down.
  void feed(int64_t t, const Payload* payload, Link link = Link::Ok);
  // Runs the motion engine and the lamp clocks up to time t (ms).
  void advance(int64_t t);
  // advance(now() + 1): what the stepping interrupt calls once per millisecond.
  void tick() { advance(now_ + 1); }
  ClusterState state() const;

  int64_t now() const { return now_; }
  // Needle i's position in whole microsteps: what the step generator follows.
  int32_t microsteps(int i) const { return needles_[i].pos / 1000; }
  const Needle& needle(int i) const { return needles_[i]; }
  // After homing: every needle stands at zero, still (targets are kept).
  void resetNeedles();

 private:
  bool stale() const;
  bool resting() const;
  void retarget();
  void lampPhases();

  Needle needles_[kGauges];
  int64_t now_ = 0;
  bool hasLast_ = false;  // model.js: last !== null
  Payload last_;
  int64_t lastGoodAt_ = 0;  // meaningful only when hasLast_ (model.js starts at -Infinity)
  bool lost_ = false;
  bool hotOn_ = false;  // model.js: hotSince !== null
  int64_t hotSince_ = 0;
  bool warnFlashOn_ = false;  // model.js: warnFlashSince !== null
  int64_t warnFlashSince_ = 0;
  bool idleOn_ = false;
  int64_t idleSince_ = 0;
};

}  // namespace cg
