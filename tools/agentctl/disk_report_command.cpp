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
  listDockerPrunable(io, config.dockerSocket, filter, std::chrono::seconds(30),
                     [&out](const DockerPrunable& p) { out = p.summary(); });
  io.run();
  if (!named) out += "; no container is removed while " + named.error();
  return out;
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
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // Each prune root reached as the daemon reaches it: through folders only.
  std::vector<PathResult<UniqueFd>> roots;
  std::vector<dev_t> rootDevices;
  for (const auto& rule : config->prune) {
    roots.push_back(openPruneRoot(rule));
    struct stat st {};
    rootDevices.push_back(roots.back() && ::fstat(roots.back()->get(), &st) == 0 ? st.st_dev : 0);
  }
  for (const auto& m : config->mounts) {
    auto u = diskUsage(m.path);
    if (!u) {
      std::cout << m.path << ": cannot be read: " << u.error().message() << "\n";
      continue;
    }
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", u->percent());
    std::cout << m.path << ": " << pct << " used (" << formatBytes(u->used) << " used, "
              << formatBytes(u->available) << " available); act " << m.actPercent << "%, target "
              << m.targetPercent << "%, critical " << m.criticalPercent << "%";
    if (const auto above = u->bytesAbove(m.targetPercent); above > 0) {
      std::cout << "; " << formatBytes(above) << " above the target";
    }
    std::cout << "\n";
    for (std::size_t i = 0; i < config->prune.size(); ++i) {
      const auto& rule = config->prune[i];
      if (!roots[i] || rootDevices[i] != u->device) continue;
      auto own = openFolderBelow(roots[i]->get(), "");
      if (!own) continue;
      auto plan = scanPrune(rule, std::move(*own), now, ScanFor::Report);
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
    if (config->journalVacuumBytes > 0) {
      const bool here =
          deviceOf("/var/log/journal") == u->device || deviceOf("/run/log/journal") == u->device;
      std::cout << "  journal: " << (here ? journalUsage() : "not on this mount") << "; vacuum to "
                << config->journalVacuumSize << "\n";
    }
    if (config->dockerPrune) std::cout << "  docker: " << dockerSummary(*config) << "\n";
  }
  for (std::size_t i = 0; i < config->prune.size(); ++i) {
    if (!roots[i]) {
      std::cout << "prune " << config->prune[i].path << ": refused: " << roots[i].error().message()
                << "; the daemon leaves it alone\n";
    }
  }
  if (config->dryRun) std::cout << "dry_run is on: the daemon removes nothing\n";
  return 0;
}

}  // namespace openclaw::agentctl
