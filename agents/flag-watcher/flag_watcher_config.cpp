#include "flag_watcher_config.h"

namespace openclaw::flagwatcher {
namespace {
// A day: a longer coalescing window would hide every real request.
constexpr std::int64_t kMaxIntervalSec = 86400;
// More than one restart a minute on average is a storm, not a revive.
constexpr std::int64_t kMaxPerHourLimit = 60;

void readTarget(const std::string& name, ConfigObject& obj, FlagWatcherConfig& config) {
  FlagTarget target;
  const bool hasUnit = obj.get("unit", target.unit);
  const bool hasContainer = obj.get("container", target.container);
  if (!isSafeName(name)) {
    obj.fail("", "target name may only use letters, digits, '_', '-', '.', '@'");
  }
  if (hasUnit == hasContainer) {
    obj.fail("", "needs exactly one of \"unit\" and \"container\"");
  } else if (hasUnit && !isUnitName(target.unit)) {
    obj.fail("unit", "is not a unit name such as \"openclaw-gateway.service\"");
  } else if (hasContainer && !isSafeName(target.container)) {
    obj.fail("container", "is not a container name");
  }
  target.scope = readManagerScope(obj);
  if (hasContainer && !target.scope.isSystem()) obj.fail("user", "applies to units only");
  config.targets[name] = target;
}

}  // namespace

Expected<FlagWatcherConfig, ConfigIssues> parseFlagWatcherConfig(const nlohmann::json& doc,
                                                                 const std::string& file) {
  ConfigIssues issues;
  FlagWatcherConfig config;
  ConfigObject root(doc, "", file, issues);
  root.forEachMember("targets", [&](const std::string& name, ConfigObject& obj) {
    readTarget(name, obj, config);
  });
  root.forEachObject("directories", [&](ConfigObject& obj) {
    FlagDirectory dir;
    if (obj.require("path", dir.path) && !isAbsolutePath(dir.path)) {
      obj.fail("path", "must be an absolute path");
    }
    if (obj.require("allow", dir.allow)) {
      for (std::size_t i = 0; i < dir.allow.size(); ++i) {
        if (!config.targets.contains(dir.allow[i])) {
          obj.fail("allow[" + std::to_string(i) + "]",
                   "names no target in \"targets\": \"" + dir.allow[i] + "\"");
        }
      }
    }
    config.directories.push_back(std::move(dir));
  });
  root.getInRange("min_interval_sec", config.minIntervalSec, 0, kMaxIntervalSec);
  root.getInRange("max_per_hour", config.maxPerHour, 1, kMaxPerHourLimit);
  if (root.get("docker_socket", config.dockerSocket) && !isAbsolutePath(config.dockerSocket)) {
    root.fail("docker_socket", "must be an absolute path");
  }
  if (root.get("log_file", config.logFile) && !config.logFile.empty() &&
      !isAbsolutePath(config.logFile)) {
    root.fail("log_file", "must be an absolute path");
  }
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

Expected<FlagWatcherConfig, ConfigIssues> loadFlagWatcherConfig(const std::string& path) {
  return withNotifyConfig(path, loadConfigWith(path, parseFlagWatcherConfig));
}

}  // namespace openclaw::flagwatcher
