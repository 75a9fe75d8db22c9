#include "prune.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace openclaw::diskguard {
namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
constexpr unsigned kStatxMask =
    STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_MTIME | STATX_BLOCKS;
// What makes a scanned name stale: its file written or its attributes changed (mtime, link
// count, mode), or a name created or moved in, which may replace it.  Removals are not
// watched: the prune's own would only fill the queue.
constexpr std::uint32_t kChangeMask =
    IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR | IN_EXCL_UNLINK;
// Deeper than this is not a session folder: not entered (and no stack to exhaust).
constexpr int kMaxDepth = 64;
// Open folders kept while removing; more are reopened from the root.
constexpr std::size_t kMaxOpenFolders = 256;
// Folders with candidates kept open from the scan for the removal, per plan.
constexpr std::size_t kKeptFolders = 256;
// When every candidate goes and there are at least this many, two threads remove them.
constexpr std::size_t kParallelFrom = 4096;

dev_t devOf(const struct statx& st) {
  return makedev(st.stx_dev_major, st.stx_dev_minor);
}

bool isMountRoot(const struct statx& st) {
  return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

std::int64_t mtimeNs(const struct statx& st) {
  return st.stx_mtime.tv_sec * 1000000000LL + st.stx_mtime.tv_nsec;
}

std::string join(const std::string& rel, const std::string& name) {
  return rel.empty() ? name : rel + '/' + name;
}

bool matches(const std::vector<std::string>& patterns, const std::string& name) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (::fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

// Whether `fd` is a folder on `device`, not a mount root; its inode number goes to `ino`.
bool sameTreeFolder(int fd, dev_t device, std::uint64_t& ino) {
  struct statx st;
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_INO, &st) != 0 || !S_ISDIR(st.stx_mode) ||
      devOf(st) != device || isMountRoot(st)) {
    return false;
  }
  ino = st.stx_ino;
  return true;
}

// A second thread for the scan's statx calls: run() hands it a job, wait() waits for it.
class Helper {
 public:
  Helper() = default;
  Helper(const Helper&) = delete;
  Helper& operator=(const Helper&) = delete;
  ~Helper() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard guard(lock_);
      quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void run(std::function<void()> job) {
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    {
      std::lock_guard guard(lock_);
      job_ = std::move(job);
    }
    wake_.notify_all();
  }
  void wait() {
    std::unique_lock guard(lock_);
    wake_.wait(guard, [&] { return !job_; });
  }

 private:
  void loop() {
    std::unique_lock guard(lock_);
    for (;;) {
      wake_.wait(guard, [&] { return quit_ || job_; });
      if (!job_) return;  // quit
      guard.unlock();
      job_();
      guard.lock();
      job_ = nullptr;
      wake_.notify_all();
    }
  }

  std::thread thread_;
  std::mutex lock_;
  std::condition_variable wake_;
  std::function<void()> job_;
  bool quit_ = false;
};

// Walks the tree on one thread, listing folders and opening subfolders, and collects the
// regular files of listed folders; their statx calls are made in batches, by two threads when
// a batch is large, and each folder's candidates are chosen once its files are known.
class Scanner {
 public:
  Scanner(PrunePlan& plan, std::int64_t cutoffNs, const std::atomic<bool>* cancel)
      : plan_(plan), cutoffNs_(cutoffNs), cancel_(cancel), buffer_(32 * 1024) {}

