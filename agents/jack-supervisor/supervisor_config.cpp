#include "supervisor_config.h"

#include <set>

#include "config_check.h"

namespace openclaw::supervisor {
namespace {
// Probing more often than every second only adds load to a bot that is already slow.
constexpr std::int64_t kMinProbeIntervalSec = 1;
constexpr std::int64_t kMaxProbeIntervalSec = 3600;
constexpr std::int64_t kMaxProbeTimeoutSec = 300;
constexpr std::int64_t kMaxRestoresPerHourLimit = 60;
// A gateway that needs more than ten minutes to come up is not one we can judge.
constexpr std::int64_t kMaxGraceSec = 600;
// A day: beyond that, "stable" no longer says anything about the config.
constexpr std::int64_t kMaxStableSec = 86400;
constexpr std::int64_t kMaxSnapshots = 100;
// Each candidate may cost a validator run (about a second for OpenClaw's).
constexpr std::int64_t kMaxBackupsPerPattern = 1000;

void readProbe(ConfigObject& obj, HealthProbe& probe) {
  const int kinds = int(obj.get("http", probe.http)) + int(obj.get("tcp", probe.tcp)) +
                    int(obj.get("exec", probe.exec));
  if (kinds != 1) obj.fail("", "needs exactly one of \"http\", \"tcp\" and \"exec\"");
  if (!probe.http.empty() && !probe.http.starts_with("http://") &&
      !probe.http.starts_with("https://")) {
    obj.fail("http", "must be an http:// or https:// URL");
  }
  if (!probe.tcp.empty() && probe.tcp.rfind(':') == std::string::npos) {
    obj.fail("tcp", "must be host:port");
  }
  obj.getInRange("interval_sec", probe.intervalSec, kMinProbeIntervalSec, kMaxProbeIntervalSec);
  obj.getInRange("timeout_sec", probe.timeoutSec, 1, kMaxProbeTimeoutSec);
  obj.getInRange("failures", probe.failures, 1, 100);
  if (probe.timeoutSec > probe.intervalSec) {
    obj.fail("timeout_sec", "must not be longer than interval_sec");
  }
}

void readUnitBot(ConfigObject& obj, BotConfig& bot) {
  if (!isUnitName(bot.unit)) obj.fail("unit", "is not a unit name such as \"x.service\"");
  bot.scope = readManagerScope(obj);
  if (obj.get("config", bot.config) && !isAbsolutePath(bot.config)) {
    obj.fail("config", "must be an absolute path");
  }
  if (obj.get("required", bot.required)) {
    for (std::size_t i = 0; i < bot.required.size(); ++i) {
      try {
        (void)nlohmann::json::json_pointer(bot.required[i]);
      } catch (const nlohmann::json::exception&) {
        obj.fail("required[" + std::to_string(i) + "]", "is not a JSON pointer such as \"/a/b\"");
      }
    }
  }
  obj.get("validator", bot.validator);
  if (obj.get("backups", bot.backups)) {
    for (std::size_t i = 0; i < bot.backups.size(); ++i) {
      if (!isAbsolutePath(bot.backups[i]) || !isCandidatePattern(bot.backups[i])) {
        obj.fail("backups[" + std::to_string(i) + "]",
                 "must be an absolute path, wildcards in the file name only");
      }
    }
  }
  obj.getInRange("backups_per_pattern", bot.backupsPerPattern, 1, kMaxBackupsPerPattern);
  if (obj.get("jobs_dir", bot.jobsDir) && !isAbsolutePath(bot.jobsDir)) {
    obj.fail("jobs_dir", "must be an absolute path");
  }
  if ((!bot.backups.empty() || !bot.required.empty() || !bot.validator.empty()) &&
      bot.config.empty()) {
    obj.fail("config", "is required when backups, required or validator are set");
  }
}

BotConfig readBot(ConfigObject& obj) {
  BotConfig bot;
  if (obj.require("name", bot.name) && !isSafeName(bot.name)) {
    obj.fail("name", "may only use letters, digits, '_', '-', '.', '@'");
  }
  const bool hasUnit = obj.get("unit", bot.unit);
  const bool hasContainer = obj.get("container", bot.container);
  if (hasUnit == hasContainer) {
    obj.fail("", "needs exactly one of \"unit\" and \"container\"");
  } else if (hasUnit) {
    readUnitBot(obj, bot);
  } else if (!isSafeName(bot.container)) {
    obj.fail("container", "is not a container name");
  }
  if (hasContainer && obj.has("user")) {
    (void)readManagerScope(obj);
    obj.fail("user", "applies to units only");
  }
  HealthProbe probe;
  if (hasContainer) {
    // Docker runs the container's own healthcheck; we only choose how often to read it.
    obj.withObject("health", [&](ConfigObject& h) {
      h.getInRange("interval_sec", bot.containerHealth.intervalSec, kMinProbeIntervalSec,
                   kMaxProbeIntervalSec);
    });
  } else if (obj.withObject("health", [&](ConfigObject& h) { readProbe(h, probe); })) {
    bot.health = probe;
  }
  obj.getInRange("max_restores_per_hour", bot.maxRestoresPerHour, 0, kMaxRestoresPerHourLimit);
  obj.getInRange("grace_sec", bot.graceSec, 1, kMaxGraceSec);
  obj.getInRange("stable_sec", bot.stableSec, 1, kMaxStableSec);
  obj.getInRange("keep_snapshots", bot.keepSnapshots, 0, kMaxSnapshots);
  obj.get("restart_unhealthy", bot.restartUnhealthy);
  if (bot.restartUnhealthy && hasUnit) {
    obj.fail("restart_unhealthy", "applies to containers only");
  }
  return bot;
}

}  // namespace

Expected<SupervisorConfig, ConfigIssues> parseSupervisorConfig(const nlohmann::json& doc,
                                                               const std::string& file) {
  ConfigIssues issues;
  SupervisorConfig config;
  ConfigObject root(doc, "", file, issues);
  root.forEachObject("bots", [&](ConfigObject& obj) { config.bots.push_back(readBot(obj)); });
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.bots.size(); ++i) {
    if (!names.insert(config.bots[i].name).second) {
      issues.push_back({file, "bots[" + std::to_string(i) + "].name",
                        "is used by another bot: \"" + config.bots[i].name + "\""});
    }
  }
  if (root.get("docker_socket", config.dockerSocket) && !isAbsolutePath(config.dockerSocket)) {
    root.fail("docker_socket", "must be an absolute path");
  }
  readTelegramKey(root, config.telegram);
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

Expected<SupervisorConfig, ConfigIssues> loadSupervisorConfig(const std::string& path) {
  return withNotifyConfig(path, loadConfigWith(path, parseSupervisorConfig));
}

}  // namespace openclaw::supervisor
