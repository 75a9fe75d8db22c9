#include "openclaw/agent_health.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace openclaw {

const char* toString(HealthState state) {
  switch (state) {
    case HealthState::Unknown:
      return "unknown";
    case HealthState::Healthy:
      return "healthy";
    case HealthState::Degraded:
      return "degraded";
    case HealthState::Unhealthy:
      return "unhealthy";
    case HealthState::Unreachable:
      return "unreachable";
  }
  return "unknown";
}

bool countsAgainstAgent(CallError error) {
  return error != CallError::None && error != CallError::NotFound && error != CallError::BadRequest;
}

void AgentHealth::record(CallError error, Millis latency, SteadyTime now, WallTime wallNow) {
  const bool failed = countsAgainstAgent(error);
  latency = std::max(latency, Millis(0));
  ring_[next_] = Outcome{now, latency, failed};
  next_ = (next_ + 1) % ring_.size();
  stored_ = std::min(stored_ + 1, ring_.size());
  if (failed) {
    consecutiveFailures_ = consecutiveFailures_ == INT_MAX ? INT_MAX : consecutiveFailures_ + 1;
    streakAllConnection_ = streakAllConnection_ && error == CallError::Connection;
    ++totalFailures_;
  } else {
    consecutiveFailures_ = 0;
    streakAllConnection_ = true;
  }
  ++totalCalls_;
  lastError_ = error;
  lastLatency_ = latency;
  lastCall_ = wallNow;
}

HealthState AgentHealth::stateOf(int calls, int successes) const {
  if (totalCalls_ == 0) return HealthState::Unknown;
  if (consecutiveFailures_ > 0 && streakAllConnection_) return HealthState::Unreachable;
  if (consecutiveFailures_ >= kUnhealthyStreak) return HealthState::Unhealthy;
  if (calls == 0) return HealthState::Unknown;
  if (double(successes) < kUnhealthyRate * calls) return HealthState::Unhealthy;
  if (successes < calls) return HealthState::Degraded;
  return HealthState::Healthy;
}

HealthSnapshot AgentHealth::snapshot(SteadyTime now) const {
  int calls = 0, successes = 0;
  Millis answeredLatency{0};
  for (std::size_t i = 0; i < stored_; ++i) {
    const Outcome& o = ring_[i];
    if (now - o.at >= kHealthWindowAge) continue;
    ++calls;
    if (o.failed) continue;
    ++successes;
    answeredLatency += o.latency;
  }
  HealthSnapshot s{};
  s.state = stateOf(calls, successes);
  s.successRate = calls == 0 ? 1.0 : double(successes) / calls;
  s.callsInWindow = calls;
  s.consecutiveFailures = consecutiveFailures_;
  s.lastError = lastError_;
  s.lastLatency = lastLatency_;
  s.averageLatency = successes == 0 ? Millis(0) : answeredLatency / successes;
  s.lastCall = lastCall_;
  s.totalCalls = totalCalls_;
  s.totalFailures = totalFailures_;
  return s;
}

nlohmann::json AgentHealth::toJson() const {
  nlohmann::json doc = {{"total_calls", totalCalls_},
                        {"total_failures", totalFailures_},
                        {"consecutive_failures", consecutiveFailures_},
                        {"streak_all_connection", streakAllConnection_},
                        {"last_error", toString(lastError_)},
                        {"last_latency_ms", lastLatency_.count()}};
  if (lastCall_)
    doc["last_call"] = std::chrono::duration_cast<Millis>(lastCall_->time_since_epoch()).count();
  return doc;
}

namespace {

// 2^53: the largest count a double holds exactly, and more calls than a host will make.
constexpr double kMaxCount = 9007199254740992.0;
// A day: no call lasts longer.
constexpr double kMaxLatencyMs = 86'400'000.0;
// 2200-01-01: system_clock counts nanoseconds, which end in 2262.
constexpr double kMaxWallMs = 7'258'118'400'000.0;

// A number of the document clamped to [0, limit]; nullopt when absent or not a number.
std::optional<double> clampedNumber(const nlohmann::json& doc, const char* key, double limit) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (std::isnan(value)) return std::nullopt;
  return std::clamp(value, 0.0, limit);
}

}  // namespace

AgentHealth AgentHealth::fromJson(const nlohmann::json& doc) {
  AgentHealth health;
  if (!doc.is_object()) return health;
  health.totalCalls_ = std::uint64_t(clampedNumber(doc, "total_calls", kMaxCount).value_or(0));
  health.totalFailures_ =
      std::uint64_t(clampedNumber(doc, "total_failures", double(health.totalCalls_)).value_or(0));
  health.consecutiveFailures_ =
      int(clampedNumber(doc, "consecutive_failures",
                        std::min(double(health.totalFailures_), double(INT_MAX)))
              .value_or(0));
  auto all = doc.find("streak_all_connection");
  if (all != doc.end() && all->is_boolean()) health.streakAllConnection_ = all->get<bool>();
  auto error = doc.find("last_error");
  if (error != doc.end() && error->is_string())
    health.lastError_ = callErrorFromString(error->get<std::string>()).value_or(CallError::None);
  health.lastLatency_ =
      Millis(Millis::rep(clampedNumber(doc, "last_latency_ms", kMaxLatencyMs).value_or(0)));
  if (auto at = clampedNumber(doc, "last_call", kMaxWallMs))
    health.lastCall_ = WallTime(Millis(Millis::rep(*at)));
  return health;
}

}  // namespace openclaw