  void folder(int fd, std::uint32_t index, int depth) {
    if (cancel_ && cancel_->load(std::memory_order_relaxed)) return;
    watch(fd, index);
    std::vector<std::string> subfolders;
    PendingFolder pending{index, fd, {}, files_.size(), 0};
    std::uint64_t entries = 0;
    for (;;) {
      const ssize_t n = ::getdents64(fd, buffer_.data(), buffer_.size());
      if (n <= 0) break;  // the end, or the folder is gone: what was listed is scanned
      forEachDirRecord(buffer_.data(), static_cast<std::size_t>(n),
                       [&](const char* name, unsigned char type) {
                         ++entries;
                         sortName(fd, name, type, subfolders, pending.slot);
                       });
    }
    plan_.folders[index].entries = entries;
    pending.end = files_.size();
    pending.slot = folders_.size();
    for (std::size_t i = pending.begin; i < pending.end; ++i) files_[i].folder = pending.slot;
    folders_.push_back(std::move(pending));
    if (files_.size() >= kBatchFiles || folders_.size() >= kBatchFolders) flush();
    if (depth >= kMaxDepth) return;
    for (const auto& name : subfolders) {
      UniqueFd sub(::openat(fd, name.c_str(), kFolderFlags));
      std::uint64_t ino = 0;
      if (!sub || !sameTreeFolder(sub.get(), plan_.device, ino)) {
        ++plan_.skipped;  // replaced by a symlink, removed since the listing, or a mount
        continue;
      }
      const auto subIndex = static_cast<std::uint32_t>(plan_.folders.size());
      plan_.folders.push_back({join(plan_.folders[index].rel, name), index, ino, 0, false, {}});
      hasCandidates_.push_back(false);
      folder(sub.get(), subIndex, depth + 1);
      release(std::move(sub), subIndex);
    }
  }

  // Chooses the candidates of every folder listed so far.
  void flush() {
    const std::size_t n = files_.size();
    if (n >= kParallelFiles) {
      helper_.run([this, n] { statFiles(n / 2, n); });
      statFiles(0, n / 2);
      helper_.wait();
    } else {
      statFiles(0, n);
    }
    for (auto& f : folders_) {
      choose(f);
      if (f.owned) release(std::move(f.owned), f.index);
    }
    files_.clear();
    folders_.clear();
  }

 private:
  struct PendingFile {
    std::string name;
    std::size_t folder = 0;  // slot in folders_
    enum class Kind { Unknown, File, Skipped, Gone } kind = Kind::Unknown;
    std::int64_t mtime = 0;
    std::uint64_t bytes = 0;
    std::uint64_t ino = 0;
  };
  struct PendingFolder {
    std::uint32_t index;
    int fd;          // open until its files are chosen: by folder()'s caller, or `owned`
    UniqueFd owned;  // handed over when folder() returned before the flush
    std::size_t begin;
    std::size_t end;
    std::size_t slot = 0;
  };

  static constexpr std::size_t kBatchFiles = 4096;
  static constexpr std::size_t kBatchFolders = 64;  // bounds the folders held open
  static constexpr std::size_t kParallelFiles = 512;

  // A listed name: a folder to enter, a file to look at, or something never looked behind.
  void sortName(int fd, const char* name, unsigned char type, std::vector<std::string>& subfolders,
                std::size_t slot) {
    switch (type) {
      case DT_DIR:
        subfolders.emplace_back(name);
        break;
      case DT_UNKNOWN:  // a file system without types: statx tells
        if (isFolder(fd, name)) {
          subfolders.emplace_back(name);
          break;
        }
        [[fallthrough]];
      case DT_REG:
        if (matches(plan_.rule.patterns, name)) files_.push_back({name, slot});
        break;
      default:  // symlinks, FIFOs, sockets, devices
        ++plan_.skipped;
    }
  }

  static bool isFolder(int fd, const char* name) {
    struct statx st;
    return ::statx(fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &st) == 0 &&
           S_ISDIR(st.stx_mode);
  }

