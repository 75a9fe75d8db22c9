#include "acl_keeper_service.h"

#include <dirent.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "openclaw/time_text.h"

namespace openclaw::aclkeeper {
namespace {

constexpr auto kSlice = std::chrono::milliseconds(5);
constexpr std::uint32_t kWatchMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB |
                                     IN_MOVE_SELF | IN_DELETE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;
// Paths named one by one in the journal: enough to act on, bounded against a hostile tree.
constexpr std::size_t kMaxToldSkipped = 10000;
constexpr unsigned kFixLogsPerMinute = 30;
constexpr unsigned kFixLogsPerSweep = 20;

std::string join(const std::string& rel, const std::string& name) {
  return rel.empty() ? name : rel + '/' + name;
}

}  // namespace

AclKeeperService::AclKeeperService(DaemonContext& ctx)
    : ctx_(ctx),
      alerter_(ctx.io, ctx.name, ctx.stateDir),
      report_(ctx.io, ctx.name, ctx.stateDir),
      timer_(ctx.io) {
  publishOutboxDepth(report_, alerter_);
}

AclKeeperService::~AclKeeperService() = default;

void AclKeeperService::start(const AclKeeperConfig& config) {
  configure(config, "start");
}

void AclKeeperService::reload(const AclKeeperConfig& config) {
  configure(config, "reload");
}

void AclKeeperService::configure(const AclKeeperConfig& config, const std::string& why) {
  alerter_.configureChannels(config.notify);
  config_ = config;
  // A new config starts from nothing: new watches, new trees, a full sweep.
  forgetFolders();
  inotify_.reset();
  watches_.clear();
  urgent_.clear();
  sweep_.clear();
  sweeping_ = false;
  trees_.clear();
  unwatched_ = 0;
  toldWatchLimit_ = false;
  watchBudget_ = watchBudget(config_.maxWatches, kernelWatchLimit());
  for (const auto& rule : config_.rules) {
    TreeListener listener;
    listener.fixed = [this](const Drift& d) { onFixed(d); };
    listener.skipped = [this](const std::string& p, Skip why, const std::string& d) {
      onSkipped(p, why, d);
    };
    const std::size_t index = trees_.size();
    // Only walkFolder lists folders (visitChildren): the folder to watch is the one it walks.
    listener.folder = [this, index](int fd, const std::string&) {
      if (walking_.first == index) addWatch(index, walking_.second, fd);
    };
    trees_.push_back(
        {std::make_unique<AclTree>(rule, TreeMode::Apply, std::move(listener)), {}, {}});
  }
  auto watcher = InotifyWatcher::create(ctx_.io, [this](const InotifyEvent& e) { onEvent(e); });
  if (!watcher) {
    alerter_.raise({"critical", "", std::string(event::kInotifyFailed), "",
                    "cannot use inotify: " + watcher.error().message() + "; only the sweep every " +
                        std::to_string(config_.sweepIntervalSec) + " s keeps the ACLs"});
  } else {
    inotify_ = std::move(*watcher);
    inotify_->start();
  }
  startSweep(why);
}

void AclKeeperService::startSweep(const std::string& why) {
  if (sweeping_) {
    sweepAgain_ = true;
    return;
  }
  timer_.cancel();
  forgetFolders();
  sweeping_ = true;
  sweepWhy_ = why;
  sweepStart_ = Clock::now();
  sweepCounts_ = {};
  sweepFixLogs_ = 0;
  unwatched_ = 0;
  inSweepWork_ = true;
  for (std::size_t i = 0; i < trees_.size(); ++i) {
    Tree& t = trees_[i];
    t.tree->closeRoot();
    const std::string& path = t.tree->rule().path;
    if (auto r = t.tree->openRoot(); !r) {
      // Nothing of the tree is kept meanwhile: its watches would lead to folders the
      // configured path does not name any more.
      dropWatches(i, FolderIndex::kRoot);
      if (t.refusal.refused(r.error())) {
        alerter_.raise({"warning",
                        "",
                        std::string(event::kPathRefused),
                        path,
                        "tree " + path + " is refused: " + r.error().message() +
                            "; nothing in it is touched, the next sweep tries again",
                        {{"component", r.error().at}, {"reason", problemName(r.error().problem)}},
                        {{journal_key::kComponent, r.error().at},
                         {journal_key::kReason, problemName(r.error().problem)}}});
      }
      continue;
    }
    if (t.refusal.resolved()) {
      Log::notice("tree " + path + " resolves again: kept as configured",
                  {{journal_key::kEvent, event::kPathResolved}, {journal_key::kTarget, path}});
    }
    t.folders.setFresh(FolderIndex::kRoot, t.tree->rootFresh());
    tally(i, true);
    queue(sweep_, i, FolderIndex::kRoot);
  }
  inSweepWork_ = false;
  scheduleSlice();
}

void AclKeeperService::scheduleSlice() {
  if (sliceQueued_) return;
  sliceQueued_ = true;
  boost::asio::post(ctx_.io, life_.guard([this] {
    sliceQueued_ = false;
    runSlice();
  }));
}

void AclKeeperService::runSlice() {
  forgetFolders();  // the walk changes the working folder itself
  const auto deadline = Clock::now() + kSlice;
  while (Clock::now() < deadline && (!urgent_.empty() || !sweep_.empty())) {
    const bool sweep = urgent_.empty();
    auto& queue = sweep ? sweep_ : urgent_;
    const Work work = queue.back();
    queue.pop_back();
    walkFolder(work, sweep);
    if (work.tree < trees_.size()) trees_[work.tree].folders.release(work.folder);
  }
  if (!urgent_.empty() || !sweep_.empty()) {
    // Yield to the loop: inotify events and the watchdog run between slices.
    scheduleSlice();
    return;
  }
  if (sweeping_) finishSweep();
}

void AclKeeperService::queue(std::vector<Work>& to, std::size_t tree, Folder folder) {
  trees_[tree].folders.hold(folder);
  to.push_back({tree, folder});
}

void AclKeeperService::walkFolder(const Work& work, bool sweep) {
  if (work.tree >= trees_.size()) return;
  Tree& t = trees_[work.tree];
  AclTree& tree = *t.tree;
  // Moved out (or its tree refused) since it was queued: nothing left to keep.
  if (!tree.rootOpen() || t.folders.detached(work.folder)) return;
  inSweepWork_ = sweep;
  const std::string rel = t.folders.path(work.folder);
  auto fd = tree.openFolder(rel);
  if (fd) {
    std::vector<SubFolder> sub;
    // A folder whose own ACL was just fixed has likely never been kept: most of what is in
    // it is about to be written, so it is watched after (no events to read back). Any
    // other folder is watched first; a right ACL then raises nothing.
    const bool fresh = t.folders.fresh(work.folder);
    t.folders.setFresh(work.folder, false);
    const auto order = fresh && t.folders.watch(work.folder) < 0 ? AclTree::WatchOrder::After
                                                                 : AclTree::WatchOrder::First;
    walking_ = {work.tree, work.folder};
    if (auto r = tree.visitChildren(fd->get(), rel, sub, order); !r) {
      Log::debug("cannot list " + tree.absolute(rel) + ": " + r.error().message());
    }
    walking_ = {kNotWalking, FolderIndex::kRoot};
    const unsigned depth = t.folders.depth(work.folder) + 1;
    for (const auto& s : sub) {
      if (depth > static_cast<unsigned>(config_.maxDepth)) {
        tree.tooDeep(join(rel, s.name), static_cast<unsigned>(config_.maxDepth));
        continue;
      }
      const Folder child = t.folders.child(work.folder, s.name);
      if (s.fresh) t.folders.setFresh(child, true);
      queue(sweep ? sweep_ : urgent_, work.tree, child);
    }
  }
  // A folder gone (or turned into a symlink) since it was queued has nothing left to keep.
  tally(work.tree, sweep);
  inSweepWork_ = false;
}

void AclKeeperService::finishSweep() {
  sweeping_ = false;
  ++sweeps_;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sweepStart_).count();
  const TreeCounts& c = sweepCounts_;
  std::size_t missing = 0;
  for (const auto& t : trees_) missing += t.refusal.isRefused() ? 1 : 0;
  std::string text = "sweep (" + sweepWhy_ + ") of " + std::to_string(trees_.size()) +
                     " tree(s): " + std::to_string(c.checked) + " checked, " +
                     std::to_string(c.fixed) + " fixed, " + std::to_string(c.skippedTotal()) +
                     " skipped";
  if (c.skippedTotal() > 0) text += " (" + c.skippedText() + ")";
  if (missing > 0) text += ", " + std::to_string(missing) + " tree(s) refused";
  text += " in " + std::to_string(ms) + " ms";
  if (c.fixed > kFixLogsPerSweep) {
    text += "; the first " + std::to_string(kFixLogsPerSweep) + " fixes are logged";
  }
  Log::write(c.fixed > 0 || missing > 0 ? LOG_NOTICE : LOG_INFO, text,
             {{journal_key::kEvent, event::kAclSweep},
              {journal_key::kChecked, std::to_string(c.checked)},
              {journal_key::kFixed, std::to_string(c.fixed)},
              {journal_key::kSkipped, std::to_string(c.skippedTotal())},
              {journal_key::kSweepMs, std::to_string(ms)}});
  report_.metrics().set("openclaw_acl_drift", {}, static_cast<double>(c.fixed));
  report_.succeeded(event::kAclSweep);
  if (c.fixed > 0) report_.action({std::string(event::kAclSweep), "", text, 0});
  lastSweep_ = formatTime(std::time(nullptr), "%H:%M:%S", Zone::Local) + " (" + sweepWhy_ +
               "): " + std::to_string(c.checked) + " checked, " + std::to_string(c.fixed) +
               " fixed, " + std::to_string(c.skippedTotal()) + " skipped";
  setStatus();
  if (sweepAgain_) {
    sweepAgain_ = false;
    startSweep("again");
    return;
  }
  armTimer();
}

