// The retry decision, row by row of its table, its bounds (attempts, budget, deadline), full
// jitter, and the gRPC-style retry budget.  Chance comes from a scripted source.
#include "openclaw/retry_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <string>

namespace openclaw {
namespace {

// Returns the scripted values in turn, then the last one forever.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::deque<double> values) : values_(std::move(values)) {}
  double uniform() override {
    const double x = values_.front();
    if (values_.size() > 1) values_.pop_front();
    return x;
  }

 private:
  std::deque<double> values_;
};

constexpr double kAlmostOne = 0.999999;

AttemptFacts facts(CallError error) {
  AttemptFacts f{};
  f.error = error;
  f.retriesSoFar = 0;
  f.maxRetries = 3;
  f.badRequestRetried = false;
  f.timeoutUsed = Millis(30000);
  f.deadlineLeft = Millis(120000);
  return f;
}

// "action/reason", then the wait and timeout of a retry and the hold of an agent, in ms.
std::string describe(const RetryDecision& d) {
  std::string text = std::string(toString(d.action)) + "/" + toString(d.reason);
  if (d.action == RetryAction::Retry)
    text += " wait " + std::to_string(d.delay.count()) + " timeout " +
            std::to_string(d.nextTimeout.count());
  if (d.holdAgentFor) text += " hold " + std::to_string(d.holdAgentFor->count());
  return text;
}

class ARetryDecision : public ::testing::Test {
 protected:
  RetryDecision decide(const AttemptFacts& f) { return decideRetry(f, budget_, schedule_, half_); }

