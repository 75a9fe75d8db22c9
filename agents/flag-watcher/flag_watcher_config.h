// flag-watcher's configuration: which folders to watch, which flags each may raise, and
// what each target is (a systemd unit or a Docker container).  See docs/configuration.md.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "openclaw/bot_restarts.h"
#include "openclaw/config_reader.h"
#include "openclaw/notify_config.h"
#include "openclaw/systemd_scope.h"

namespace openclaw::flagwatcher {

struct FlagDirectory {
  std::string path;
  std::vector<std::string> allow;  // target names a flag in this folder may revive
};

struct FlagTarget {
  std::string unit;  // exactly one of unit and container is set
  std::string container;
  ManagerScope scope;  // units: the manager the unit lives in ("user": "root")
};

struct FlagWatcherConfig {
  std::vector<FlagDirectory> directories;
  std::map<std::string, FlagTarget> targets;
  std::int64_t minIntervalSec = 10;
  std::int64_t maxPerHour = 6;
  std::string dockerSocket = "/var/run/docker.sock";
  std::string logFile;  // empty: no human log
  NotifyConfig notify;  // notify.json beside the config file: where alerts go
};

Expected<FlagWatcherConfig, ConfigIssues> parseFlagWatcherConfig(const nlohmann::json& doc,
                                                                 const std::string& file);
Expected<FlagWatcherConfig, ConfigIssues> loadFlagWatcherConfig(const std::string& path);

// The target's key in the restart ledger it shares with jack-supervisor (bot_restarts.h).
inline std::string restartKey(const FlagTarget& target) {
  return target.unit.empty() ? BotRestarts::containerKey(target.container)
                             : BotRestarts::unitKey(target.scope, target.unit);
}

}  // namespace openclaw::flagwatcher
