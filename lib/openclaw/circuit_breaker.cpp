#include "openclaw/circuit_breaker.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace openclaw {

const char* toString(BreakerState state) {
  switch (state) {
    case BreakerState::Closed:
      return "closed";
    case BreakerState::Open:
      return "open";
    case BreakerState::HalfOpen:
      return "half-open";
  }
  return "closed";
}

const char* toString(Admission admission) {
  switch (admission) {
    case Admission::Allowed:
      return "allowed";
    case Admission::Trial:
      return "trial";
    case Admission::Rejected:
      return "rejected";
  }
  return "rejected";
}

const char* toString(BreakerChange change) {
  switch (change) {
    case BreakerChange::None:
      return "none";
    case BreakerChange::Opened:
      return "opened";
    case BreakerChange::Closed:
      return "closed";
    case BreakerChange::Reopened:
      return "reopened";
  }
  return "none";
}

namespace {

BreakerPolicy sane(BreakerPolicy policy) {
  policy.failures = std::max(policy.failures, 1);
  policy.window = std::max(policy.window, Millis(0));
  policy.openFor = std::max(policy.openFor, Millis(0));
  return policy;
}

}  // namespace

CircuitBreaker::CircuitBreaker(BreakerPolicy policy) : policy_(sane(policy)) {}

BreakerState CircuitBreaker::state(SteadyTime now) const {
  if (state_ == BreakerState::Open && now >= reopenAt_) return BreakerState::HalfOpen;
  return state_;
}

Admission CircuitBreaker::admit(SteadyTime now) {
  switch (state(now)) {
    case BreakerState::Closed:
      return Admission::Allowed;
    case BreakerState::Open:
      return Admission::Rejected;
    case BreakerState::HalfOpen:
      break;
  }
  state_ = BreakerState::HalfOpen;
  if (trialSince_ && now - *trialSince_ < kTrialLease) return Admission::Rejected;
  trialSince_ = now;
  return Admission::Trial;
}

BreakerChange CircuitBreaker::record(CallError error, SteadyTime now, Admission how) {
  if (how == Admission::Rejected) return BreakerChange::None;
  const bool trips = tripsBreaker(error);
  if (how == Admission::Trial && state_ == BreakerState::HalfOpen && trialSince_) {
    trialSince_.reset();
    if (trips) {
      state_ = BreakerState::Open;
      reopenAt_ = now + policy_.openFor;
      return BreakerChange::Reopened;
    }
    state_ = BreakerState::Closed;
    failures_.clear();
    return BreakerChange::Closed;
  }
  // A call let in before the breaker opened tells nothing the opening did not already say.
  if (state_ != BreakerState::Closed || !trips) return BreakerChange::None;
  addFailure(now);
  if (failuresInWindow(now) < policy_.failures) return BreakerChange::None;
  state_ = BreakerState::Open;
  reopenAt_ = now + policy_.openFor;
  failures_.clear();
  ++timesOpened_;
  return BreakerChange::Opened;
}

void CircuitBreaker::addFailure(SteadyTime at) {
  // Calls end out of order when several are in flight; keep the window sorted so the
  // oldest is always the one dropped.
  failures_.insert(std::upper_bound(failures_.begin(), failures_.end(), at), at);
  while (failures_.size() > std::size_t(policy_.failures)) failures_.pop_front();
}

void CircuitBreaker::abandonTrial(SteadyTime) {
  if (state_ == BreakerState::HalfOpen) trialSince_.reset();
}

bool CircuitBreaker::reset() {
  const bool wasOpen = state_ != BreakerState::Closed;
  state_ = BreakerState::Closed;
  trialSince_.reset();
  failures_.clear();
  return wasOpen;
}

std::optional<Millis> CircuitBreaker::reopensIn(SteadyTime now) const {
  if (state(now) != BreakerState::Open) return std::nullopt;
  return std::chrono::ceil<Millis>(reopenAt_ - now);
}

int CircuitBreaker::failuresInWindow(SteadyTime now) const {
  return int(std::count_if(failures_.begin(), failures_.end(),
                           [&](SteadyTime t) { return now - t < policy_.window; }));
}

namespace {

long long epochMillis(WallTime t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}

// A finite number from a file someone may have edited or a disk may have damaged.
std::optional<double> finiteNumber(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

// Clamped in double first, so a far past or future cannot overflow the cast.
Millis clampedMillis(double ms, Millis limit) {
  return Millis(Millis::rep(std::clamp(ms, 0.0, double(limit.count()))));
}

std::uint64_t countClamped(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end()) return 0;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  const std::optional<double> value = finiteNumber(doc, key);
  if (!value || *value <= 0) return 0;
  // 2^64 itself is a double; anything at or past it is the largest count.
  if (*value >= 18446744073709551616.0) return std::numeric_limits<std::uint64_t>::max();
  return std::uint64_t(*value);
}

}  // namespace

nlohmann::json CircuitBreaker::toJson(SteadyTime now, WallTime wallNow) const {
  const long long wallNowMs = epochMillis(wallNow);
  auto wallOf = [&](SteadyTime t) {
    return wallNowMs + std::chrono::duration_cast<Millis>(t - now).count();
  };
  nlohmann::json doc = {{"state", toString(state(now))}, {"times_opened", timesOpened_}};
  if (state(now) == BreakerState::Open) doc["reopen_at"] = wallOf(reopenAt_);
  doc["failures"] = nlohmann::json::array();
  for (SteadyTime t : failures_)
    if (now - t < policy_.window) doc["failures"].push_back(wallOf(t));
  return doc;
}

CircuitBreaker CircuitBreaker::fromJson(const nlohmann::json& doc, SteadyTime now, WallTime wallNow,
                                        BreakerPolicy policy) {
  CircuitBreaker breaker(policy);
  if (!doc.is_object()) return breaker;
  const BreakerPolicy& p = breaker.policy_;
  const double wallNowMs = double(epochMillis(wallNow));
  breaker.timesOpened_ = countClamped(doc, "times_opened");
  auto state = doc.find("state");
  const std::string name =
      state != doc.end() && state->is_string() ? state->get<std::string>() : "closed";
  if (name == "open") {
    // Reopen no later than a full openFor from now: a clock set back, or a damaged file,
    // must not keep an agent out for longer than one opening would.
    const std::optional<double> reopenAt = finiteNumber(doc, "reopen_at");
    const Millis left = reopenAt ? clampedMillis(*reopenAt - wallNowMs, p.openFor) : p.openFor;
    breaker.state_ = BreakerState::Open;
    breaker.reopenAt_ = now + left;
  } else if (name == "half-open") {
    breaker.state_ = BreakerState::HalfOpen;
  }
  auto failures = doc.find("failures");
  if (failures == doc.end() || !failures->is_array()) return breaker;
  for (const nlohmann::json& t : *failures) {
    if (!t.is_number() || !std::isfinite(t.get<double>())) continue;
    const Millis age = clampedMillis(wallNowMs - t.get<double>(), p.window);
    if (age < p.window) breaker.addFailure(now - age);
  }
  return breaker;
}

}  // namespace openclaw
