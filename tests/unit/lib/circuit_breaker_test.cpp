// The breaker's transitions on a fake clock (plain time points moved by hand), and its
// persistence: an open breaker survives a restart, damaged files never throw.
#include "openclaw/circuit_breaker.h"

#include <gtest/gtest.h>

#include <limits>

namespace openclaw {
namespace {

using std::chrono::seconds;

const SteadyTime kStart = SteadyTime(std::chrono::hours(1000));
const WallTime kWallStart = WallTime(seconds(1'800'000'000));

class ACircuitBreaker : public ::testing::Test {
 protected:
  // Five tripping failures a second apart: the fifth opens.
  void openIt() {
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(breaker_.admit(now_), Admission::Allowed);
      change_ = breaker_.record(CallError::Server, now_, Admission::Allowed);
      if (i < 4) now_ += seconds(1);
    }
    ASSERT_EQ(change_, BreakerChange::Opened);
  }

  CircuitBreaker breaker_;
  SteadyTime now_ = kStart;
  BreakerChange change_ = BreakerChange::None;
};

TEST_F(ACircuitBreaker, StartsClosedAndAllowsCalls) {
  EXPECT_EQ(breaker_.state(now_), BreakerState::Closed);
  EXPECT_EQ(breaker_.admit(now_), Admission::Allowed);
  EXPECT_EQ(breaker_.reopensIn(now_), std::nullopt);
  EXPECT_EQ(breaker_.timesOpened(), 0u);
}

TEST_F(ACircuitBreaker, OpensAtTheFifthTrippingFailureWithinAMinute) {
  for (CallError e :
       {CallError::Server, CallError::Timeout, CallError::Connection, CallError::InvalidResponse}) {
    EXPECT_EQ(breaker_.record(e, now_, Admission::Allowed), BreakerChange::None);
    now_ += seconds(10);
  }
  EXPECT_EQ(breaker_.failuresInWindow(now_), 4);
  EXPECT_EQ(breaker_.record(CallError::Server, now_, Admission::Allowed), BreakerChange::Opened);
  EXPECT_EQ(breaker_.state(now_), BreakerState::Open);
  EXPECT_EQ(breaker_.admit(now_), Admission::Rejected);
  EXPECT_EQ(breaker_.reopensIn(now_), Millis(30000));
  EXPECT_EQ(breaker_.timesOpened(), 1u);
}

TEST_F(ACircuitBreaker, NeverTripsOn4xxOrRateLimits) {
  for (int i = 0; i < 50; ++i)
    for (CallError e : {CallError::RateLimited, CallError::Auth, CallError::NotFound,
                        CallError::BadRequest, CallError::None})
      EXPECT_EQ(breaker_.record(e, now_, Admission::Allowed), BreakerChange::None);
  EXPECT_EQ(breaker_.state(now_), BreakerState::Closed);
  EXPECT_EQ(breaker_.failuresInWindow(now_), 0);
}

TEST_F(ACircuitBreaker, ForgetsFailuresOlderThanTheWindow) {
  for (int i = 0; i < 4; ++i) breaker_.record(CallError::Server, now_, Admission::Allowed);
  now_ += seconds(60);  // exactly a window later: out
  EXPECT_EQ(breaker_.failuresInWindow(now_), 0);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(breaker_.record(CallError::Timeout, now_, Admission::Allowed), BreakerChange::None);
  EXPECT_EQ(breaker_.state(now_), BreakerState::Closed);
  now_ += seconds(59);
  EXPECT_EQ(breaker_.record(CallError::Timeout, now_, Admission::Allowed), BreakerChange::Opened);
}

TEST_F(ACircuitBreaker, LetsExactlyOneTrialThroughAfterOpenFor) {
  openIt();
  now_ += seconds(29);
  EXPECT_EQ(breaker_.admit(now_), Admission::Rejected);
  now_ += seconds(1);
  EXPECT_EQ(breaker_.state(now_), BreakerState::HalfOpen);
  EXPECT_EQ(breaker_.admit(now_), Admission::Trial);
  for (int i = 0; i < 10; ++i) {
    now_ += seconds(5);
    EXPECT_EQ(breaker_.admit(now_), Admission::Rejected);
  }
}

TEST_F(ACircuitBreaker, ClosesWhenTheTrialSucceedsOrTheAgentAnswersWith4xx) {
  for (CallError answer : {CallError::None, CallError::BadRequest, CallError::RateLimited}) {
    openIt();
    now_ += seconds(30);
    ASSERT_EQ(breaker_.admit(now_), Admission::Trial);
    EXPECT_EQ(breaker_.record(answer, now_, Admission::Trial), BreakerChange::Closed);
    EXPECT_EQ(breaker_.state(now_), BreakerState::Closed);
    EXPECT_EQ(breaker_.failuresInWindow(now_), 0);
    now_ += seconds(1);
  }
  EXPECT_EQ(breaker_.timesOpened(), 3u);
}

TEST_F(ACircuitBreaker, ReopensForAnotherOpenForWhenTheTrialFails) {
  openIt();
  now_ += seconds(30);
  ASSERT_EQ(breaker_.admit(now_), Admission::Trial);
  now_ += seconds(3);
  EXPECT_EQ(breaker_.record(CallError::Timeout, now_, Admission::Trial), BreakerChange::Reopened);
  EXPECT_EQ(breaker_.state(now_), BreakerState::Open);
  EXPECT_EQ(breaker_.reopensIn(now_), Millis(30000));
  EXPECT_EQ(breaker_.timesOpened(), 1u);
  now_ += seconds(30);
  EXPECT_EQ(breaker_.admit(now_), Admission::Trial);
}

TEST_F(ACircuitBreaker, IgnoresLateOutcomesOfCallsLetInBeforeItOpened) {
  openIt();
  EXPECT_EQ(breaker_.record(CallError::None, now_, Admission::Allowed), BreakerChange::None);
  EXPECT_EQ(breaker_.record(CallError::Server, now_, Admission::Allowed), BreakerChange::None);
  EXPECT_EQ(breaker_.record(CallError::None, now_, Admission::Rejected), BreakerChange::None);
  EXPECT_EQ(breaker_.state(now_), BreakerState::Open);
  EXPECT_EQ(breaker_.reopensIn(now_), Millis(30000));
}

TEST_F(ACircuitBreaker, OffersANewTrialAtOnceWhenTheTrialIsAbandoned) {
  openIt();
  now_ += seconds(30);
  ASSERT_EQ(breaker_.admit(now_), Admission::Trial);
  breaker_.abandonTrial(now_);
  EXPECT_EQ(breaker_.state(now_), BreakerState::HalfOpen);
  EXPECT_EQ(breaker_.admit(now_), Admission::Trial);
  EXPECT_EQ(breaker_.admit(now_), Admission::Rejected);
}

TEST_F(ACircuitBreaker, GivesALostTrialUpAfterItsLease) {
  openIt();
  now_ += seconds(30);
  ASSERT_EQ(breaker_.admit(now_), Admission::Trial);
  now_ += kTrialLease - Millis(1);
  EXPECT_EQ(breaker_.admit(now_), Admission::Rejected);
  now_ += Millis(1);
  EXPECT_EQ(breaker_.admit(now_), Admission::Trial);
}

TEST_F(ACircuitBreaker, ClosesOnAnOperatorReset) {
  EXPECT_FALSE(breaker_.reset());
  openIt();
  EXPECT_TRUE(breaker_.reset());
  EXPECT_EQ(breaker_.state(now_), BreakerState::Closed);
  EXPECT_EQ(breaker_.admit(now_), Admission::Allowed);
  EXPECT_EQ(breaker_.failuresInWindow(now_), 0);
  // A trial that was out when the operator reset counts like any call.
  EXPECT_EQ(breaker_.record(CallError::Server, now_, Admission::Trial), BreakerChange::None);
  EXPECT_EQ(breaker_.failuresInWindow(now_), 1);
}

TEST_F(ACircuitBreaker, KeepsOnlyAsManyFailuresAsItTakesToOpen) {
  CircuitBreaker breaker({3, Millis(60000), Millis(1000)});
  for (int i = 0; i < 2; ++i) {
    breaker.record(CallError::Server, now_, Admission::Allowed);
    now_ += seconds(40);
  }
  // The first has aged out: two in the window, no opening.
  EXPECT_EQ(breaker.record(CallError::Server, now_, Admission::Allowed), BreakerChange::None);
  EXPECT_EQ(breaker.failuresInWindow(now_), 2);
  EXPECT_EQ(breaker.toJson(now_, kWallStart)["failures"].size(), 2u);
}

TEST_F(ACircuitBreaker, HasLowerCaseNames) {
  EXPECT_STREQ(toString(BreakerState::Closed), "closed");
  EXPECT_STREQ(toString(BreakerState::Open), "open");
  EXPECT_STREQ(toString(BreakerState::HalfOpen), "half-open");
  EXPECT_STREQ(toString(Admission::Trial), "trial");
  EXPECT_STREQ(toString(BreakerChange::Reopened), "reopened");
}

TEST_F(ACircuitBreaker, StaysOpenAcrossARestartUntilItsWallClockReopenTime) {
  openIt();
  now_ += seconds(10);
  const WallTime wall = kWallStart;
  const nlohmann::json saved = breaker_.toJson(now_, wall);
  EXPECT_EQ(saved["state"], "open");
  EXPECT_EQ(saved["reopen_at"], 1'800'000'000'000LL + 20000);
  EXPECT_EQ(saved["times_opened"], 1);
  // The new process's steady clock has nothing to do with the old one's; 5 s went by.
  const SteadyTime later = SteadyTime(seconds(7));
  CircuitBreaker restored =
      CircuitBreaker::fromJson(saved, later, wall + seconds(5), BreakerPolicy{});
  EXPECT_EQ(restored.state(later), BreakerState::Open);
  EXPECT_EQ(restored.reopensIn(later), Millis(15000));
  EXPECT_EQ(restored.timesOpened(), 1u);
  EXPECT_EQ(restored.admit(later + seconds(14)), Admission::Rejected);
  EXPECT_EQ(restored.admit(later + seconds(15)), Admission::Trial);
}

TEST_F(ACircuitBreaker, KeepsItsFailureWindowAcrossARestart) {
  for (int i = 0; i < 4; ++i) {
    breaker_.record(CallError::Server, now_, Admission::Allowed);
    now_ += seconds(10);
  }
  const nlohmann::json saved = breaker_.toJson(now_, kWallStart);
  const SteadyTime later = SteadyTime(seconds(7));
  // 25 s later the oldest failure (65 s old) has left the window, three remain.
  CircuitBreaker restored = CircuitBreaker::fromJson(saved, later, kWallStart + seconds(25));
  EXPECT_EQ(restored.state(later), BreakerState::Closed);
  EXPECT_EQ(restored.failuresInWindow(later), 3);
  restored.record(CallError::Server, later, Admission::Allowed);
  EXPECT_EQ(restored.record(CallError::Server, later, Admission::Allowed), BreakerChange::Opened);
}

TEST_F(ACircuitBreaker, RestoredHalfOpenOffersATrial) {
  CircuitBreaker restored = CircuitBreaker::fromJson({{"state", "half-open"}}, now_, kWallStart);
  EXPECT_EQ(restored.admit(now_), Admission::Trial);
}

TEST_F(ACircuitBreaker, ClampsAReopenTimeFarInTheFutureToOneOpenFor) {
  const double huge = 1e300;
  for (const nlohmann::json& reopenAt :
       {nlohmann::json(huge), nlohmann::json(std::numeric_limits<std::int64_t>::max()),
        nlohmann::json(std::numeric_limits<std::uint64_t>::max()),
        nlohmann::json(1'800'000'000'000LL + 3'600'000)}) {
    const nlohmann::json doc = {{"state", "open"}, {"reopen_at", reopenAt}};
    CircuitBreaker restored = CircuitBreaker::fromJson(doc, now_, kWallStart);
    EXPECT_EQ(restored.reopensIn(now_), Millis(30000)) << doc.dump();
  }
}

TEST_F(ACircuitBreaker, TreatsAReopenTimeInThePastAsDue) {
  for (double reopenAt : {0.0, -1e300, 1'800'000'000'000.0 - 1}) {
    const nlohmann::json doc = {{"state", "open"}, {"reopen_at", reopenAt}};
    CircuitBreaker restored = CircuitBreaker::fromJson(doc, now_, kWallStart);
    EXPECT_EQ(restored.state(now_), BreakerState::HalfOpen) << doc.dump();
    EXPECT_EQ(restored.admit(now_), Admission::Trial);
  }
}

TEST_F(ACircuitBreaker, ReadsDamagedJsonWithoutThrowing) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const nlohmann::json damaged[] = {
      nullptr,
      42,
      "open",
      nlohmann::json::array({1, 2}),
      {{"state", 7}},
      {{"state", "open"}, {"reopen_at", "tomorrow"}},
      {{"state", "open"}, {"reopen_at", inf}},
      {{"state", "open"}, {"reopen_at", nan}},
      {{"state", "sideways"}, {"times_opened", -5}},
      {{"times_opened", inf}},
      {{"times_opened", 1e30}},
      {{"times_opened", "many"}},
      {{"failures", "lots"}},
      {{"failures", {nullptr, "x", inf, -inf, nan, -1e300, 1e300, -1, {{"a", 1}}}}},
  };
  for (const nlohmann::json& doc : damaged) {
    EXPECT_NO_THROW({
      CircuitBreaker b = CircuitBreaker::fromJson(doc, now_, kWallStart);
      b.admit(now_);
      (void)b.toJson(now_, kWallStart).dump();
    }) << doc.dump();
  }
  // An "open" without a usable reopen time stays open one full openFor; unknown is closed.
  EXPECT_EQ(CircuitBreaker::fromJson(damaged[6], now_, kWallStart).reopensIn(now_), Millis(30000));
  EXPECT_EQ(CircuitBreaker::fromJson(damaged[8], now_, kWallStart).state(now_),
            BreakerState::Closed);
  EXPECT_EQ(CircuitBreaker::fromJson(damaged[8], now_, kWallStart).timesOpened(), 0u);
  EXPECT_EQ(CircuitBreaker::fromJson(damaged[10], now_, kWallStart).timesOpened(),
            std::numeric_limits<std::uint64_t>::max());
  // Failures from the future count as now; those aeons ago are gone.
  EXPECT_EQ(CircuitBreaker::fromJson(damaged[13], now_, kWallStart).failuresInWindow(now_), 1);
}

TEST_F(ACircuitBreaker, StartsClosedFromAFileWhoseNumbersOverflow) {
  // nlohmann refuses 1e999 in text: the document is discarded, not read as infinity.
  const nlohmann::json doc = nlohmann::json::parse(
      R"({"state":"open","reopen_at":1e999,"times_opened":1e999,"failures":[1e999,-1e999]})",
      nullptr, false);
  ASSERT_TRUE(doc.is_discarded());
  EXPECT_NO_THROW({
    CircuitBreaker b = CircuitBreaker::fromJson(doc, now_, kWallStart);
    EXPECT_EQ(b.state(now_), BreakerState::Closed);
  });
}

}  // namespace
}  // namespace openclaw
