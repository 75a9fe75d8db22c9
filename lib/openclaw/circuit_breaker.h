// A circuit breaker for one remote agent: after `failures` tripping errors (tripsBreaker)
// within a sliding `window`, calls to the agent are refused for `openFor`, then exactly one
// trial call is let through; its outcome closes the breaker or opens it again.  Pure: every
// method takes `now`; nothing here reads a clock or locks (one event loop owns a breaker).
//
//   Closed    admit: Allowed.  A tripping failure enters the window; the `failures`-th one
//             within `window` (a failure exactly `window` old is out) opens: Opened.
//             Successes do not empty the window; failures age out of it.
//   Open      admit: Rejected until openedAt + openFor, then the breaker is HalfOpen.
//   HalfOpen  the first admit gets Trial, every other one Rejected while the trial is out.
//             The trial's outcome: a success or a non-tripping error (a 4xx, 429 included:
//             the agent answered) closes, with the window emptied: Closed; a tripping
//             failure opens again for another openFor: Reopened.
//
// record() with Allowed after the breaker opened (a call admitted before) changes nothing;
// with Rejected, nothing.  `now` passed to record is when the call ended.
//
// abandonTrial: the trial ended with no outcome (the client went away, the bridge stopped
// it).  That says nothing about the agent, so the breaker stays HalfOpen and the next admit
// gets a new Trial at once, rather than punishing a possibly healthy agent with another
// openFor.  A trial neither recorded nor abandoned (a caller's bug) is given up after
// kTrialLease, so a lost trial cannot lock an agent out for good.
//
// timesOpened counts Closed -> Open only: a Reopened is the same outage going on.
//
// Persistence (toJson/fromJson): {"state", "reopen_at" (while open: wall-clock ms since the
// epoch), "failures" (wall-clock ms of the failures in the window), "times_opened"}.  Steady
// times do not survive a restart, so they are stored as wall times and mapped back with the
// `now`s given.  fromJson never throws: anything of the wrong type is ignored; a reopen time
// is clamped to [now, now + openFor], failures in the future count as now, failures older
// than `window` are dropped, times_opened is clamped to [0, 2^64 - 1]; an unknown state is
// Closed and an open state without a reopen time stays open a full openFor.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>

#include "openclaw/call_error.h"

namespace openclaw {

enum class BreakerState { Closed, Open, HalfOpen };
enum class Admission { Allowed, Trial, Rejected };
enum class BreakerChange { None, Opened, Closed, Reopened };

const char* toString(BreakerState state);    // "closed", "open", "half-open"
const char* toString(Admission admission);   // "allowed", "trial", "rejected"
const char* toString(BreakerChange change);  // "none", "opened", "closed", "reopened"

// Five failures in a minute is no blip on an agent that answers in seconds; thirty seconds
// open is long enough for a restarting model server, short enough that a recovered agent
// is not missed for long.  Values below 1 failure or below 0 ms count as 1 and 0.
struct BreakerPolicy {
  int failures = 5;
  Millis window{60000};
  Millis openFor{30000};
};

// Longer than any call's deadline, so a slow trial is never joined by a second one.
inline constexpr Millis kTrialLease = std::chrono::minutes(10);

class CircuitBreaker {
 public:
  explicit CircuitBreaker(BreakerPolicy policy = {});

  Admission admit(SteadyTime now);
  BreakerChange record(CallError error, SteadyTime now, Admission how);
  void abandonTrial(SteadyTime now);
  bool reset();  // Closed, window emptied; true if it was not Closed

  BreakerState state(SteadyTime now) const;
  std::optional<Millis> reopensIn(SteadyTime now) const;  // while Open
  int failuresInWindow(SteadyTime now) const;
  std::uint64_t timesOpened() const { return timesOpened_; }
  const BreakerPolicy& policy() const { return policy_; }

  nlohmann::json toJson(SteadyTime now, WallTime wallNow) const;
  static CircuitBreaker fromJson(const nlohmann::json& doc, SteadyTime now, WallTime wallNow,
                                 BreakerPolicy policy = {});

 private:
  void addFailure(SteadyTime at);

  BreakerPolicy policy_;
  BreakerState state_ = BreakerState::Closed;  // an Open past reopenAt_ is HalfOpen
  SteadyTime reopenAt_{};
  std::optional<SteadyTime> trialSince_;  // set while a trial is out
  std::deque<SteadyTime> failures_;       // oldest first, at most policy_.failures
  std::uint64_t timesOpened_ = 0;
};

}  // namespace openclaw