  RetryBudget budget_;
  BackoffSchedule schedule_{Millis(1000), Millis(8000)};
  ScriptedRandom half_{{0.5}};
};

TEST_F(ARetryDecision, WaitsOutTheRetryAfterOfA429) {
  AttemptFacts f = facts(CallError::RateLimited);
  f.retryAfter = Millis(7000);
  EXPECT_EQ(describe(decide(f)), "retry/retry-after wait 7000 timeout 30000");
}

TEST_F(ARetryDecision, BacksOffAfterA429WithoutRetryAfter) {
  EXPECT_EQ(describe(decide(facts(CallError::RateLimited))),
            "retry/backoff wait 500 timeout 30000");
}

TEST_F(ARetryDecision, WaitsOutTheRetryAfterOfA503) {
  AttemptFacts f = facts(CallError::Server);
  f.retryAfter = Millis(3000);
  EXPECT_EQ(describe(decide(f)), "retry/retry-after wait 3000 timeout 30000");
}

TEST_F(ARetryDecision, RetriesServerConnectionAndInvalidResponseWithFullJitterBackoff) {
  for (CallError e : {CallError::Server, CallError::Connection, CallError::InvalidResponse}) {
    AttemptFacts f = facts(e);
    f.retriesSoFar = 2;  // ceiling 4 s, drawn at one half
    EXPECT_EQ(describe(decide(f)), "retry/backoff wait 2000 timeout 30000") << toString(e);
  }
}

TEST_F(ARetryDecision, NeverRetriesAuthOrNotFoundButMovesToTheNextAgent) {
  for (CallError e : {CallError::Auth, CallError::NotFound})
    EXPECT_EQ(describe(decide(facts(e))), "next-agent/never-retried") << toString(e);
}

TEST_F(ARetryDecision, RetriesABadRequestOnceThenMovesOn) {
  AttemptFacts f = facts(CallError::BadRequest);
  EXPECT_EQ(describe(decide(f)), "retry/bad-request-once wait 500 timeout 30000");
  f.badRequestRetried = true;
  f.retriesSoFar = 1;
  EXPECT_EQ(describe(decide(f)), "next-agent/attempts-spent");
}

TEST_F(ARetryDecision, RetriesATimeoutAtOnceWithTheTimeoutDoubled) {
  EXPECT_EQ(describe(decide(facts(CallError::Timeout))),
            "retry/timeout-doubled wait 0 timeout 60000");
}

TEST_F(ARetryDecision, MovesOnWhenTheAgentsRetriesAreSpent) {
  for (CallError e : {CallError::Server, CallError::Timeout, CallError::RateLimited,
                      CallError::BadRequest, CallError::Connection}) {
    AttemptFacts f = facts(e);
    f.retriesSoFar = 3;
    EXPECT_EQ(describe(decide(f)), "next-agent/attempts-spent") << toString(e);
  }
  AttemptFacts none = facts(CallError::Server);
  none.maxRetries = 0;
  EXPECT_EQ(describe(decide(none)), "next-agent/attempts-spent");
}

TEST_F(ARetryDecision, MovesOnWhenTheBudgetIsSpent) {
  for (int i = 0; i < 5; ++i) budget_.onFailure();
  EXPECT_EQ(describe(decide(facts(CallError::Server))), "next-agent/budget-spent");
}

TEST_F(ARetryDecision, MovesOnWhenTheBackoffLeavesNoRoomForAUsefulTry) {
  AttemptFacts f = facts(CallError::Server);
  f.deadlineLeft = Millis(600);  // backoff drawn: 500 ms, leaving 100 ms: just enough
  EXPECT_EQ(describe(decide(f)), "retry/backoff wait 500 timeout 100");
  f.deadlineLeft = Millis(599);
  EXPECT_EQ(describe(decide(f)), "next-agent/delay-beyond-deadline");
}

TEST_F(ARetryDecision, HoldsTheAgentWhenARetryAfterIsBeyondTheDeadline) {
  AttemptFacts f = facts(CallError::RateLimited);
  f.retryAfter = Millis(90000);
  f.deadlineLeft = Millis(60000);
  EXPECT_EQ(describe(decide(f)), "next-agent/retry-after-beyond-deadline hold 90000");
  f.retryAfter = Millis(59901);  // leaves 99 ms
  EXPECT_EQ(describe(decide(f)), "next-agent/retry-after-beyond-deadline hold 59901");
}

TEST_F(ARetryDecision, HoldsTheAgentWhenA429WithRetryAfterIsNotRetriedForAnyReason) {
  AttemptFacts f = facts(CallError::RateLimited);
  f.retryAfter = Millis(5000);
  f.retriesSoFar = 3;
  EXPECT_EQ(describe(decide(f)), "next-agent/attempts-spent hold 5000");
  f.retryAfter = Millis(0);
  EXPECT_EQ(describe(decide(f)), "next-agent/attempts-spent");
}

TEST_F(ARetryDecision, GivesUpWhenTheDeadlineIsSpent) {
  for (Millis left : {Millis(-5), Millis(0), Millis(99)}) {
    AttemptFacts f = facts(CallError::Timeout);
    f.deadlineLeft = left;
    EXPECT_EQ(describe(decide(f)), "give-up/deadline-spent") << left.count();
  }
}

TEST_F(ARetryDecision, NeverGivesTheRetryATimeoutBeyondTheDeadlineLeft) {
  AttemptFacts f = facts(CallError::Timeout);
  f.deadlineLeft = Millis(45000);
  EXPECT_EQ(decide(f).nextTimeout, Millis(45000));
  f.timeoutUsed = Millis::max();
  EXPECT_EQ(decide(f).nextTimeout, Millis(45000));
  f = facts(CallError::RateLimited);
  f.retryAfter = Millis(10000);
  f.deadlineLeft = Millis(25000);
  const RetryDecision d = decide(f);
  EXPECT_EQ(d.delay + d.nextTimeout, Millis(25000));
}

TEST_F(ARetryDecision, GivesAnAgentWithoutATimeoutTheDeadlineLeftRatherThanNone) {
  AttemptFacts f = facts(CallError::Server);
  f.timeoutUsed = Millis(0);
  EXPECT_EQ(decide(f).nextTimeout, Millis(120000 - 500));
}

TEST(AFullJitterDelay, SpansZeroToTheDoubledBaseUpToTheCap) {
  const BackoffSchedule s{Millis(1000), Millis(8000)};
  ScriptedRandom zero({0.0}), top({kAlmostOne});
  const Millis expected[] = {Millis(1000), Millis(2000), Millis(4000), Millis(8000), Millis(8000)};
  for (int n = 0; n < 5; ++n) {
    EXPECT_EQ(fullJitterDelay(s, n, zero), Millis(0)) << n;
    EXPECT_EQ(fullJitterDelay(s, n, top), expected[n]) << n;
  }
  EXPECT_EQ(fullJitterDelay(s, 1'000'000'000, top), Millis(8000));
  EXPECT_EQ(fullJitterDelay(s, -3, top), Millis(1000));
}

TEST(AFullJitterDelay, StaysInBoundsWhateverTheRandomSourceReturns) {
  const BackoffSchedule s{Millis(1000), Millis(8000)};
  ScriptedRandom broken({1.0, 7.5, -2.0, std::nan("")});
  EXPECT_EQ(fullJitterDelay(s, 0, broken), Millis(1000));
  EXPECT_EQ(fullJitterDelay(s, 0, broken), Millis(1000));
  EXPECT_EQ(fullJitterDelay(s, 0, broken), Millis(0));
  EXPECT_EQ(fullJitterDelay(s, 0, broken), Millis(0));
  ScriptedRandom half({0.5});
  EXPECT_EQ(fullJitterDelay({Millis(0), Millis(8000)}, 3, half), Millis(0));
}

TEST(ARetryBudget, StopsRetriesAfterRepeatedFailuresAndRecoversWithSuccesses) {
  RetryBudget budget(10, 0.1);
  int failures = 0;
  while (budget.allowsRetry()) {
    budget.onFailure();
    ++failures;
  }
  EXPECT_EQ(failures, 5);
  for (int i = 0; i < 20; ++i) budget.onFailure();
  EXPECT_EQ(budget.tokens(), 0.0);
  int successes = 0;
  while (!budget.allowsRetry()) {
    budget.onSuccess();
    ++successes;
  }
  EXPECT_GE(successes, 50);
  EXPECT_LE(successes, 51);
  for (int i = 0; i < 1000; ++i) budget.onSuccess();
  EXPECT_EQ(budget.tokens(), 10.0);
}

TEST(ARetryBudget, ClampsSettingsToTheRangesGrpcAccepts) {
  EXPECT_EQ(RetryBudget(0, 0.1).maxTokens(), 1.0);
  EXPECT_EQ(RetryBudget(1e9, 0.1).maxTokens(), 1000.0);
  EXPECT_EQ(RetryBudget(std::nan(""), 0.1).maxTokens(), 10.0);
  RetryBudget noRatio(10, -1);
  noRatio.onFailure();
  noRatio.onSuccess();
  EXPECT_GT(noRatio.tokens(), 9.0);
}

TEST(ARetryBudget, ChargesOnlyForErrorsARetryCouldHelp) {
  EXPECT_FALSE(costsRetryToken(CallError::None));
  EXPECT_FALSE(costsRetryToken(CallError::Auth));
  EXPECT_FALSE(costsRetryToken(CallError::NotFound));
  for (CallError e : {CallError::RateLimited, CallError::Server, CallError::BadRequest,
                      CallError::Timeout, CallError::Connection, CallError::InvalidResponse})
    EXPECT_TRUE(costsRetryToken(e)) << toString(e);
}

TEST(ARetryDecisionName, IsKebabCaseForTheJournal) {
  EXPECT_STREQ(toString(RetryAction::Retry), "retry");
  EXPECT_STREQ(toString(RetryAction::NextAgent), "next-agent");
  EXPECT_STREQ(toString(RetryAction::GiveUp), "give-up");
  EXPECT_STREQ(toString(RetryReason::Backoff), "backoff");
  EXPECT_STREQ(toString(RetryReason::RetryAfter), "retry-after");
  EXPECT_STREQ(toString(RetryReason::TimeoutDoubled), "timeout-doubled");
  EXPECT_STREQ(toString(RetryReason::BadRequestOnce), "bad-request-once");
  EXPECT_STREQ(toString(RetryReason::NeverRetried), "never-retried");
  EXPECT_STREQ(toString(RetryReason::AttemptsSpent), "attempts-spent");
  EXPECT_STREQ(toString(RetryReason::BudgetSpent), "budget-spent");
  EXPECT_STREQ(toString(RetryReason::RetryAfterBeyondDeadline), "retry-after-beyond-deadline");
  EXPECT_STREQ(toString(RetryReason::DeadlineSpent), "deadline-spent");
  EXPECT_STREQ(toString(RetryReason::DelayBeyondDeadline), "delay-beyond-deadline");
}

}  // namespace
}  // namespace openclaw
