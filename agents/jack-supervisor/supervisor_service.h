// The jack-supervisor daemon's wiring: one UnitBot or ContainerBot per configured bot, the
// shared systemd connection, inotify on each bot's config folder (so a config fixed by hand
// is seen at once), the persisted ledgers and the alerter.  A reload rebuilds the bots from
// the new config; their ledgers, and any repair in flight, carry over through the state
// file exactly as they do across a restart of the daemon.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot_env.h"
#include "container_bot.h"
#include "openclaw/alerter.h"
#include "openclaw/daemon.h"
#include "openclaw/durable_file.h"
#include "openclaw/heartbeat.h"
#include "openclaw/inotify_watcher.h"
#include "openclaw/systemd_managers.h"
#include "supervisor_config.h"
#include "unit_bot.h"

namespace openclaw::supervisor {

class SupervisorService : public AgentService<SupervisorConfig> {
 public:
  explicit SupervisorService(DaemonContext& ctx);
  ~SupervisorService() override;
  void start(const SupervisorConfig& config) override;
  void reload(const SupervisorConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  void startOnce();
  void watchConfigFolders();
  void onInotify(const InotifyEvent& event);
  void persist();
  bool everyBotHealthy() const;
  // Per bot: budget left, healthy, given up, paused; then STATUS.
  void statusChanged();

  DaemonContext& ctx_;
  SupervisorConfig config_;
  Alerter alerter_;
  AgentReport report_;  // last actions and metrics (status, Prometheus)
  StateFile state_;
  std::map<std::string, BotLedger> ledgers_;
  BotRestarts restarts_{"jack-supervisor",
                        ctx_.restarts};  // shared with flag-watcher: one owner per bot
  std::unique_ptr<SystemdManagers> managers_;
  std::unique_ptr<InotifyWatcher> inotify_;
  std::map<int, std::string> folderOfWatch_;
  int pauseWatch_ = -1;  // the pause folder's watch, when it exists
  std::unique_ptr<BotEnv> env_;
  std::vector<std::unique_ptr<UnitBot>> units_;
  std::vector<std::unique_ptr<ContainerBot>> containers_;
  Heartbeat heartbeat_;  // last: destroyed first, before the bots it asks about
};

}  // namespace openclaw::supervisor