  // statx of files_[from, to); each in its folder, by descriptor, opening nothing.
  void statFiles(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      PendingFile& f = files_[i];
      struct statx st;
      if (::statx(folders_[f.folder].fd, f.name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
                  kStatxMask, &st) != 0) {
        f.kind = PendingFile::Kind::Gone;  // since the listing
      } else if (!S_ISREG(st.stx_mode) || st.stx_nlink != 1 || devOf(st) != plan_.device ||
                 isMountRoot(st)) {
        // A hard-linked file frees nothing and may be someone's on purpose; the others are
        // not files this rule is about (a folder here became one after the listing).
        f.kind = PendingFile::Kind::Skipped;
      } else {
        f.kind = PendingFile::Kind::File;
        f.mtime = mtimeNs(st);
        f.bytes = st.stx_blocks * 512ULL;
        f.ino = st.stx_ino;
      }
    }
  }

  // The folder's keep_newest newest stay, however old; of the rest, the old go.
  void choose(PendingFolder& folder) {
    std::vector<PendingFile*> files;
    for (std::size_t i = folder.begin; i < folder.end; ++i) {
      PendingFile& f = files_[i];
      if (f.kind == PendingFile::Kind::Skipped) ++plan_.skipped;
      if (f.kind == PendingFile::Kind::File) files.push_back(&f);
    }
    plan_.files += files.size();
    std::sort(files.begin(), files.end(),
              [](const PendingFile* a, const PendingFile* b) { return a->mtime > b->mtime; });
    for (std::size_t i = 0; i < files.size(); ++i) {
      PendingFile& f = *files[i];
      if (f.mtime >= cutoffNs_) continue;
      if (i < static_cast<std::size_t>(plan_.rule.keepNewest)) {
        ++plan_.keptNewest;
        continue;
      }
      plan_.candidateBytes += f.bytes;
      plan_.candidates.push_back({folder.index, std::move(f.name), f.mtime, f.bytes, f.ino});
      hasCandidates_[folder.index] = true;
    }
  }

  // folder() is done with a subfolder's descriptor: it waits for the folder's files to be
  // chosen, then is kept for the removal when the folder has candidates (the removal then
  // works in the very folder that was scanned and watched), or closed.
  void release(UniqueFd fd, std::uint32_t index) {
    for (auto& f : folders_) {
      if (f.index == index) {
        f.owned = std::move(fd);
        return;
      }
    }
    if (plan_.changes && hasCandidates_[index] && kept_ < kKeptFolders) {
      plan_.folders[index].fd = std::move(fd);
      ++kept_;
    }
  }

  // Watches the folder open as `fd` (the inode itself, through /proc/self/fd) before it is
  // listed.  Without a watch (the kernel's limit) its candidates are checked with statx.
  void watch(int fd, std::uint32_t index) {
    if (!plan_.changes) return;
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    const int wd = ::inotify_add_watch(plan_.changes.get(), path.c_str(), kChangeMask);
    if (wd < 0) return;
    plan_.folders[index].watched = true;
    plan_.watchFolder[wd] = index;
  }

  PrunePlan& plan_;
  std::int64_t cutoffNs_;
  const std::atomic<bool>* cancel_;
  std::vector<char> buffer_;
  std::vector<PendingFile> files_;
  std::vector<PendingFolder> folders_;
  std::vector<bool> hasCandidates_{false};  // by folder index; the root's first
  std::size_t kept_ = 0;
  Helper helper_;
};

// Opens a folder of a plan by its relative path from the plan's open root, through folders
// only and on the root's mount only; `ino` is set to the folder found.
UniqueFd openFolder(int rootFd, const std::string& rel, std::uint64_t& ino) {
  PathRules rules;
  rules.sameMount = true;
  auto fd = openFolderBelow(rootFd, rel, rules);
  struct statx st;
  if (!fd || ::statx(fd->get(), "", AT_EMPTY_PATH, STATX_INO, &st) != 0) return UniqueFd();
  ino = st.stx_ino;
  return std::move(*fd);
}

// What the inotify events have said since the scan, for one plan.
struct Changes {
  bool overflowed = false;                                // events were lost: every name is checked
  std::set<std::uint32_t> unwatched;                      // folders whose watch has gone
  std::set<std::pair<std::uint32_t, std::string>> names;  // (folder, name) changed

