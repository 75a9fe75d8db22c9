// The remote agents the bridge knows and what it has learnt about each.
//
// Agents come from the config and from `POST /api/vps/register`; a config agent wins a name
// clash (the registered one is kept on disk but not used while the clash lasts).  Each agent
// has a slot: its settings, the bearer token read from its token_file, its circuit breaker,
// health, retry budget, a hold (a 429 asked for longer than a call could wait) and counters.
// Slots are shared_ptrs: a call holds its agents' slots, so a reload that drops an agent
// while a call is out costs nothing but that slot's lifetime.
//
// On disk, in the state folder: registry.json (the registered agents, written atomically
// before the registration is acknowledged) and agents-state.json (breakers with their wall-
// clock reopen time, health, counters), written when a breaker changes and every few seconds
// while counters move.  Both are read back at start; anything damaged is left out with a
// problem named, never thrown.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge_config.h"
#include "openclaw/agent_health.h"
#include "openclaw/circuit_breaker.h"
#include "openclaw/retry_policy.h"

namespace openclaw::bridge {

struct AgentCounters {
  std::uint64_t calls = 0;       // attempts sent to this agent
  std::uint64_t answered = 0;    // calls this agent answered
  std::uint64_t failures = 0;    // attempts that failed
  std::uint64_t retries = 0;     // attempts that were retries
  std::uint64_t skipped = 0;     // calls passed by: breaker open or agent held
  std::uint64_t asFallback = 0;  // calls answered when it was not the agent asked for
};

// The bridge's own counts of calls (one call may make several attempts).
struct CallTotals {
  std::uint64_t calls = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t shortCircuited = 0;  // no agent could be tried
  std::uint64_t refusedBusy = 0;     // over max_calls_in_flight
};

struct AgentSlot {
  RemoteAgent agent;
  bool registered = false;
  std::string token;         // empty: no Authorization header
  std::string tokenProblem;  // why token_file gave no token
  CircuitBreaker breaker;
  AgentHealth health;
  RetryBudget budget;
  std::optional<SteadyTime> heldUntil;
  AgentCounters counters;
};

struct RegistryLimits {
  // Registration is for a handful of agents on a private network; a client that registers
  // thousands is not one the bridge should keep on disk.
  std::size_t maxRegistered = 64;
};

class AgentDirectory {
 public:
  explicit AgentDirectory(std::string stateDir);

  // Reads registry.json and agents-state.json; returns problems (empty when clean).
  std::vector<std::string> load(SteadyTime now, WallTime wallNow);
  void applyConfig(const BridgeConfig& config);

  // Persists, then makes the agent callable.  Errors are sentences for the client; the
  // caller has checked the address against allow_register.
  Expected<Ok, std::string> registerAgent(RemoteAgent agent);

  std::shared_ptr<AgentSlot> find(std::string_view name) const;
  // The agent asked for, then its fallbacks in order, each at most once, known agents only.
  std::vector<std::shared_ptr<AgentSlot>> chain(std::string_view name) const;
  // Config agents in config order, then registered ones by name.
  std::vector<std::shared_ptr<AgentSlot>> all() const;

  // Writes agents-state.json; the error is a sentence.
  Expected<Ok, std::string> saveState(SteadyTime now, WallTime wallNow) const;
  void markDirty() { dirty_ = true; }
  CallTotals& totals() { return totals_; }
  const CallTotals& totals() const { return totals_; }
  bool dirty() const { return dirty_; }

 private:
  // Takes the agent's entry out of the state read at start, if there is one.
  void restoreState(AgentSlot& slot, SteadyTime now, WallTime wallNow);
  std::shared_ptr<AgentSlot> slotFor(const RemoteAgent& agent, bool registered);
  Expected<Ok, std::string> saveRegistry() const;

  std::string stateDir_;
  std::vector<std::shared_ptr<AgentSlot>> configured_;
  std::map<std::string, std::shared_ptr<AgentSlot>, std::less<>> registered_;
  // State read at start for agents the config has not named yet (applied on first sight).
  nlohmann::json pendingState_ = nlohmann::json::object();
  SteadyTime loadedAt_{};
  WallTime loadedWall_{};
  CallTotals totals_;
  mutable bool dirty_ = false;
};

// The totals as the state file and the REST answers spell them.
nlohmann::json totalsJson(const CallTotals& totals);

// The bearer token in `file` (trimmed), or why not.
Expected<std::string, std::string> readAgentToken(const std::string& file);

}  // namespace openclaw::bridge