void AclKeeperService::armTimer() {
  timer_.expires_after(std::chrono::seconds(config_.sweepIntervalSec));
  timer_.async_wait(life_.guard([this](const boost::system::error_code& ec) {
    if (!ec) startSweep("timer");
  }));
}

void AclKeeperService::tally(std::size_t tree, bool sweep) {
  TreeCounts& c = trees_[tree].tree->counts();
  (sweep ? sweepCounts_ : eventCounts_).add(c);
  c = {};
}

void AclKeeperService::addWatch(std::size_t tree, Folder folder, int fd) {
  if (!inotify_) return;
  FolderIndex& folders = trees_[tree].folders;
  // A folder watched already keeps its watch (adding it again costs the kernel nothing); a
  // new one needs room in the budget, counted in distinct watches, as the kernel counts.
  if (folders.watch(folder) < 0 && watches_.size() >= watchBudget_.cap) {
    unwatched(tree, folder,
              "acl-keeper's inotify watches are at their cap of " +
                  std::to_string(watchBudget_.cap) + " (" + watchBudget_.why + ")");
    return;
  }
  auto wd = inotify_->add("/proc/self/fd/" + std::to_string(fd), kWatchMask);
  if (!wd) {
    if (wd.error() == std::errc::no_space_on_device) {
      unwatched(tree, folder,
                "the kernel's inotify watch limit is reached (fs.inotify.max_user_watches)");
    } else {
      ++unwatched_;
      Log::debug("cannot watch " + trees_[tree].tree->absolute(folders.path(folder)) + ": " +
                 wd.error().message());
    }
    return;
  }
  auto& refs = watches_[*wd];
  bool found = false;
  for (auto& ref : refs) {
    if (ref.tree != tree) continue;
    // The same inode watched under another name of this tree (moved within it): the watch
    // is this folder's now.
    if (ref.folder != folder && folders.watch(ref.folder) == *wd) folders.setWatch(ref.folder, -1);
    ref.folder = folder;
    found = true;
  }
  if (!found) refs.push_back({tree, folder});
  folders.setWatch(folder, *wd);
}

