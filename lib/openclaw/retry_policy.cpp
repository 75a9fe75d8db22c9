#include "openclaw/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace openclaw {

Millis fullJitterDelay(const BackoffSchedule& schedule, int retryIndex, RandomSource& random) {
  if (schedule.base <= Millis(0) || schedule.cap <= Millis(0)) return Millis(0);
  // Doubling stops at the cap, so a large index neither overflows nor loops long.
  Millis ceiling = schedule.base;
  for (int i = 0; i < retryIndex && ceiling < schedule.cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, schedule.cap);
  double u = random.uniform();
  if (!(u >= 0)) u = 0;  // NaN too
  u = std::min(u, std::nextafter(1.0, 0.0));
  // ceiling + 1 slots of 1 ms, so the ceiling itself can be drawn.
  const auto drawn = static_cast<Millis::rep>(std::floor(u * double(ceiling.count() + 1)));
  return std::min(Millis(drawn), ceiling);
}

RetryBudget::RetryBudget(double maxTokens, double ratio)
    : maxTokens_(std::isfinite(maxTokens) ? std::clamp(maxTokens, 1.0, 1000.0) : 10.0),
      ratio_(std::isfinite(ratio) && ratio > 0 ? std::min(ratio, 1.0) : 0.1),
      tokens_(maxTokens_) {}

void RetryBudget::onSuccess() {
  tokens_ = std::min(maxTokens_, tokens_ + ratio_);
}

void RetryBudget::onFailure() {
  tokens_ = std::max(0.0, tokens_ - 1);
}

bool costsRetryToken(CallError error) {
  return error != CallError::None && error != CallError::Auth && error != CallError::NotFound;
}

const char* toString(RetryAction action) {
  switch (action) {
    case RetryAction::Retry:
      return "retry";
    case RetryAction::NextAgent:
      return "next-agent";
    case RetryAction::GiveUp:
      return "give-up";
  }
  return "give-up";
}

const char* toString(RetryReason reason) {
  switch (reason) {
    case RetryReason::Backoff:
      return "backoff";
    case RetryReason::RetryAfter:
      return "retry-after";
    case RetryReason::TimeoutDoubled:
      return "timeout-doubled";
    case RetryReason::BadRequestOnce:
      return "bad-request-once";
    case RetryReason::NeverRetried:
      return "never-retried";
    case RetryReason::AttemptsSpent:
      return "attempts-spent";
    case RetryReason::BudgetSpent:
      return "budget-spent";
    case RetryReason::RetryAfterBeyondDeadline:
      return "retry-after-beyond-deadline";
    case RetryReason::DeadlineSpent:
      return "deadline-spent";
    case RetryReason::DelayBeyondDeadline:
      return "delay-beyond-deadline";
  }
  return "never-retried";
}

namespace {

struct Wait {
  RetryReason reason;
  Millis delay;
  Millis timeout;  // before the deadline bound
};

Wait waitBeforeRetry(const AttemptFacts& facts, const BackoffSchedule& schedule,
                     RandomSource& random, std::optional<Millis> asked) {
  // A non-positive timeout is a caller's mistake; 0 would mean "no limit" to curl, so the
  // retry gets the whole deadline instead, which is the most it could have anyway.
  const Millis used = facts.timeoutUsed > Millis(0) ? facts.timeoutUsed : facts.deadlineLeft;
  if (asked) return {RetryReason::RetryAfter, *asked, used};
  if (facts.error == CallError::Timeout) {
    // The agent may just be slow on this request: a wait would not make it faster, a
    // longer timeout might.  Halving first keeps the doubling from overflowing.
    const Millis doubled = used > facts.deadlineLeft / 2 ? facts.deadlineLeft : used * 2;
    return {RetryReason::TimeoutDoubled, Millis(0), doubled};
  }
  const Millis backoff = fullJitterDelay(schedule, facts.retriesSoFar, random);
  if (facts.error == CallError::BadRequest) return {RetryReason::BadRequestOnce, backoff, used};
  return {RetryReason::Backoff, backoff, used};
}

RetryDecision decided(RetryAction action, RetryReason reason) {
  RetryDecision decision{};
  decision.action = action;
  decision.reason = reason;
  return decision;
}

RetryDecision choose(const AttemptFacts& facts, const RetryBudget& budget,
                     const BackoffSchedule& schedule, RandomSource& random,
                     std::optional<Millis> asked) {
  using enum RetryAction;
  if (facts.deadlineLeft < kMinUsefulTry) return decided(GiveUp, RetryReason::DeadlineSpent);
  switch (facts.error) {
    case CallError::None:
      return decided(GiveUp, RetryReason::NeverRetried);
    case CallError::Auth:
    case CallError::NotFound:
      return decided(NextAgent, RetryReason::NeverRetried);
    case CallError::BadRequest:
      if (facts.badRequestRetried) return decided(NextAgent, RetryReason::AttemptsSpent);
      break;
    default:
      break;
  }
  if (facts.retriesSoFar >= facts.maxRetries) return decided(NextAgent, RetryReason::AttemptsSpent);
  if (!budget.allowsRetry()) return decided(NextAgent, RetryReason::BudgetSpent);
  const Wait wait = waitBeforeRetry(facts, schedule, random, asked);
  if (wait.delay + kMinUsefulTry > facts.deadlineLeft) {
    return decided(NextAgent, asked ? RetryReason::RetryAfterBeyondDeadline
                                    : RetryReason::DelayBeyondDeadline);
  }
  const Millis room = facts.deadlineLeft - wait.delay;
  RetryDecision retry = decided(Retry, wait.reason);
  retry.delay = wait.delay;
  retry.nextTimeout = std::min(wait.timeout, room);
  return retry;
}

}  // namespace

RetryDecision decideRetry(const AttemptFacts& facts, const RetryBudget& budget,
                          const BackoffSchedule& schedule, RandomSource& random) {
  // Only a 429 or a 503 gives a Retry-After a meaning; the clamp guards callers that did not
  // take it from parseRetryAfter.
  std::optional<Millis> asked;
  if (facts.retryAfter &&
      (facts.error == CallError::RateLimited || facts.error == CallError::Server))
    asked = std::clamp(*facts.retryAfter, Millis(0), kMaxRetryAfter);
  RetryDecision decision = choose(facts, budget, schedule, random, asked);
  if (decision.action != RetryAction::Retry && asked && *asked > Millis(0))
    decision.holdAgentFor = asked;
  return decision;
}

}  // namespace openclaw
