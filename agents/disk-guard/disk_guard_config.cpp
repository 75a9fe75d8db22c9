#include "disk_guard_config.h"

#include <charconv>

namespace openclaw::diskguard {
namespace {
// statvfs is cheap, but checking more than once every 5 s buys nothing on a disk that
// fills over minutes; a day is the slowest the seeds ever ran.
constexpr std::int64_t kMinIntervalSec = 5;
constexpr std::int64_t kMaxIntervalSec = 86400;
constexpr std::int64_t kMaxDays = 3650;
constexpr std::int64_t kMaxKeepNewest = 1000000;
// Ten years: a container stopped longer than that is not anyone's any more.
constexpr std::int64_t kMaxStoppedHours = 87600;

void readMount(ConfigObject& obj, MountRule& m) {
  if (obj.require("path", m.path) && !isAbsolutePath(m.path)) {
    obj.fail("path", "must be an absolute path");
  }
  obj.getInRange("act_percent", m.actPercent, 1, 100);
  obj.getInRange("target_percent", m.targetPercent, 0, 100);
  obj.getInRange("critical_percent", m.criticalPercent, 1, 100);
  if (m.targetPercent >= m.actPercent) {
    obj.fail("target_percent", "must be below act_percent (" + std::to_string(m.actPercent) + ")");
  }
  if (m.criticalPercent < m.actPercent) {
    obj.fail("critical_percent",
             "must not be below act_percent (" + std::to_string(m.actPercent) + ")");
  }
}

void readPrune(ConfigObject& obj, PruneRule& p) {
  if (obj.require("path", p.path) && (!isAbsolutePath(p.path) || p.path == "/")) {
    obj.fail("path", "must be an absolute path other than /");
  }
  obj.getInRange("older_than_days", p.olderThanDays, 1, kMaxDays);
  obj.getInRange("keep_newest", p.keepNewest, 0, kMaxKeepNewest);
  obj.get("patterns", p.patterns);
  for (std::size_t i = 0; i < p.patterns.size(); ++i) {
    if (p.patterns[i].empty() || p.patterns[i].find('/') != std::string::npos) {
      obj.fail("patterns[" + std::to_string(i) + "]", "must be a file-name glob without '/'");
    }
  }
}

void readDockerContainers(ConfigObject& obj, DockerContainerRule& rule) {
  obj.getInRange("stopped_hours", rule.stoppedHours, 0, kMaxStoppedHours);
  obj.get("labels", rule.labels);
  for (std::size_t i = 0; i < rule.labels.size(); ++i) {
    if (rule.labels[i].empty() || rule.labels[i].front() == '=') {
      obj.fail("labels[" + std::to_string(i) + "]", "must be \"key\" or \"key=value\"");
    }
  }
  obj.get("keep", rule.keep);
  for (std::size_t i = 0; i < rule.keep.size(); ++i) {
    if (rule.keep[i].empty()) obj.fail("keep[" + std::to_string(i) + "]", "must be a name");
  }
}

}  // namespace

std::optional<std::uint64_t> parseByteSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  unsigned shift = 0;
  if (suffix.empty()) {
    shift = 0;
  } else if (suffix == "K") {
    shift = 10;
  } else if (suffix == "M") {
    shift = 20;
  } else if (suffix == "G") {
    shift = 30;
  } else if (suffix == "T") {
    shift = 40;
  } else {
    return std::nullopt;
  }
  if (number > (UINT64_MAX >> shift)) return std::nullopt;
  return number << shift;
}

Expected<DiskGuardConfig, ConfigIssues> parseDiskGuardConfig(const nlohmann::json& doc,
                                                             const std::string& file) {
  ConfigIssues issues;
  DiskGuardConfig config;
  ConfigObject root(doc, "", file, issues);
  root.forEachObject("mounts", [&](ConfigObject& obj) {
    MountRule m;
    readMount(obj, m);
    config.mounts.push_back(m);
  });
  root.getInRange("interval_sec", config.intervalSec, kMinIntervalSec, kMaxIntervalSec);
  root.forEachObject("prune", [&](ConfigObject& obj) {
    PruneRule p;
    readPrune(obj, p);
    config.prune.push_back(std::move(p));
  });
  if (root.get("journal_vacuum_size", config.journalVacuumSize)) {
    auto bytes = parseByteSize(config.journalVacuumSize);
    if (!bytes || *bytes == 0) {
      root.fail("journal_vacuum_size", "must be a size such as \"100M\" (K, M, G, T)");
    } else {
      config.journalVacuumBytes = *bytes;
    }
  }
  root.get("docker_prune", config.dockerPrune);
  if (root.get("docker_socket", config.dockerSocket) && !isAbsolutePath(config.dockerSocket)) {
    root.fail("docker_socket", "must be an absolute path");
  }
  root.withObject("docker_containers",
                  [&](ConfigObject& obj) { readDockerContainers(obj, config.dockerContainers); });
  // The other agents' configs live beside this one.
  if (const auto slash = file.rfind('/');
      slash != std::string::npos && slash > 0 && isAbsolutePath(file)) {
    config.agentsConfigDir = file.substr(0, slash);
  }
  root.get("dry_run", config.dryRun);
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

Expected<DiskGuardConfig, ConfigIssues> loadDiskGuardConfig(const std::string& path) {
  return withNotifyConfig(path, loadConfigWith(path, parseDiskGuardConfig));
}

}  // namespace openclaw::diskguard
