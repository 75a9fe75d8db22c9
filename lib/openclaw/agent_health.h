// The health of one remote agent as its calls' outcomes show it, for status output and
// alerts.  Pure: every outcome comes with its time; nothing reads a clock.
//
// What counts as a failure: every error except None, NotFound and BadRequest (those are
// about the request, not the agent, which did answer).
//
// The window is the last kHealthWindowCalls outcomes that are younger than
// kHealthWindowAge, kept in a fixed ring: memory does not grow with the number of calls.
// The state, first rule that holds:
//   Unknown      no call yet, or no failure streak and nothing in the window (an idle
//                agent has no recent evidence either way);
//   Unreachable  the outcomes since the last success (one or more) are all Connection;
//   Unhealthy    kUnhealthyStreak or more failures in a row, or a success rate in the
//                window below kUnhealthyRate;
//   Degraded     any failure in the window;
//   Healthy      otherwise.
// The streak rules do not age: the last thing known about an agent stays its state until a
// new call says otherwise.
//
// Snapshot figures: successRate over the window (1 when it is empty); averageLatency over
// the window's answered calls, failures left out (a refused connection's 2 ms says nothing
// about how fast the agent answers; 0 when there are none); lastLatency of any outcome.
//
// toJson/fromJson keep what survives a restart: totals, the failure streak, the last error,
// latency and call time.  Steady times do not, so the window starts empty.  fromJson never
// throws: wrong types are ignored, numbers clamped (counts to [0, 2^53], the streak to the
// failures), unknown error names read as "ok".
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "openclaw/call_error.h"

namespace openclaw {

// A hundred calls is a rate with a step of 1 %; five minutes keeps it about now, not about
// the morning, for an agent called a few times a minute.
inline constexpr int kHealthWindowCalls = 100;
inline constexpr Millis kHealthWindowAge = std::chrono::minutes(5);
// Three in a row is no longer chance on an agent that normally answers (one failure in ten
// makes three in a row one in a thousand); half failing is an agent in trouble.
inline constexpr int kUnhealthyStreak = 3;
inline constexpr double kUnhealthyRate = 0.5;

enum class HealthState { Unknown, Healthy, Degraded, Unhealthy, Unreachable };

// "unknown", "healthy", "degraded", "unhealthy", "unreachable"
const char* toString(HealthState state);

bool countsAgainstAgent(CallError error);

struct HealthSnapshot {
  HealthState state;
  double successRate;
  int callsInWindow;
  int consecutiveFailures;
  CallError lastError;
  Millis lastLatency;
  Millis averageLatency;
  std::optional<WallTime> lastCall;
  std::uint64_t totalCalls, totalFailures;
};

class AgentHealth {
 public:
  void record(CallError error, Millis latency, SteadyTime now, WallTime wallNow);
  HealthSnapshot snapshot(SteadyTime now) const;

  nlohmann::json toJson() const;
  static AgentHealth fromJson(const nlohmann::json& doc);

 private:
  struct Outcome {
    SteadyTime at{};
    Millis latency{0};
    bool failed = false;
  };
  HealthState stateOf(int calls, int successes) const;

  std::array<Outcome, kHealthWindowCalls> ring_{};
  std::size_t next_ = 0;    // where the next outcome goes
  std::size_t stored_ = 0;  // up to kHealthWindowCalls
  int consecutiveFailures_ = 0;
  bool streakAllConnection_ = true;  // every failure since the last success is Connection
  CallError lastError_ = CallError::None;
  Millis lastLatency_{0};
  std::optional<WallTime> lastCall_;
  std::uint64_t totalCalls_ = 0;
  std::uint64_t totalFailures_ = 0;
};

}  // namespace openclaw