  void read(PrunePlan& plan) {
    if (!plan.changes) return;
    alignas(struct inotify_event) char buffer[16 * 1024];
    for (;;) {
      const ssize_t n = ::read(plan.changes.get(), buffer, sizeof buffer);
      if (n <= 0) return;  // EAGAIN: nothing more
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const struct inotify_event*>(buffer + at);
        at += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
        if (e->mask & IN_Q_OVERFLOW) {
          overflowed = true;
          continue;
        }
        const auto it = plan.watchFolder.find(e->wd);
        if (it == plan.watchFolder.end()) continue;
        if (e->mask & IN_IGNORED) {
          unwatched.insert(it->second);  // the folder itself is gone
          continue;
        }
        if (e->len > 0) names.emplace(it->second, e->name);
      }
    }
  }
  bool known(const PrunePlan& plan, const PruneCandidate& c) const {
    return plan.changes && !overflowed && plan.folders[c.folder].watched &&
           !unwatched.contains(c.folder) && !names.contains({c.folder, c.name});
  }
};

int depthOf(const std::string& rel) {
  return rel.empty() ? 0 : 1 + static_cast<int>(std::count(rel.begin(), rel.end(), '/'));
}

}  // namespace

std::string displayPath(const PrunePlan& plan, std::uint32_t folder, const std::string& name) {
  std::string out = plan.rule.path;
  const std::string& rel = plan.folders[folder].rel;
  if (!rel.empty()) out += '/' + rel;
  if (!name.empty()) out += '/' + name;
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

PathResult<UniqueFd> openPruneRoot(const PruneRule& rule) {
  return openFolderPath(rule.path);
}

Result<PrunePlan> scanPrune(const PruneRule& rule, UniqueFd root, std::int64_t nowNs, ScanFor use,
                            const std::atomic<bool>* cancel) {
  PrunePlan plan;
  plan.rule = rule;
  if (!root) return fromErrno(EBADF);
  struct statx st;
  if (::statx(root.get(), "", AT_EMPTY_PATH, STATX_TYPE | STATX_INO, &st) != 0) {
    return fromErrno();
  }
  plan.device = devOf(st);
  plan.folders.push_back({"", 0, st.stx_ino, 0, false, {}});
  if (use == ScanFor::Removal) {
    // Without an instance (the kernel's limit) every candidate is checked with statx.
    plan.changes = UniqueFd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  }
  const std::int64_t cutoff = nowNs - rule.olderThanDays * 86400LL * 1000000000LL;
  Scanner scanner(plan, cutoff, cancel);
  scanner.folder(root.get(), 0, 0);
  scanner.flush();
  if (use == ScanFor::Removal) plan.folders[0].fd = std::move(root);  // every removal starts here
  return plan;
}

namespace {

struct Open {
  int fd = -1;
  UniqueFd owned;     // fd, when it was opened here
  bool same = false;  // the folder scanned, not another one put in its place
};

// A folder kept open from the scan, or else one opened again by its path.
Open openScanned(const PrunePlan& plan, std::uint32_t f) {
  Open o;
  const PruneFolder& folder = plan.folders[f];
  if (folder.fd) {
    o.fd = folder.fd.get();
    o.same = true;
    return o;
  }
  const PruneFolder& root = plan.folders[0];
  if (!root.fd) return o;  // not scanned for removal
  std::uint64_t ino = 0;
  o.owned = openFolder(root.fd.get(), folder.rel, ino);
  o.fd = o.owned.get();
  o.same = o.owned && ino == folder.ino;
  return o;
}

using Key = std::pair<std::size_t, std::uint32_t>;  // (plan, folder)

// What the removers share: the plans, the change events and the callback.
struct Shared {
  std::vector<PrunePlan>& plans;
  const std::function<void(const PrunePlan&, const PruneCandidate&)>& removed;
  std::vector<std::vector<std::uint64_t>> left;  // names left in each folder
  std::mutex lock;                               // guards changes, lastRead and `removed`
  std::vector<Changes> changes;
  // The events are read before the first removal, then once kChangeWindow has passed.
  std::chrono::steady_clock::time_point lastRead =
      std::chrono::steady_clock::now() - 2 * kChangeWindow;

  Shared(std::vector<PrunePlan>& p,
         const std::function<void(const PrunePlan&, const PruneCandidate&)>& r)
      : plans(p), removed(r), left(p.size()), changes(p.size()) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      for (const auto& f : p[i].folders) left[i].push_back(f.entries);
    }
  }
  // Whether the events vouch for the candidate being as it was scanned.
  bool unchanged(std::size_t p, const PruneCandidate& c) {
    std::lock_guard guard(lock);
    const auto now = std::chrono::steady_clock::now();
    if (now - lastRead >= kChangeWindow) {
      for (std::size_t i = 0; i < plans.size(); ++i) changes[i].read(plans[i]);
      lastRead = now;
    }
    return changes[p].known(plans[p], c);
  }
};

