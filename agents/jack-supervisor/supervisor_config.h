// jack-supervisor's configuration: the bots it keeps alive (a systemd unit with a config
// file and backups, or a Docker container), how to probe their health, and where alerts go.
// See docs/configuration.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openclaw/bot_restarts.h"
#include "openclaw/config_reader.h"
#include "openclaw/notify_config.h"
#include "openclaw/systemd_scope.h"

namespace openclaw::supervisor {

struct HealthProbe {
  std::string http;               // URL answered with 2xx when healthy
  std::string tcp;                // "host:port" that accepts a connection
  std::vector<std::string> exec;  // command exiting 0 when healthy
  std::int64_t intervalSec = 30;
  std::int64_t timeoutSec = 5;
  std::int64_t failures = 3;  // consecutive failures that make a bot unhealthy
};

// For containers: how often Docker's own health status is read.
struct ContainerHealth {
  std::int64_t intervalSec = 10;
};

struct BotConfig {
  std::string name;
  std::string unit;  // exactly one of unit and container
  std::string container;
  ManagerScope scope;                   // units: the manager the unit lives in ("user": "root")
  std::string config;                   // the bot's live config file (units only)
  std::vector<std::string> required;    // JSON pointers that must exist in a valid config
  std::vector<std::string> validator;   // optional command; gets OPENCLAW_CONFIG_PATH
  std::vector<std::string> backups;     // files or globs, tried in order
  std::int64_t backupsPerPattern = 20;  // the newest this many files of each pattern
  std::optional<HealthProbe> health;    // units only
  ContainerHealth containerHealth;      // containers only ("health": {"interval_sec": N})
  std::int64_t maxRestoresPerHour = 2;  // repairs (restore and/or restart) in any hour
  std::int64_t graceSec = 60;           // restart -> healthy, or the repair failed
  std::int64_t stableSec = 600;         // healthy this long: snapshot config, reset backoff
  std::int64_t keepSnapshots = 5;       // last-known-good snapshots kept per bot
  std::string jobsDir;
  bool restartUnhealthy = false;  // containers: restart when Docker says unhealthy
};

struct SupervisorConfig {
  std::vector<BotConfig> bots;
  std::string dockerSocket = "/var/run/docker.sock";
  // The agent's own Telegram key (api_url: a stand-in's URL in tests); notify.json's wins.
  std::optional<TelegramSettings> telegram;
  NotifyConfig notify;  // notify.json beside the config file (its heartbeat)
};

Expected<SupervisorConfig, ConfigIssues> parseSupervisorConfig(const nlohmann::json& doc,
                                                               const std::string& file);
Expected<SupervisorConfig, ConfigIssues> loadSupervisorConfig(const std::string& path);

// The bot's key in the restart ledger it shares with flag-watcher (bot_restarts.h).
inline std::string restartKey(const BotConfig& bot) {
  return bot.unit.empty() ? BotRestarts::containerKey(bot.container)
                          : BotRestarts::unitKey(bot.scope, bot.unit);
}

}  // namespace openclaw::supervisor
