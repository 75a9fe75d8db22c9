// What every supervised bot shares with the others: the loop, systemd, Docker, alerts and
// the persisted ledgers.  The supervisor service owns all of it; each bot holds a
// reference for as long as the service applies the config it was built from.
#pragma once

#include <boost/asio/io_context.hpp>
#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "openclaw/agent_report.h"
#include "openclaw/alerter.h"
#include "openclaw/bot_pause.h"
#include "openclaw/bot_restarts.h"
#include "openclaw/clock.h"
#include "openclaw/events.h"
#include "openclaw/life_token.h"
#include "openclaw/log.h"
#include "openclaw/systemd_manager.h"
#include "openclaw/systemd_scope.h"
#include "openclaw/time_text.h"
#include "repair_policy.h"

namespace openclaw::supervisor {

struct BotEnv {
  boost::asio::io_context& io;
  Clock& clock;  // the daemon's (clock.h): tests move it instead of waiting
  // The manager a unit lives in (the system's or a user's); it reconnects by itself.
  std::function<SystemdManager&(const ManagerScope& scope)> systemd;
  Alerter& alerter;
  AgentReport& report;  // last actions and metrics (status, Prometheus)
  std::string stateDir;
  std::string dockerSocket;
  std::function<BotLedger&(const std::string& bot)> ledger;
  std::function<void()> persist;
  std::function<void()> statusChanged;
  // After a give-up's alert: the heartbeat's /fail.
  std::function<void(const std::string& why)> gaveUp;
  // The bot's pause in effect now (`openclaw-agentctl pause`), if any.
  std::function<std::optional<BotPause>(const std::string& bot)> paused;
  // Each bot's one restart owner and shared budget, with flag-watcher (bot_restarts.h).
  BotRestarts& restarts;
};

// A repair's first step: own the bot's restarts (or learn who does), mark the repair in
// flight and count it (when `counted`) in the ledger, durably, before anything is changed,
// then in the bot's shared ledger.
inline Expected<RestartClaim, RestartOwner> beginRepair(BotEnv& env, const std::string& key,
                                                        const std::string& bot,
                                                        const std::string& why, bool counted,
                                                        BotLedger& ledger) {
  const Seconds now = env.clock.wallSeconds();
  auto claim = env.restarts.claim(key, "repairing " + bot + ": " + why, now);
  if (!claim) return claim;
  RestartBudget::markInFlight(ledger.inFlightSince, ledger.repairs, now, counted);
  env.persist();  // durable before anything is changed: never lost, never charged twice
  if (!counted) return claim;
  if (auto shared = env.restarts.count(*claim, now); !shared) {
    Log::warning("cannot count the repair of " + bot +
                     " in the shared restart ledger: " + shared.error().message(),
                 {{journal_key::kEvent, event::kRestartLedgerFailed}, {journal_key::kTarget, bot}});
  }
  return claim;
}

// Says once per owner that `bot`'s repair waits while another agent restarts it.
inline void noticeOwner(std::string& noticed, const std::string& bot, const RestartOwner& owner,
                        const std::string& why) {
  const std::string said = owner.describe();
  if (noticed == said) return;
  noticed = said;
  Log::notice("not repairing " + bot + " now: its restart is owned by " + said +
                  "; looked at again when that ends (trouble: " + why + ")",
              {{journal_key::kEvent, event::kRepairDeferred}, {journal_key::kTarget, bot}});
}

// Says once per pause that `bot` is left alone although `why`; `noticed` remembers it.
inline void noticePaused(bool& noticed, const std::string& bot, const BotPause& pause,
                         const std::string& why) {
  if (noticed) return;
  noticed = true;
  Log::notice(bot + " is paused " + pause.describe() + ": left alone although " + why,
              {{journal_key::kEvent, event::kPaused}, {journal_key::kTarget, bot}});
}

// What a bot's repair came to, for `openclaw-agentctl status` and the metrics.
inline void reportRepair(BotEnv& env, const std::string& bot, bool healed,
                         const std::string& message) {
  env.report.metrics().add("openclaw_repairs_total",
                           {{"bot", bot}, {"result", healed ? "healed" : "failed"}});
  if (healed) env.report.succeeded(event::kRepair);
  env.report.action({std::string(healed ? event::kRepair : event::kRepairFailed), bot, message, 0});
}

// "14:03:27", local time, for STATUS lines.
inline std::string clockTime(const Clock& clock) {
  return formatTime(clock.wallSeconds(), "%H:%M:%S", Zone::Local);
}

}  // namespace openclaw::supervisor