void AclKeeperService::unwatched(std::size_t tree, Folder folder, const std::string& why) {
  ++unwatched_;
  if (toldWatchLimit_) return;
  // Once per config: a tree that keeps growing past the cap must not say it at every sweep.
  toldWatchLimit_ = true;
  const std::string path = trees_[tree].tree->absolute(trees_[tree].folders.path(folder));
  alerter_.raise({"warning", "", std::string(event::kWatchLimit), path,
                  why + " at " + path +
                      ": the folders already watched stay watched, the rest are kept by the "
                      "sweep every " +
                      std::to_string(config_.sweepIntervalSec) + " s"});
}

void AclKeeperService::dropWatches(std::size_t tree, Folder folder) {
  trees_[tree].folders.removeSubtree(folder, [&](int wd) {
    auto w = watches_.find(wd);
    if (w == watches_.end()) return;
    std::erase_if(w->second, [tree](const WatchRef& r) { return r.tree == tree; });
    if (w->second.empty()) {
      watches_.erase(w);
      if (inotify_) inotify_->remove(wd);
    }
  });
}

void AclKeeperService::forgetWatch(int wd) {
  auto w = watches_.find(wd);
  if (w == watches_.end()) return;
  const std::vector<WatchRef> refs = std::move(w->second);
  watches_.erase(w);
  for (const auto& ref : refs) {
    FolderIndex& folders = trees_[ref.tree].folders;
    if (folders.watch(ref.folder) == wd) folders.setWatch(ref.folder, -1);
  }
}

