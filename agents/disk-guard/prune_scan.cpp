#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "prune.h"
#include "prune_fs.h"

namespace openclaw::diskguard {
namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
// What makes a scanned name stale: its file written or its attributes changed (mtime, link
// count, mode), or a name created or moved in, which may replace it.  Removals are not
// watched: the prune's own would only fill the queue.
constexpr std::uint32_t kChangeMask =
    IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR | IN_EXCL_UNLINK;
// Deeper than this is not a session folder: not entered (and no stack to exhaust).
constexpr int kMaxDepth = 64;
// Folders with candidates kept open from the scan for the removal, per plan.
constexpr std::size_t kKeptFolders = 256;

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
      deviceOf(st) != device || isMountRoot(st)) {
    return false;
  }
  ino = st.stx_ino;
  return true;
}

// A second thread for the scan's statx calls: run() hands it a job, wait() waits for it.
class StatxWorker {
 public:
  StatxWorker() = default;
  StatxWorker(const StatxWorker&) = delete;
  StatxWorker& operator=(const StatxWorker&) = delete;
  // The jthread's destructor asks the loop to stop, which wakes its wait, and joins it.
  ~StatxWorker() = default;
  void run(std::function<void()> job) {
    if (!thread_.joinable()) {
      thread_ = std::jthread([this](const std::stop_token& stop) { loop(stop); });
    }
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
  void loop(const std::stop_token& stop) {
    std::unique_lock guard(lock_);
    for (;;) {
      wake_.wait(guard, stop, [&] { return static_cast<bool>(job_); });
      if (!job_) return;  // stop requested
      guard.unlock();
      job_();
      guard.lock();
      job_ = nullptr;
      wake_.notify_all();
    }
  }

  std::mutex lock_;
  std::condition_variable_any wake_;
  std::function<void()> job_;
  std::jthread thread_;  // last: joined before the members it uses are gone
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
      statxWorker_.run([this, n] { statFiles(n / 2, n); });
      statFiles(0, n / 2);
      statxWorker_.wait();
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
                  kPruneStatxMask, &st) != 0) {
        f.kind = PendingFile::Kind::Gone;  // since the listing
      } else if (!S_ISREG(st.stx_mode) || st.stx_nlink != 1 || deviceOf(st) != plan_.device ||
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
  StatxWorker statxWorker_;
};

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
  plan.device = deviceOf(st);
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

}  // namespace openclaw::diskguard
