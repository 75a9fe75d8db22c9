// disk-guard's configuration: mounts and their thresholds, folders whose old files may be
// pruned, and the journal and Docker clean-ups.  See docs/configuration.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/config_reader.h"
#include "openclaw/notify_config.h"
#include "openclaw/paths.h"

namespace openclaw::diskguard {

struct MountRule {
  std::string path;
  std::int64_t actPercent = 85;
  std::int64_t targetPercent = 80;
  std::int64_t criticalPercent = 95;
};

struct PruneRule {
  std::string path;
  std::int64_t olderThanDays = 7;
  std::int64_t keepNewest = 20;
  std::vector<std::string> patterns;  // shell globs on file names; empty: every file
};

// Which stopped containers the Docker prune removes (see docker_containers.h): besides
// these, never one an agent's config names as a target.
struct DockerContainerRule {
  std::int64_t stoppedHours = 24;   // stopped at least this long (never started: created)
  std::vector<std::string> labels;  // "key" or "key=value"; every one must be on it
  std::vector<std::string> keep;    // names or ids never removed
};

struct DiskGuardConfig {
  std::vector<MountRule> mounts;
  std::int64_t intervalSec = 60;
  std::vector<PruneRule> prune;
  std::uint64_t journalVacuumBytes = 0;  // 0: leave the journal alone
  std::string journalVacuumSize;         // as written, for journalctl
  bool dockerPrune = false;
  std::string dockerSocket = "/var/run/docker.sock";
  DockerContainerRule dockerContainers;
  // Where the other agents' configs are read from, for the containers they name: the folder
  // of this config's file.
  std::string agentsConfigDir = kConfigDirectory;
  bool dryRun = false;
  NotifyConfig notify;  // notify.json beside the config file: where alerts go
};

// "100M", "1G", "500K", "4096": journalctl's size syntax (1024-based).
std::optional<std::uint64_t> parseByteSize(std::string_view text);

Expected<DiskGuardConfig, ConfigIssues> parseDiskGuardConfig(const nlohmann::json& doc,
                                                             const std::string& file);
Expected<DiskGuardConfig, ConfigIssues> loadDiskGuardConfig(const std::string& path);

}  // namespace openclaw::diskguard