// Removes candidates one at a time, with its own open folders.
class Remover {
 public:
  explicit Remover(Shared& shared) : shared_(shared) {}

  void remove(std::size_t p, const PruneCandidate& c) {
    const PrunePlan& plan = shared_.plans[p];
    const Key key{p, c.folder};
    auto it = open_.find(key);
    if (it == open_.end()) {
      if (open_.size() >= kMaxOpenFolders) open_.clear();
      it = open_.emplace(key, openScanned(plan, c.folder)).first;
    }
    const int dirFd = it->second.fd;
    if (dirFd < 0) {
      ++out.changed;
      return;
    }
    if (!it->second.same || !shared_.unchanged(p, c)) {
      // No word from inotify on this name: look at it again.
      ++out.rechecked;
      struct statx st;
      if (::statx(dirFd, c.name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kStatxMask, &st) !=
              0 ||
          !S_ISREG(st.stx_mode) || st.stx_nlink != 1 || st.stx_ino != c.ino ||
          mtimeNs(st) != c.mtimeNs) {
        ++out.changed;
        return;
      }
    }
    if (::unlinkat(dirFd, c.name.c_str(), 0) != 0) {
      ++out.changed;
      return;
    }
    ++out.removed;
    out.freedBytes += c.bytes;
    // Folders are never shared between removers: this count is this remover's alone.
    auto& left = shared_.left[p][c.folder];
    if (it->second.same && left > 0) --left;
    touched.insert(key);
    std::lock_guard guard(shared_.lock);
    shared_.removed(plan, c);
  }

  PruneOutcome out;
  std::set<Key> touched;

 private:
  Shared& shared_;
  std::map<Key, Open> open_;
};

// Visits the candidates of all plans, each plan's in its own order, the plan whose next one is
// the oldest first, while `more()` holds.
void visitOldestFirst(std::vector<PrunePlan>& plans, const std::function<bool()>& more,
                      const std::function<void(std::size_t, const PruneCandidate&)>& visit) {
  std::vector<std::size_t> next(plans.size(), 0);
  while (more()) {
    std::size_t pick = plans.size();
    for (std::size_t p = 0; p < plans.size(); ++p) {
      if (next[p] >= plans[p].candidates.size()) continue;
      if (pick == plans.size() ||
          plans[p].candidates[next[p]].mtimeNs < plans[pick].candidates[next[pick]].mtimeNs) {
        pick = p;
      }
    }
    if (pick == plans.size()) return;
    visit(pick, plans[pick].candidates[next[pick]++]);
  }
}

}  // namespace

