// A clock that moves only when the test says so (see openclaw/clock.h).
#pragma once

#include "openclaw/clock.h"

namespace openclaw {

class FakeClock final : public Clock {
 public:
  FakeClock() = default;
  explicit FakeClock(std::int64_t wallSeconds) : wall_(std::chrono::seconds(wallSeconds)) {}

  SteadyPoint steady() const override { return steady_; }
  WallPoint wall() const override { return wall_; }

  // Both clocks move together, as they do on a host whose time is not stepped.
  void advance(std::chrono::steady_clock::duration by) {
    steady_ += by;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(by);
  }
  // The wall clock alone jumps, as when NTP steps it.
  void stepWall(std::chrono::system_clock::duration by) { wall_ += by; }

 private:
  SteadyPoint steady_{std::chrono::hours(1)};
  WallPoint wall_{std::chrono::seconds(1'800'000'000)};
};

}  // namespace openclaw
