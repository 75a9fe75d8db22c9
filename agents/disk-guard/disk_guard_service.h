// disk-guard's daemon: one statvfs per mount every interval_sec, nothing in between.  Above
// act_percent the actions run in order (age pruning of the prune folders on that mount, the
// journal vacuum if the journal lives there, the Docker prune), each followed by a fresh
// statvfs, until the mount is under target_percent; above critical_percent after all of
// them a critical alert is raised once (again only after the mount came back under it).
// Each check starts by resolving every prune root from "/" without following a symlink in
// any component (lib's safe_path); a root that does not resolve is left alone, said once
// (again when the reason changes, or after it resolved) and tried again at the next check.
// Nothing is persisted: after a kill -9 the next check starts from the disks themselves.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "disk_guard_config.h"
#include "disk_usage.h"
#include "docker_containers.h"
#include "openclaw/agent_report.h"
#include "openclaw/alerter.h"
#include "openclaw/child_process.h"
#include "openclaw/daemon.h"
#include "openclaw/docker_engine.h"
#include "openclaw/handles.h"
#include "openclaw/life_token.h"
#include "openclaw/safe_path.h"

namespace openclaw::diskguard {

class DiskGuardService : public AgentService<DiskGuardConfig> {
 public:
  explicit DiskGuardService(DaemonContext& ctx);
  ~DiskGuardService() override;
  void start(const DiskGuardConfig& config) override;
  void reload(const DiskGuardConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  enum class Step { Prune, Journal, Docker, Done };
  // A prune root resolved for this check: its folder and the device it is on.
  struct PruneRoot {
    UniqueFd fd;
    dev_t device = 0;
  };
  void install(const DiskGuardConfig& config);
  void check();
  void resolveRoots();
  void nextMount(std::size_t index);
  void runStep(std::size_t mount, Step step);
  void afterStep(std::size_t mount, Step step);
  void prune(std::size_t mount);
  void endWorker();
  void vacuumJournal(std::size_t mount);
  void pruneDocker(std::size_t mount);
  void dockerCall(std::size_t mount, std::vector<std::string> targets, std::uint64_t reclaimed,
                  std::uint64_t removed, std::chrono::steady_clock::time_point start);
  void dockerDryRun(std::size_t mount);
  // The Docker filter of the config plus the agents' targets; one that removes no container
  // (and a warning) when an agent's config does not load.
  ContainerFilter dockerFilter();
  void finishMount(std::size_t mount);
  void reportAction(std::size_t mount, std::string_view what, std::uint64_t freed,
                    std::uint64_t removed, std::chrono::steady_clock::time_point start,
                    const std::string& text);
  void armTimer();
  void setStatus();

  DaemonContext& ctx_;
  DiskGuardConfig config_;
  Alerter alerter_;
  AgentReport report_;  // usage, bytes freed and the last actions, for status and Prometheus
  std::unique_ptr<DockerEngine> docker_;
  std::unique_ptr<RunningCommand> command_;
  boost::asio::steady_timer timer_;
  bool checking_ = false;
  std::optional<DiskGuardConfig> pending_;         // applied while a check ran: installed after it
  std::map<std::string, std::string> usageText_;   // mount -> "42% (act 85%)"
  std::map<std::string, bool> critical_;           // mount -> alerted, not yet back under
  std::vector<PruneRoot> roots_;                   // by config_.prune index, for the running check
  std::map<std::string, RefusalNotice> refusals_;  // prune root path -> what was said
  std::string lastAction_ = "none yet";
  std::string dockerNote_;  // the Docker prune's containers kept, for its action line
  LifeToken life_;
  std::string pruning_;              // "/srv 12:00:01" while a prune runs
  std::thread worker_;               // the running prune, if any
  std::atomic<bool> cancel_{false};  // tells it to stop
};

}  // namespace openclaw::diskguard
