#include "disk_report_command.h"

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <iostream>

#include "config_option.h"
#include "disk_guard_config.h"
#include "disk_usage.h"
#include "docker_containers.h"
#include "docker_prunable.h"
#include "openclaw/child_process.h"
#include "openclaw/daemon.h"
#include "openclaw/safe_path.h"
#include "prune.h"

namespace openclaw::agentctl {
namespace {

using namespace diskguard;
constexpr int kExitUsage = 2;
constexpr const char* kUsage = "usage: openclaw-agentctl disk-report [--config PATH]\n";

std::string journalUsage() {
  boost::asio::io_context io;
  std::string out;
  auto run = runCommand(io, {"journalctl", "--disk-usage"}, {}, std::chrono::seconds(30),
                        [&out](const CommandResult& r) {
                          out = r.ok() ? r.output.substr(0, r.output.find('\n')) : r.describe();
                        });
  io.run();
  return out;
}

// What the daemon's Docker prune would remove now, with the same filter.
std::string dockerSummary(const DiskGuardConfig& config) {
  boost::asio::io_context io;
  std::string out;
  auto named = containersNamedIn(config.agentsConfigDir);
  ContainerFilter filter =
      containerFilter(config.dockerContainers, named ? *named : std::set<std::string>{});
  filter.namesUnknown = !named;
  listDockerPrunable(io, config.dockerSocket, filter, std::chrono::seconds(30), systemClock(),
                     [&out](const DockerPrunable& p) { out = p.summary(); });
  io.run();
  if (!named) out += "; no container is removed while " + named.error();
  return out;
}

// A prune root reached as the daemon reaches it (through folders only), and its device.
struct PruneRoot {
  PathResult<UniqueFd> fd;
  dev_t device = 0;
};

std::vector<PruneRoot> openPruneRoots(const DiskGuardConfig& config) {
  std::vector<PruneRoot> roots;
  for (const auto& rule : config.prune) {
    PruneRoot root{openPruneRoot(rule), 0};
    struct stat st {};
    if (root.fd && ::fstat(root.fd->get(), &st) == 0) root.device = st.st_dev;
    roots.push_back(std::move(root));
  }
  return roots;
}

void printUsage(const MountRule& m, const DiskUsage& u) {
  char pct[16];
  std::snprintf(pct, sizeof pct, "%.1f%%", u.percent());
  std::cout << m.path << ": " << pct << " used (" << formatBytes(u.used) << " used, "
            << formatBytes(u.available) << " available); act " << m.actPercent << "%, target "
            << m.targetPercent << "%, critical " << m.criticalPercent << "%";
  if (const auto above = u.bytesAbove(m.targetPercent); above > 0) {
    std::cout << "; " << formatBytes(above) << " above the target";
  }
  std::cout << "\n";
}

// What each prune folder on the mount's device could free now.
void printPrunes(const DiskGuardConfig& config, const std::vector<PruneRoot>& roots, dev_t device,
                 std::int64_t nowNs) {
  for (std::size_t i = 0; i < config.prune.size(); ++i) {
    const auto& rule = config.prune[i];
    if (!roots[i].fd || roots[i].device != device) continue;
    auto own = openFolderBelow(roots[i].fd->get(), "");
    if (!own) continue;
    auto plan = scanPrune(rule, std::move(*own), nowNs, ScanFor::Report);
    if (!plan) {
      std::cout << "  prune " << rule.path << ": cannot be read: " << plan.error().message()
                << "\n";
      continue;
    }
    std::cout << "  prune " << rule.path << ": " << plan->candidates.size()
              << " file(s) older than " << rule.olderThanDays << " days could go, "
              << formatBytes(plan->candidateBytes) << " (" << plan->keptNewest
              << " old kept as their folder's " << rule.keepNewest << " newest; " << plan->files
              << " files looked at, " << plan->skipped << " skipped)\n";
  }
}

}  // namespace

int diskReportCommand(const std::vector<std::string>& args) {
  std::string configPath = defaultConfigPath("disk-guard");
  if (!parseConfigOption(args, configPath)) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  auto config = loadDiskGuardConfig(configPath);
  if (!configLoaded(configPath, config)) return kExitConfig;
  const auto nowNs =
      std::chrono::duration_cast<std::chrono::nanoseconds>(systemClock().wall().time_since_epoch())
          .count();
  const auto roots = openPruneRoots(*config);
  for (const auto& m : config->mounts) {
    auto u = diskUsage(m.path);
    if (!u) {
      std::cout << m.path << ": cannot be read: " << u.error().message() << "\n";
      continue;
    }
    printUsage(m, *u);
    printPrunes(*config, roots, u->device, nowNs);
    if (config->journalVacuumBytes > 0) {
      const bool here =
          deviceOf("/var/log/journal") == u->device || deviceOf("/run/log/journal") == u->device;
      std::cout << "  journal: " << (here ? journalUsage() : "not on this mount") << "; vacuum to "
                << config->journalVacuumSize << "\n";
    }
    if (config->dockerPrune) std::cout << "  docker: " << dockerSummary(*config) << "\n";
  }
  for (std::size_t i = 0; i < config->prune.size(); ++i) {
    if (!roots[i].fd) {
      std::cout << "prune " << config->prune[i].path
                << ": refused: " << roots[i].fd.error().message()
                << "; the daemon leaves it alone\n";
    }
  }
  if (config->dryRun) std::cout << "dry_run is on: the daemon removes nothing\n";
  return 0;
}

}  // namespace openclaw::agentctl
