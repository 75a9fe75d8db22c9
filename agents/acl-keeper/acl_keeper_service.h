// acl-keeper's daemon: every tree of the config is kept at its rule's ACL.
//
// A full sweep runs at start, on reload, after an inotify queue overflow and every
// sweep_interval_sec.  Between sweeps, inotify on every folder of each tree brings created,
// moved-in and chmod-ed entries to the daemon, which checks them at once.  Walking is done in
// slices of a few milliseconds on the event loop, events first, so a sweep of a big tree
// never delays a new file's ACL by more than a slice.  Nothing is persisted: after a kill -9
// the start sweep rebuilds everything from the trees themselves.
//
// Bounded against a hostile tree: folders deeper than max_depth are not entered, each
// folder in hand is known by its parent and its name (FolderIndex), not by its path, and
// the queues hold such folders, not paths.  It holds at most its share of the inotify
// watches root's services share (max_watches, or a quarter of the kernel's limit); folders
// beyond are kept by the sweep alone, and that is said once per config.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "acl_keeper_config.h"
#include "acl_tree.h"
#include "folder_index.h"
#include "openclaw/agent_report.h"
#include "openclaw/alerter.h"
#include "openclaw/daemon.h"
#include "openclaw/inotify_watcher.h"
#include "openclaw/life_token.h"
#include "openclaw/safe_path.h"
#include "watch_budget.h"

namespace openclaw::aclkeeper {

class AclKeeperService : public AgentService<AclKeeperConfig> {
 public:
  explicit AclKeeperService(DaemonContext& ctx);
  ~AclKeeperService() override;
  void start(const AclKeeperConfig& config) override;
  void reload(const AclKeeperConfig& config) override;
  std::string status() const override;
  void stop() override;

 private:
  using Clock = std::chrono::steady_clock;
  using Folder = FolderIndex::Id;
  struct Tree {
    std::unique_ptr<AclTree> tree;
    FolderIndex folders;    // watched or queued folders
    RefusalNotice refusal;  // why the root could not be opened, if it could not
  };
  struct WatchRef {
    std::size_t tree;
    Folder folder;
  };
  struct Work {
    std::size_t tree;
    Folder folder;  // held in the tree's index while queued
  };

  // A config starts from nothing, at start as at a reload: new watches, new trees, a sweep.
  void configure(const AclKeeperConfig& config, const std::string& why);
  void startSweep(const std::string& why);
  void finishSweep();
  void scheduleSlice();
  void runSlice();
  void queue(std::vector<Work>& queue, std::size_t tree, Folder folder);
  void walkFolder(const Work& work, bool sweep);
  void onEvent(const InotifyEvent& event);
  void onEntryEvent(std::size_t tree, Folder folder, const InotifyEvent& event);
  void endBatch();
  // An event's folder, opened once per batch of events and made the working folder (the
  // xattr calls have no *at form); -1 when it cannot be reached from the root any more.
  int batchFolder(std::size_t tree, Folder folder);
  void forgetFolders();
  void addWatch(std::size_t tree, Folder folder, int fd);
  // A folder left without a watch (over the budget, or the kernel refused): the sweep keeps
  // it; the first one since the config was applied is said.
  void unwatched(std::size_t tree, Folder folder, const std::string& why);
  void dropWatches(std::size_t tree, Folder folder);
  void forgetWatch(int wd);
  void tally(std::size_t tree, bool sweep);
  void onFixed(const Drift& drift);
  void onSkipped(const std::string& path, Skip why, const std::string& detail);
  void armTimer();
  void setStatus();
  std::size_t watchCount() const;

  DaemonContext& ctx_;
  Alerter alerter_;     // a tree refused, the watch budget spent, inotify unusable
  AgentReport report_;  // fixes, drift and the last sweep, for status and Prometheus
  AclKeeperConfig config_;
  std::unique_ptr<InotifyWatcher> inotify_;
  std::vector<Tree> trees_;
  std::unordered_map<int, std::vector<WatchRef>> watches_;
  std::vector<Work> urgent_;  // folders reached by events: walked first
  std::vector<Work> sweep_;   // the sweep's folders still to walk
  bool batchOpen_ = false;
  std::map<std::pair<std::size_t, Folder>, UniqueFd> batchFolders_;
  int cwdFolder_ = -1;  // the working folder: one of batchFolders_, or -1 for /
  std::pair<std::size_t, Folder> lastFolder_;
  // The folder walkFolder is listing (to watch it), or none.
  static constexpr std::size_t kNotWalking = SIZE_MAX;
  std::pair<std::size_t, Folder> walking_{kNotWalking, FolderIndex::kRoot};
  bool sliceQueued_ = false;
  bool inSweepWork_ = false;

  bool sweeping_ = false;
  bool sweepAgain_ = false;
  std::string sweepWhy_;
  Clock::time_point sweepStart_;
  TreeCounts sweepCounts_;
  unsigned sweepFixLogs_ = 0;
  std::string lastSweep_ = "none yet";
  std::uint64_t sweeps_ = 0;
  TreeCounts eventCounts_;
  std::uint64_t statusFixed_ = 0;  // what the last STATUS= said
  std::size_t statusWatched_ = 0;

  WatchBudget watchBudget_;    // how many inotify watches this config may hold
  std::size_t unwatched_ = 0;  // folders walked without a watch since the sweep began
  bool toldWatchLimit_ = false;
  std::unordered_set<std::size_t> toldSkipped_;  // hashes of the paths told: a word each
  Clock::time_point fixLogWindow_;
  unsigned fixLogsInWindow_ = 0;
  std::uint64_t fixLogsSuppressed_ = 0;

  boost::asio::steady_timer timer_;
  LifeToken life_;
};

}  // namespace openclaw::aclkeeper