void AclKeeperService::onEvent(const InotifyEvent& event) {
  if (!batchOpen_) {
    // The watcher hands over one read of the inotify descriptor event by event; what runs
    // after it on the loop ends the batch.
    batchOpen_ = true;
    boost::asio::post(ctx_.io, life_.guard([this] { endBatch(); }));
  }
  if (event.mask & IN_Q_OVERFLOW) {
    Log::warning("inotify queue overflowed: events were lost; sweeping every tree now",
                 {{journal_key::kEvent, event::kInotifyOverflow}});
    startSweep("overflow");
    return;
  }
  if (event.mask & (IN_IGNORED | IN_ISDIR | IN_MOVE_SELF | IN_DELETE_SELF)) {
    // A folder came, went or moved: a relative path may now name another folder.
    forgetFolders();
  }
  if (event.mask & IN_IGNORED) {
    forgetWatch(event.watch);
    return;
  }
  auto w = watches_.find(event.watch);
  if (w == watches_.end()) return;
  if (w->second.size() == 1 && !(event.mask & (IN_MOVED_FROM | IN_MOVE_SELF | IN_DELETE_SELF))) {
    // The common case; only moves change watches_ while an event is handled.
    onEntryEvent(w->second.front().tree, w->second.front().folder, event);
    return;
  }
  const std::vector<WatchRef> refs = w->second;
  for (const auto& ref : refs) onEntryEvent(ref.tree, ref.folder, event);
}

void AclKeeperService::endBatch() {
  batchOpen_ = false;
  for (auto& t : trees_) t.tree->closePending();
  forgetFolders();
  // STATUS= costs systemd a message: sent when the figures in it changed, not per batch
  // (a sweep's own writes come back as batches of events that change nothing).
  if (eventCounts_.fixed != statusFixed_ || watchCount() != statusWatched_) setStatus();
}

int AclKeeperService::batchFolder(std::size_t tree, Folder folder) {
  // Events come in runs from one folder: the last one answers without a lookup.
  if (cwdFolder_ >= 0 && lastFolder_.first == tree && lastFolder_.second == folder) {
    return cwdFolder_;
  }
  const auto key = std::make_pair(tree, folder);
  auto it = batchFolders_.find(key);
  if (it == batchFolders_.end()) {
    auto fd = trees_[tree].tree->openFolder(trees_[tree].folders.path(folder));
    if (!fd) return -1;
    it = batchFolders_.emplace(key, std::move(*fd)).first;
  }
  const int fd = it->second.get();
  if (cwdFolder_ != fd) {
    if (::fchdir(fd) != 0) return -1;
    cwdFolder_ = fd;
  }
  lastFolder_ = key;
  return fd;
}

void AclKeeperService::forgetFolders() {
  if (cwdFolder_ >= 0) {
    // Back to /, so no tree's filesystem is kept busy by the daemon's working folder.
    if (::chdir("/") != 0) Log::debug("chdir /: " + std::string(std::strerror(errno)));
    cwdFolder_ = -1;
  }
  batchFolders_.clear();
}