PruneOutcome removeOldest(
    std::vector<PrunePlan>& plans, const std::function<bool(std::uint64_t)>& enough, bool dryRun,
    const std::function<void(const PrunePlan&, const PruneCandidate&)>& removed,
    const std::atomic<bool>* cancel) {
  const auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
  std::uint64_t total = 0;
  std::size_t count = 0;
  for (const auto& plan : plans) {
    total += plan.candidateBytes;
    count += plan.candidates.size();
  }
  const bool all = !enough(total);
  if (!all) {
    // Only some go: the oldest.  (When every candidate goes, the order does not matter and
    // they stay in scan order, folder by folder: one open folder at a time.)
    for (auto& plan : plans) {
      std::stable_sort(
          plan.candidates.begin(), plan.candidates.end(),
          [](const PruneCandidate& a, const PruneCandidate& b) { return a.mtimeNs < b.mtimeNs; });
    }
  }
  if (dryRun) {
    PruneOutcome out;
    visitOldestFirst(
        plans, [&] { return !enough(out.freedBytes) && !cancelled(); },
        [&](std::size_t p, const PruneCandidate& c) {
          ++out.removed;
          out.freedBytes += c.bytes;
          removed(plans[p], c);
        });
    out.cancelled = cancelled();
    return out;
  }

  Shared shared(plans, removed);
  Remover first(shared);
  Remover second(shared);
  const bool twoRemovers = all && count >= kParallelFrom;
  if (twoRemovers) {
    // Every candidate goes: two removers, each with its own folders (split at a folder
    // boundary near the middle), so the disk is freed on two cores.
    std::vector<std::pair<std::size_t, std::size_t>> work;  // (plan, candidate)
    work.reserve(count);
    for (std::size_t p = 0; p < plans.size(); ++p) {
      for (std::size_t i = 0; i < plans[p].candidates.size(); ++i) work.emplace_back(p, i);
    }
    const auto folderOf = [&](std::size_t w) {
      return Key{work[w].first, plans[work[w].first].candidates[work[w].second].folder};
    };
    std::size_t half = work.size() / 2;
    while (half < work.size() && folderOf(half) == folderOf(half - 1)) ++half;
    const auto run = [&](Remover& r, std::size_t from, std::size_t to) {
      for (std::size_t w = from; w < to && !cancelled(); ++w) {
        r.remove(work[w].first, plans[work[w].first].candidates[work[w].second]);
      }
    };
    std::thread helper([&] { run(second, half, work.size()); });
    run(first, 0, half);
    helper.join();
  } else {
    // Oldest first across the plans (or all, folder by folder), until enough is freed.
    visitOldestFirst(
        plans, [&] { return !enough(first.out.freedBytes) && !cancelled(); },
        [&](std::size_t p, const PruneCandidate& c) { first.remove(p, c); });
  }
  PruneOutcome out = first.out;
  out.removers = twoRemovers ? 2 : 1;
  out.cancelled = cancelled();
  out.removed += second.out.removed;
  out.freedBytes += second.out.freedBytes;
  out.changed += second.out.changed;
  out.rechecked += second.out.rechecked;
  std::set<Key> touched = std::move(first.touched);
  touched.insert(second.touched.begin(), second.touched.end());
  auto& left = shared.left;

  // Folders emptied by the removals, deepest first, so a parent emptied in turn goes too.
  // Only a folder whose every scanned name is gone is tried: the others still hold files.
  std::vector<Key> order(touched.begin(), touched.end());
  std::sort(order.begin(), order.end(), [&](const Key& a, const Key& b) {
    return depthOf(plans[a.first].folders[a.second].rel) >
           depthOf(plans[b.first].folders[b.second].rel);
  });
  for (const auto& [p, start] : order) {
    // Up from the folder a file was removed from, while each is empty; never a prune root.
    std::uint32_t f = start;
    while (f != 0 && left[p][f] == 0) {
      const PruneFolder& folder = plans[p].folders[f];
      const std::string name = folder.rel.substr(folder.rel.rfind('/') + 1);
      const Open parent = openScanned(plans[p], folder.parent);
      struct statx st;
      if (!parent.same ||
          ::statx(parent.fd, name.c_str(), AT_SYMLINK_NOFOLLOW, STATX_INO, &st) != 0 ||
          st.stx_ino != folder.ino || ::unlinkat(parent.fd, name.c_str(), AT_REMOVEDIR) != 0) {
        break;
      }
      ++out.foldersRemoved;
      left[p][f] = 1;  // gone: not tried again from another child
      if (left[p][folder.parent] > 0) --left[p][folder.parent];
      f = folder.parent;
    }
  }
  return out;
}

}  // namespace openclaw::diskguard
