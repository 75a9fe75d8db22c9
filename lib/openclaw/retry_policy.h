// Whether a failed call to a remote agent is tried again on the same agent, moved to the
// next (fallback) agent, or given up, and how long to wait first.  Pure: time is passed in
// as durations, chance through a RandomSource; the answer is an enum pair to journal.
//
// decideRetry, in order:
//   1. deadlineLeft < kMinUsefulTry: GiveUp, DeadlineSpent (no agent could answer in time).
//   2. Auth, NotFound: NextAgent, NeverRetried.  A second BadRequest on this agent:
//      NextAgent, AttemptsSpent (its one retry is spent).
//   3. retriesSoFar >= maxRetries: NextAgent, AttemptsSpent.  !budget.allowsRetry():
//      NextAgent, BudgetSpent.
//   4. The wait: a Retry-After (of a 429 or a 503) is waited out as given (RetryAfter);
//      Timeout retries at once with the per-try timeout doubled (TimeoutDoubled); the first
//      BadRequest (BadRequestOnce) and every other error wait fullJitterDelay (Backoff).
//   5. A Retry-After that leaves no kMinUsefulTry before the deadline: NextAgent,
//      RetryAfterBeyondDeadline; any other wait that does: NextAgent, DelayBeyondDeadline.
//   6. Retry, with nextTimeout = the timeout used (doubled after a Timeout), never beyond
//      deadlineLeft - delay.
// Whenever a 429 or 503 carried a Retry-After and the decision is not Retry, holdAgentFor is
// that Retry-After: the agent asked not to be called before then, by this call or another.
// A decision for CallError::None (a caller's mistake) is GiveUp, NeverRetried.
//
// The budget (gRPC retry throttling, one per agent): the caller calls onFailure() for every
// failed attempt whose error costsRetryToken(), before decideRetry, and onSuccess() for every
// success, so that a failing agent soon gets no retries from any call, only first tries.
#pragma once

#include "openclaw/call_error.h"

namespace openclaw {

// The remote agents are language models behind HTTP: a 5xx or a refused connection from an
// overloaded one rarely clears in under a second, hence a 1 s base.  With the default of
// three retries the mean waits are 0.5 + 1 + 2 s, small beside the 30 s per-try timeout, and
// the 8 s cap keeps any single wait well inside a call's deadline.
struct BackoffSchedule {
  Millis base{1000};
  Millis cap{8000};
};

// Not a guess at an answer's duration but the floor below which a try cannot even complete a
// TCP and TLS handshake and one request to a VPS (four round trips of 20-30 ms): waiting to
// make such a try would only produce a timeout we can already predict.
inline constexpr Millis kMinUsefulTry{100};

// Uniform in [0, min(cap, base * 2^retryIndex)], both ends included ("full jitter").
// A negative index counts as 0; a RandomSource outside [0, 1) is clamped.
Millis fullJitterDelay(const BackoffSchedule& schedule, int retryIndex, RandomSource& random);

// gRPC-style retry throttling: tokens start at maxTokens; each failure that could be retried
// costs 1, each success earns `ratio` (never above maxTokens, never below 0); a retry is
// allowed only while tokens > maxTokens / 2.  maxTokens is clamped to [1, 1000] and ratio to
// (0, 1], the ranges gRPC accepts.  With the defaults five failures with no success between
// stop retries, and once failing first tries have drained the budget to 0, about fifty
// successes bring them back.
class RetryBudget {
 public:
  explicit RetryBudget(double maxTokens = 10, double ratio = 0.1);
  bool allowsRetry() const { return tokens_ > maxTokens_ / 2; }
  void onSuccess();
  void onFailure();
  double tokens() const { return tokens_; }
  double maxTokens() const { return maxTokens_; }

 private:
  double maxTokens_;
  double ratio_;
  double tokens_;
};

// The errors a retry could help with, and that so cost a budget token: all but None, Auth
// and NotFound.
bool costsRetryToken(CallError error);

enum class RetryAction { Retry, NextAgent, GiveUp };
enum class RetryReason {
  Backoff,
  RetryAfter,
  TimeoutDoubled,
  BadRequestOnce,
  NeverRetried,
  AttemptsSpent,
  BudgetSpent,
  RetryAfterBeyondDeadline,
  DeadlineSpent,
  DelayBeyondDeadline,  // added: a backoff (not a Retry-After) that does not fit
};
// "retry", "next-agent", "give-up"
const char* toString(RetryAction action);
// "backoff", "retry-after", "timeout-doubled", "bad-request-once", "never-retried",
// "attempts-spent", "budget-spent", "retry-after-beyond-deadline", "deadline-spent",
// "delay-beyond-deadline"
const char* toString(RetryReason reason);

struct AttemptFacts {
  CallError error;                   // what the attempt that just ended met (never None)
  int retriesSoFar;                  // retries already made on this agent in this call
  int maxRetries;                    // the agent's max_retries
  bool badRequestRetried;            // a 400 was already retried on this agent in this call
  Millis timeoutUsed;                // the per-try timeout the failed attempt had
  std::optional<Millis> retryAfter;  // parsed Retry-After of a 429/503, if any
  Millis deadlineLeft;               // of the whole call (shared by retries and fallbacks)
};

struct RetryDecision {
  RetryAction action;
  RetryReason reason;
  Millis delay{0};                     // wait before the retry
  Millis nextTimeout{0};               // per-try timeout of the retry
  std::optional<Millis> holdAgentFor;  // see above
};

RetryDecision decideRetry(const AttemptFacts& facts, const RetryBudget& budget,
                          const BackoffSchedule& schedule, RandomSource& random);

}  // namespace openclaw
