// The flag-watcher daemon's work: inotify on each flag folder, every name checked through
// the folder's fd, restarts through systemd (units) or the Docker Engine API (containers),
// under the coalescing and hourly rules of RevivePolicy, with the restart in flight recorded
// before it is issued so that a kill -9 neither loses a request nor repeats a restart.
// Alerts go through the lib's Alerter like every agent's; what containers put in the flag
// folders costs a bounded number of journal lines (FolderNoise).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flag_folder.h"
#include "flag_watcher_config.h"
#include "folder_noise.h"
#include "ledger_file.h"
#include "openclaw/agent_report.h"
#include "openclaw/alerter.h"
#include "openclaw/asio_bus.h"
#include "openclaw/daemon.h"
#include "openclaw/docker_engine.h"
#include "openclaw/durable_file.h"
#include "openclaw/inotify_watcher.h"
#include "openclaw/life_token.h"
#include "openclaw/safe_path.h"
#include "openclaw/systemd_managers.h"
#include "revive_policy.h"

namespace openclaw::flagwatcher {

class FlagWatcherService : public AgentService<FlagWatcherConfig> {
 public:
  // `systemd` makes the manager of each scope; empty: the real, reconnecting ones.
  explicit FlagWatcherService(DaemonContext& ctx, SystemdManagers::Factory systemd = {});
  ~FlagWatcherService() override;
  void start(const FlagWatcherConfig& config) override;
  void reload(const FlagWatcherConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  void takeConfig(const FlagWatcherConfig& config);
  // Watches the configured folders and scans them; `why` is "start" or "reload".
  void serve(const std::string& why);
  struct Folder {
    std::string path;
    std::vector<std::string> allow;
    UniqueFd fd;
    int watch = -1;
    RefusalNotice notice;  // why it cannot be opened, said once
  };
  void startOnce();
  void openFolders();
  // Opens one folder through folders only and watches it; false when it cannot (said once).
  bool openFolder(Folder& folder);
  // Tries the folders that could not be opened again, every kReopenEvery, until all are.
  void reopenLater();
  void scanAll(const std::string& why);
  void onEvent(const InotifyEvent& event);
  void handleName(Folder& folder, const std::string& name);
  // What a flag not acted on was: its journal event, its metric result, how loud.
  struct Dropped {
    std::string_view event;
    const char* result;  // openclaw_revives_total's
    const char* what;    // the noise summary's: "refused", "coalesced" ...
    int priority;
  };
  // Anything in a flag folder that is not a flag: removed, counted, said within a bound.
  void rejectEntry(Folder& folder, const FolderEntry& entry, const std::string& name);
  // A flag not acted on (paused, coalesced, absorbed, refused): removed, counted, said
  // within the folder's noise bound.
  void dropFlag(Folder& folder, const FolderEntry& entry, const Dropped& why,
                const std::string& message);
  void refuseFlag(Folder& folder, const FolderEntry& entry, const std::string& who);
  void restartForFlag(Folder& folder, const FolderEntry& entry, Seconds at);
  // The bot's restart ownership for `target` (bot_restarts.h): nullopt when this agent now
  // holds it, otherwise the agent that does.
  std::optional<RestartOwner> claimRestart(const std::string& target, const std::string& what,
                                           Seconds at);
  std::string restartKeyOf(const std::string& target) const;
  void countShared(const std::string& target, Seconds at);
  void resumeRestart(const std::string& target);
  void beginRestart(const std::string& target, bool countAgainstBudget);
  void sendRestart(const std::string& target);
  void restartUnit(const std::string& target, const FlagTarget& unit);
  void retryIfLatched(const std::string& target, const FlagTarget& unit);
  void restartContainer(const std::string& target, const std::string& container);
  void finish(const std::string& target, const std::string& result, bool ok);
  void appendHumanLog(const std::string& line);
  void resumeInterrupted();
  void resumeUnit(const std::string& target, const FlagTarget& unit, const TargetLedger& before);
  void retainManagers();
  void persistHistory();   // state.json, fsync'd: the budget's history
  void persistInFlight();  // /run: the restarts in flight, for a kill -9 only
  void save(const StateFile& file, LedgerPart part);
  // Metrics: one revive outcome of a configured target; every target's budget left.
  void countRevive(const std::string& target, const char* result);
  void reportBudgets();
  void setStatus();
  Seconds now() const { return ctx_.clock.wallSeconds(); }

  DaemonContext& ctx_;
  SystemdManagers::Factory systemdFactory_;
  Alerter alerter_;     // journal, alerts.jsonl and Telegram, repeats folded
  AgentReport report_;  // metrics and last actions, for status and Prometheus
  FolderNoise noise_;   // journal lines about what containers put in the folders, limited
  FlagWatcherConfig config_;
  std::unique_ptr<RevivePolicy> policy_;
  std::vector<Folder> folders_;
  std::map<std::string, TargetLedger> ledgers_;
  BotRestarts restarts_{"flag-watcher", ctx_.restarts};  // one owner and budget per bot, shared
  std::map<std::string, RestartClaim> claims_;           // targets this agent is restarting now
  std::map<std::string, Clock::SteadyPoint> seenAt_;     // first flag of the current request
  StateFile state_;                                      // the history (ledger_file.h)
  StateFile inFlight_;                                   // the restarts in flight
  std::string bootId_;  // this boot's token (boot_token.h); "" when it cannot be had
  std::unique_ptr<InotifyWatcher> inotify_;
  std::unique_ptr<boost::asio::steady_timer> reopenTimer_;
  std::unique_ptr<SystemdManagers> managers_;
  std::map<std::string, std::unique_ptr<UnitWatch>> resumeWatches_;
  std::string lastAction_ = "nothing yet";
  std::uint64_t revives_ = 0;
  LifeToken life_;  // last: gone first, so no callback outlives what it touches
};

}  // namespace openclaw::flagwatcher
