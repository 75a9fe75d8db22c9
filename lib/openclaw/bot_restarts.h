// One restart owner and one budget per bot, whichever agent restarts it.
//
// flag-watcher revives a bot when its container asks; jack-supervisor repairs it when it
// crashes or turns unhealthy.  Left to themselves they race: a flag restarts the gateway in
// the middle of a restore, and each spends its own hourly budget on the same unit.  Every
// agent that restarts a bot goes through `BotRestarts`:
//   * `claim(key, what)` makes it the bot's one restart owner until the claim is dropped.
//     The claim is a lock held on /run/openclaw-agents/restarts/<key>.lock, so a kill -9 of
//     the owner releases it at once and a reboot forgets it; nothing stale can block a bot.
//     When another agent owns the bot, the answer says who and what it is doing: a flag
//     during a repair is absorbed by the repair, a repair waits for a revive to finish.
//   * `count(claim, now)` adds a restart to the bot's shared ledger,
//     /var/lib/openclaw-agents/restarts/<key>.json, written atomically under the claim.
//   * `lastHour(key, now)` is what every agent's RestartBudget counts: all restarts of the
//     bot in the last hour, whoever issued them.
// Keys come from the agents' configs only ("unit@system@openclaw-gateway.service",
// "container@bot1"), never from what a container writes.  Both folders are root's alone.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "openclaw/handles.h"
#include "openclaw/restart_budget.h"
#include "openclaw/result.h"

namespace openclaw {

struct ManagerScope;

// A bot's restart ownership, held until destroyed (or the process dies).  `claim()` has
// three answers: a shared claim (this agent is the bot's one restart owner, and `count()`
// writes the shared ledger); another agent's ownership (its error); or an unshared claim,
// when the claim folder cannot be used: the agent then acts alone, as before ownership was
// shared, its own ledger is all that counts the restart, and `count()` writes nothing.
class RestartClaim {
 public:
  RestartClaim() = default;
  const std::string& key() const { return key_; }
  bool shared() const { return fd_.valid(); }

 private:
  friend class BotRestarts;
  RestartClaim(std::string key, UniqueFd fd) : key_(std::move(key)), fd_(std::move(fd)) {}
  std::string key_;
  UniqueFd fd_;
};

// Who owns a bot's restarts now, as its claim says ("jack-supervisor", "repairing: ...").
struct RestartOwner {
  std::string agent;
  std::string what;
  WallSeconds since = 0;
  std::string describe() const;  // "jack-supervisor (repairing: ..., since 14:03:27)"
};

struct RestartRecord {
  WallSeconds at = 0;
  std::string by;  // the agent
};

class BotRestarts {
 public:
  struct Folders {
    std::string claims = "/run/openclaw-agents/restarts";
    std::string ledgers = "/var/lib/openclaw-agents/restarts";
  };

  explicit BotRestarts(std::string agent) : BotRestarts(std::move(agent), Folders{}) {}
  BotRestarts(std::string agent, Folders folders);

  static std::string unitKey(const ManagerScope& scope, const std::string& unit);
  static std::string containerKey(const std::string& container);

  // Makes this agent the bot's restart owner, or says who is; an unshared claim when the
  // claim folder cannot be used (said in the journal, once per claim).
  Expected<RestartClaim, RestartOwner> claim(const std::string& key, const std::string& what,
                                             WallSeconds now);
  // Who owns the bot's restarts now, if anyone.
  std::optional<RestartOwner> owner(const std::string& key) const;

  // The bot's restarts in the hour before `now`, by every agent, oldest first.
  std::deque<RestartRecord> records(const std::string& key, WallSeconds now) const;
  std::deque<WallSeconds> lastHour(const std::string& key, WallSeconds now) const;
  // The same, without this agent's own (which its own ledger counts): what RestartBudget
  // merges with them.
  std::deque<WallSeconds> byOthers(const std::string& key, WallSeconds now) const;
  // Counts one restart of the claimed bot in its shared ledger, durably (nothing for an
  // unshared claim).
  Result<Ok> count(const RestartClaim& claim, WallSeconds now);

 private:
  std::string claimPath(const std::string& key) const;
  std::string ledgerPath(const std::string& key) const;

  std::string agent_;
  Folders folders_;
};

}  // namespace openclaw
