// When the supervisor may repair a bot: the pure decision, and the ledger it keeps.
//
// A repair is one restore and/or restart issued by the supervisor.  Per bot the ledger holds
// the repairs of the last hour (at most `max_restores_per_hour`, seed 004's rule), the
// repairs that failed since the bot was last stable (the backoff grows with them: the
// first repair is immediate, then 5 s, 10 s, 20 s ... up to 5 min), whether a repair is in
// flight, and whether the supervisor has given up on the bot and why.  The ledger
// round-trips through JSON and is persisted before each repair is issued, so neither a
// `systemctl restart` nor a kill -9 of the supervisor resets the budget or loses a repair.
// Times are wall-clock seconds: they must survive a restart of the supervisor.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "openclaw/restart_budget.h"

namespace openclaw::supervisor {

using Seconds = std::int64_t;  // Unix time

// The owner and mode of a bot's config file as the supervisor last saw it while the bot was
// healthy: what a restored config gets (see config_install.h).
struct ConfigAttrs {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t mode = 0600;
};

struct BotLedger {
  std::deque<Seconds> repairs;     // when repairs were issued, oldest first, last hour
  std::int64_t failedRepairs = 0;  // repairs since the last stable run that did not heal
  std::optional<Seconds> inFlightSince;
  bool givenUp = false;
  std::string givenUpWhy;
  std::optional<Seconds> healthySince;  // when the bot was last seen turning healthy
  std::optional<ConfigAttrs> healthyConfig;
};

enum class RepairDecision {
  RepairNow,
  Backoff,        // too soon after a failed repair; try again at `notBefore`
  RefusedBudget,  // max_restores_per_hour repairs in the last hour
  InFlight,       // one repair at a time: a bot has one restart owner
  GivenUp,        // waiting for the operator
};

std::string_view toString(RepairDecision d);

struct RepairVerdict {
  RepairDecision decision = RepairDecision::RepairNow;
  Seconds notBefore = 0;
};

class RepairPolicy {
 public:
  explicit RepairPolicy(std::int64_t maxPerHour) : budget_(maxPerHour) {}

  // `others`: the bot's restarts by other agents in the last hour (BotRestarts): every
  // restart of the bot counts against one budget, whoever issued it.
  RepairVerdict decide(BotLedger& ledger, Seconds now,
                       const std::deque<Seconds>& others = {}) const;
  // Repairs the budget still allows in the coming hour (never below 0).
  std::int64_t remaining(BotLedger& ledger, Seconds now,
                         const std::deque<Seconds>& others = {}) const;
  // The wait after `failedRepairs` failed repairs: 0, 5, 10, 20, ... 300 s.
  static Seconds backoff(std::int64_t failedRepairs);

 private:
  RestartBudget budget_;
};

// Drops repairs older than an hour.
void forgetOld(BotLedger& ledger, Seconds now);

nlohmann::json toJson(const std::map<std::string, BotLedger>& ledgers);
std::map<std::string, BotLedger> ledgersFromJson(const nlohmann::json& doc);

}  // namespace openclaw::supervisor
