// An agent's health from its calls' outcomes: each state, the window's bound in count and
// age, and what survives a restart.
#include "openclaw/agent_health.h"

#include <gtest/gtest.h>

#include <limits>

namespace openclaw {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const WallTime kWall = WallTime(seconds(1'800'000'000));

class AnAgentHealth : public ::testing::Test {
 protected:
  void call(CallError e, int times = 1, Millis latency = Millis(200)) {
    for (int i = 0; i < times; ++i) {
      health_.record(e, latency, now_, kWall + (now_ - SteadyTime()));
      now_ += seconds(1);
    }
  }
  HealthState state() const { return health_.snapshot(now_).state; }

  AgentHealth health_;
  SteadyTime now_ = SteadyTime(std::chrono::hours(100));
};

TEST_F(AnAgentHealth, IsUnknownBeforeAnyCall) {
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.state, HealthState::Unknown);
  EXPECT_EQ(s.callsInWindow, 0);
  EXPECT_EQ(s.successRate, 1.0);
  EXPECT_EQ(s.lastCall, std::nullopt);
  EXPECT_EQ(s.totalCalls, 0u);
}

TEST_F(AnAgentHealth, IsHealthyWhenEveryCallSucceeded) {
  call(CallError::None, 10);
  EXPECT_EQ(state(), HealthState::Healthy);
}

TEST_F(AnAgentHealth, CountsNotFoundAndBadRequestAsTheAgentAnswering) {
  call(CallError::NotFound, 5);
  call(CallError::BadRequest, 5);
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.state, HealthState::Healthy);
  EXPECT_EQ(s.totalFailures, 0u);
  EXPECT_EQ(s.lastError, CallError::BadRequest);
}

TEST_F(AnAgentHealth, IsDegradedByAnyFailureInTheWindow) {
  call(CallError::None, 9);
  call(CallError::Server);
  call(CallError::None);
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.state, HealthState::Degraded);
  EXPECT_DOUBLE_EQ(s.successRate, 10.0 / 11);
}

TEST_F(AnAgentHealth, IsUnhealthyAfterThreeFailuresInARow) {
  call(CallError::None, 50);
  call(CallError::Timeout, 2);
  EXPECT_EQ(state(), HealthState::Degraded);
  call(CallError::RateLimited);
  EXPECT_EQ(state(), HealthState::Unhealthy);
  EXPECT_EQ(health_.snapshot(now_).consecutiveFailures, 3);
}

TEST_F(AnAgentHealth, IsUnhealthyWhenLessThanHalfOfTheWindowSucceeded) {
  for (int i = 0; i < 10; ++i) {
    call(CallError::Server, 2);
    call(CallError::None);
  }
  EXPECT_EQ(state(), HealthState::Unhealthy);
  call(CallError::None, 10);  // 20 of 40: exactly half is not below it
  EXPECT_EQ(state(), HealthState::Degraded);
}

TEST_F(AnAgentHealth, IsUnreachableWhenEveryFailureSinceTheLastSuccessIsAConnectionFailure) {
  call(CallError::None, 20);
  call(CallError::Connection);
  EXPECT_EQ(state(), HealthState::Unreachable);
  call(CallError::Connection, 5);
  EXPECT_EQ(state(), HealthState::Unreachable);
  call(CallError::Timeout);
  EXPECT_EQ(state(), HealthState::Unhealthy);
  call(CallError::None);
  call(CallError::Timeout);
  call(CallError::Connection);
  EXPECT_EQ(state(), HealthState::Degraded);
}

TEST_F(AnAgentHealth, KeepsOnlyTheLastHundredOutcomes) {
  call(CallError::Server, 5);
  for (int i = 0; i < 10000; ++i) {
    health_.record(CallError::None, Millis(i % 7), now_, kWall);
    now_ += Millis(10);
  }
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.callsInWindow, kHealthWindowCalls);
  EXPECT_EQ(s.state, HealthState::Healthy);
  EXPECT_EQ(s.totalCalls, 10005u);
  EXPECT_EQ(s.totalFailures, 5u);
  // The ring is a member array: the object's size is all the memory it has.
  static_assert(sizeof(AgentHealth) < 100 * 64 + 256);
}

