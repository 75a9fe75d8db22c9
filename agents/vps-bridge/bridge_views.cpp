#include "bridge_views.h"

namespace openclaw::bridge {

nlohmann::json healthJson(const AgentSlot& slot, SteadyTime now) {
  const HealthSnapshot h = slot.health.snapshot(now);
  nlohmann::json j{{"agent", slot.agent.name},
                   {"status", toString(h.state)},
                   {"success_rate", h.successRate},
                   {"calls_in_window", h.callsInWindow},
                   {"consecutive_failures", h.consecutiveFailures},
                   {"last_error", toString(h.lastError)},
                   {"last_latency_ms", h.lastLatency.count()},
                   {"average_latency_ms", h.averageLatency.count()},
                   {"total_calls", h.totalCalls},
                   {"total_failures", h.totalFailures},
                   {"last_call", nullptr}};
  if (h.lastCall) {
    j["last_call"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(h.lastCall->time_since_epoch())
            .count();
  }
  if (slot.heldUntil && *slot.heldUntil > now) {
    j["held_for_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(*slot.heldUntil - now).count();
  }
  if (!slot.tokenProblem.empty()) j["token_problem"] = slot.tokenProblem;
  return j;
}

nlohmann::json breakerJson(const AgentSlot& slot, SteadyTime now) {
  nlohmann::json j{{"state", toString(slot.breaker.state(now))},
                   {"failures_in_window", slot.breaker.failuresInWindow(now)},
                   {"times_opened", slot.breaker.timesOpened()},
                   {"reopens_in_ms", nullptr}};
  if (auto in = slot.breaker.reopensIn(now)) j["reopens_in_ms"] = in->count();
  return j;
}

nlohmann::json agentJson(const AgentSlot& slot, SteadyTime now) {
  const AgentCounters& c = slot.counters;
  return {{"name", slot.agent.name},
          {"url", slot.agent.url},
          {"protocol", toString(slot.agent.protocol)},
          {"source", slot.registered ? "registered" : "config"},
          {"timeout_sec", slot.agent.timeoutSec},
          {"max_retries", slot.agent.maxRetries},
          {"fallback_agents", slot.agent.fallbackAgents},
          {"health", toString(slot.health.snapshot(now).state)},
          {"breaker", toString(slot.breaker.state(now))},
          {"counters",
           {{"attempts", c.calls},
            {"answered", c.answered},
            {"failures", c.failures},
            {"retries", c.retries},
            {"passed_by", c.skipped},
            {"answered_as_fallback", c.asFallback}}}};
}

const char* overallHealth(const AgentDirectory& agents, SteadyTime now) {
  int called = 0, good = 0, healthy = 0, total = 0;
  for (const auto& slot : agents.all()) {
    ++total;
    const HealthState s = slot->health.snapshot(now).state;
    if (s == HealthState::Unknown) continue;
    ++called;
    if (s == HealthState::Healthy) ++healthy;
    if (s == HealthState::Healthy || s == HealthState::Degraded) ++good;
  }
  if (called == 0 || healthy == called) return "healthy";
  return good == 0 ? "unhealthy" : "degraded";
}

}  // namespace openclaw::bridge