void AclKeeperService::onEntryEvent(std::size_t index, Folder folder, const InotifyEvent& event) {
  Tree& t = trees_[index];
  AclTree& tree = *t.tree;
  if (!tree.rootOpen() || t.folders.detached(folder)) return;
  if (event.name.empty()) {
    if (folder == FolderIndex::kRoot && (event.mask & (IN_MOVE_SELF | IN_DELETE_SELF))) {
      // The root itself was renamed or removed: its descriptor now leads elsewhere. The
      // sweep opens the configured path again (or says it is refused).
      tree.closeRoot();
      dropWatches(index, FolderIndex::kRoot);
      startSweep("root moved");
      return;
    }
    // The watched folder itself: its own ACL or mode changed.
    if (event.mask & IN_ATTRIB) {
      if (const int fd = batchFolder(index, folder); fd >= 0) {
        tree.visitSelf(fd, t.folders.path(folder));
      }
    }
    tally(index, false);
    return;
  }
  if ((event.mask & IN_MOVED_FROM) && (event.mask & IN_ISDIR)) {
    // Moved out of the tree, or within it (then IN_MOVED_TO walks it again under its new name).
    if (auto moved = t.folders.find(folder, event.name)) dropWatches(index, *moved);
    return;
  }
  if (!(event.mask & (IN_CREATE | IN_MOVED_TO | IN_ATTRIB))) return;
  const int dir = batchFolder(index, folder);
  if (dir < 0) return;
  const std::string relDir = t.folders.path(folder);
  auto r = tree.visit(dir, relDir, event.name, (event.mask & IN_ISDIR) ? DT_DIR : DT_REG, true);
  if (r.kind == EntryResult::Folder && (event.mask & (IN_CREATE | IN_MOVED_TO))) {
    // A new or moved-in folder: its content and its watches, before any sweep work.
    if (t.folders.depth(folder) + 1 > static_cast<unsigned>(config_.maxDepth)) {
      tree.tooDeep(join(relDir, event.name), static_cast<unsigned>(config_.maxDepth));
    } else {
      const Folder child = t.folders.child(folder, event.name);
      if (r.fresh) t.folders.setFresh(child, true);
      queue(urgent_, index, child);
      scheduleSlice();
    }
  }
  tally(index, false);
}

void AclKeeperService::onFixed(const Drift& drift) {
  report_.metrics().add("openclaw_acl_fixes_total", {});
  report_.changed();
  if (inSweepWork_) {
    if (++sweepFixLogs_ > kFixLogsPerSweep) return;
  } else {
    const auto now = Clock::now();
    if (now - fixLogWindow_ > std::chrono::minutes(1)) {
      if (fixLogsSuppressed_ > 0) {
        Log::notice(std::to_string(fixLogsSuppressed_) +
                        " more ACL fixes in the last minute were not logged one by one",
                    {{journal_key::kEvent, event::kAclFix}});
      }
      fixLogWindow_ = now;
      fixLogsInWindow_ = 0;
      fixLogsSuppressed_ = 0;
    }
    if (++fixLogsInWindow_ > kFixLogsPerMinute) {
      ++fixLogsSuppressed_;
      return;
    }
  }
  const std::string path = drift.path();
  Log::info("ACL fixed on " + path + ": was " + drift.haveText() + ", now " + drift.wantText(),
            {{journal_key::kEvent, event::kAclFix}, {journal_key::kTarget, path}});
  // A fix outside a sweep (a new file) is an action of its own; a sweep's are summed up when it
  // ends.  Both are bounded like the log lines above.
  if (!inSweepWork_) {
    report_.action({std::string(event::kAclFix), path,
                    "ACL set on " + path + " (was " + drift.haveText() + ")", 0});
  }
}

void AclKeeperService::onSkipped(const std::string& path, Skip why, const std::string& detail) {
  if (toldSkipped_.size() >= kMaxToldSkipped ||
      !toldSkipped_.insert(std::hash<std::string>{}(path)).second) {
    return;
  }
  Log::write(why == Skip::Error ? LOG_WARNING : LOG_INFO,
             "skipped " + path + ": " + skipName(why) + ", " + detail,
             {{journal_key::kEvent, event::kAclSkip}, {journal_key::kTarget, path}});
}

void AclKeeperService::setStatus() {
  statusFixed_ = eventCounts_.fixed;
  statusWatched_ = watchCount();
  ctx_.notifier.status(status());
}

std::size_t AclKeeperService::watchCount() const {
  std::size_t watched = 0;
  for (const auto& t : trees_) watched += t.folders.watched();
  return watched;
}

std::string AclKeeperService::status() const {
  std::string s = "watching " + std::to_string(watchCount()) + " folder(s) in " +
                  std::to_string(trees_.size()) + " tree(s)";
  if (unwatched_ > 0) {
    s += " (" + std::to_string(unwatched_) + " over the inotify limit, kept by the sweep)";
  }
  s += sweeping_ ? "; sweeping (" + sweepWhy_ + ")" : "";
  s +=
      "; last sweep " + lastSweep_ + "; " + std::to_string(eventCounts_.fixed) + " fixed on events";
  return s;
}

void AclKeeperService::stop() {
  life_.renew();  // a slice or a batch end already queued does not run
  forgetFolders();
  timer_.cancel();
  inotify_.reset();
  urgent_.clear();
  sweep_.clear();
}

}  // namespace openclaw::aclkeeper