TEST_F(AnAgentHealth, ForgetsOutcomesOlderThanFiveMinutes) {
  call(CallError::Timeout);
  call(CallError::None, 10);
  EXPECT_EQ(state(), HealthState::Degraded);
  now_ += minutes(5) - seconds(11);  // the failure is exactly five minutes old
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.state, HealthState::Healthy);
  EXPECT_EQ(s.callsInWindow, 10);
  now_ += minutes(1);
  EXPECT_EQ(state(), HealthState::Unknown);
}

TEST_F(AnAgentHealth, KeepsAFailureStreakAsItsStateWhenTheWindowEmpties) {
  call(CallError::Connection);
  now_ += minutes(10);
  EXPECT_EQ(state(), HealthState::Unreachable);
  call(CallError::Server, 3);
  now_ += minutes(10);
  EXPECT_EQ(state(), HealthState::Unhealthy);
}

TEST_F(AnAgentHealth, AveragesTheLatencyOfAnsweredCallsOnly) {
  call(CallError::None, 1, Millis(100));
  call(CallError::None, 1, Millis(300));
  call(CallError::Connection, 1, Millis(2));
  const HealthSnapshot s = health_.snapshot(now_);
  EXPECT_EQ(s.averageLatency, Millis(200));
  EXPECT_EQ(s.lastLatency, Millis(2));
  EXPECT_EQ(s.lastError, CallError::Connection);
}

TEST_F(AnAgentHealth, KeepsTotalsStreakAndLastCallAcrossARestart) {
  call(CallError::None, 4);
  call(CallError::Connection, 2, Millis(5));
  const HealthSnapshot before = health_.snapshot(now_);
  const AgentHealth restored = AgentHealth::fromJson(health_.toJson());
  const HealthSnapshot after = restored.snapshot(SteadyTime());
  EXPECT_EQ(after.totalCalls, 6u);
  EXPECT_EQ(after.totalFailures, 2u);
  EXPECT_EQ(after.consecutiveFailures, 2);
  EXPECT_EQ(after.lastError, CallError::Connection);
  EXPECT_EQ(after.lastLatency, Millis(5));
  EXPECT_EQ(after.lastCall, before.lastCall);
  EXPECT_EQ(after.callsInWindow, 0);
  EXPECT_EQ(after.state, HealthState::Unreachable);
}

TEST_F(AnAgentHealth, ReadsDamagedJsonWithoutThrowing) {
  const double inf = std::numeric_limits<double>::infinity();
  const nlohmann::json damaged[] = {
      nullptr,
      "healthy",
      nlohmann::json::array(),
      {{"total_calls", -5}, {"total_failures", 10}, {"consecutive_failures", 1e300}},
      {{"total_calls", inf}, {"total_failures", inf}, {"consecutive_failures", inf}},
      {{"total_calls", std::numeric_limits<double>::quiet_NaN()}, {"last_error", 7}},
      {{"last_error", "melted"}, {"last_latency_ms", 1e300}, {"last_call", 1e300}},
      {{"last_call", -1e300}, {"streak_all_connection", "yes"}, {"last_latency_ms", "fast"}},
  };
  for (const nlohmann::json& doc : damaged) {
    EXPECT_NO_THROW({
      const HealthSnapshot s = AgentHealth::fromJson(doc).snapshot(now_);
      EXPECT_LE(s.totalFailures, s.totalCalls) << doc.dump();
      EXPECT_GE(s.consecutiveFailures, 0) << doc.dump();
      EXPECT_LE(std::uint64_t(s.consecutiveFailures), s.totalFailures) << doc.dump();
      (void)AgentHealth::fromJson(doc).toJson().dump();
    }) << doc.dump();
  }
  const HealthSnapshot s = AgentHealth::fromJson(damaged[4]).snapshot(now_);
  EXPECT_EQ(s.totalCalls, 9007199254740992u);
  EXPECT_EQ(AgentHealth::fromJson(damaged[6]).snapshot(now_).lastError, CallError::None);
  EXPECT_EQ(AgentHealth::fromJson(damaged[6]).snapshot(now_).lastLatency, std::chrono::hours(24));
}

TEST(AHealthState, HasALowerCaseName) {
  EXPECT_STREQ(toString(HealthState::Unknown), "unknown");
  EXPECT_STREQ(toString(HealthState::Healthy), "healthy");
  EXPECT_STREQ(toString(HealthState::Degraded), "degraded");
  EXPECT_STREQ(toString(HealthState::Unhealthy), "unhealthy");
  EXPECT_STREQ(toString(HealthState::Unreachable), "unreachable");
}

}  // namespace
}  // namespace openclaw
