// The daemon's clocks, injected so that time-based policy can be tested without waiting.
//
// `steady()` measures intervals (timeouts, windows, backoffs); `wall()` stamps what must
// survive a restart (ledgers, reports).  Services take a `Clock&` from the DaemonContext;
// `SystemClock` reads the kernel, tests use `FakeClock` (tests/fakes/fake_clock.h) and move
// time with `advance()`.  Timers armed on the io_context still run in real time: code that
// must be testable arms a timer for `deadline - clock.steady()` and re-checks the clock when
// it fires, so a test can advance the clock and poke the handler.
#pragma once

#include <chrono>
#include <cstdint>

namespace openclaw {

class Clock {
 public:
  using SteadyPoint = std::chrono::steady_clock::time_point;
  using WallPoint = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  virtual SteadyPoint steady() const = 0;
  virtual WallPoint wall() const = 0;

  // Unix time in whole seconds, what ledgers store.
  std::int64_t wallSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(wall().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  SteadyPoint steady() const override { return std::chrono::steady_clock::now(); }
  WallPoint wall() const override { return std::chrono::system_clock::now(); }
};

// The process's real clock, for code built outside a DaemonContext (agentctl, tools).
inline Clock& systemClock() {
  static SystemClock clock;
  return clock;
}

}  // namespace openclaw
