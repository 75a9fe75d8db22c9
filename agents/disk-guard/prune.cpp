#include "prune.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

#include "openclaw/handles.h"

namespace openclaw::diskguard {
namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
constexpr unsigned kStatxMask =
    STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_MTIME | STATX_BLOCKS;
// Deeper than this is not a session folder: not entered (and no stack to exhaust).
constexpr int kMaxDepth = 64;
// Open folders kept while removing; more are reopened from the root.
constexpr std::size_t kMaxOpenFolders = 256;

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

class Scanner {
 public:
  Scanner(PrunePlan& plan, std::int64_t cutoffNs) : plan_(plan), cutoffNs_(cutoffNs) {}

  void folder(int fd, std::uint32_t index, int depth) {
    struct Entry {
      std::string name;
      unsigned char type;
    };
    std::vector<Entry> entries;
    {
      UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
      DIR* dir = dup ? ::fdopendir(dup.get()) : nullptr;
      if (!dir) return;
      static_cast<void>(dup.release());
      while (const dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") entries.push_back({std::move(name), e->d_type});
      }
      ::closedir(dir);
    }
    struct File {
      std::string name;
      std::int64_t mtime;
      std::uint64_t bytes;
      std::uint64_t ino;
    };
    std::vector<File> files;
    std::vector<std::string> subfolders;
    for (auto& e : entries) {
      if (e.type == DT_LNK || e.type == DT_FIFO || e.type == DT_SOCK || e.type == DT_CHR ||
          e.type == DT_BLK) {
        ++plan_.skipped;
        continue;
      }
      if (e.type == DT_DIR) {
        subfolders.push_back(std::move(e.name));
        continue;
      }
      struct statx st;
      if (::statx(fd, e.name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kStatxMask, &st) !=
          0) {
        continue;  // gone since the listing
      }
      if (S_ISDIR(st.stx_mode)) {
        subfolders.push_back(std::move(e.name));
        continue;
      }
      if (!S_ISREG(st.stx_mode) || st.stx_nlink != 1 || devOf(st) != plan_.device ||
          isMountRoot(st)) {
        // A hard-linked file frees nothing and may be someone's on purpose; the others are
        // not files this rule is about.
        ++plan_.skipped;
        continue;
      }
      if (!matches(plan_.rule.patterns, e.name)) continue;
      ++plan_.files;
      files.push_back({std::move(e.name), mtimeNs(st), st.stx_blocks * 512ULL, st.stx_ino});
    }
    // The folder's keep_newest newest stay, however old; of the rest, the old go.
    std::sort(files.begin(), files.end(),
              [](const File& a, const File& b) { return a.mtime > b.mtime; });
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (files[i].mtime >= cutoffNs_) continue;
      if (i < static_cast<std::size_t>(plan_.rule.keepNewest)) {
        ++plan_.keptNewest;
        continue;
      }
      plan_.candidateBytes += files[i].bytes;
      plan_.candidates.push_back(
          {index, std::move(files[i].name), files[i].mtime, files[i].bytes, files[i].ino});
    }
    if (depth >= kMaxDepth) return;
    for (const auto& name : subfolders) {
      UniqueFd sub(::openat(fd, name.c_str(), kFolderFlags));
      if (!sub) {
        ++plan_.skipped;  // replaced by a symlink or removed since the listing
        continue;
      }
      struct statx st;
      if (::statx(sub.get(), "", AT_EMPTY_PATH, STATX_TYPE, &st) != 0 ||
          devOf(st) != plan_.device || isMountRoot(st)) {
        ++plan_.skipped;
        continue;
      }
      const auto subIndex = static_cast<std::uint32_t>(plan_.folders.size());
      plan_.folders.push_back(join(plan_.folders[index], name));
      folder(sub.get(), subIndex, depth + 1);
    }
  }

 private:
  PrunePlan& plan_;
  std::int64_t cutoffNs_;
};

// Opens a folder of a plan by its relative path, one O_NOFOLLOW component at a time, on the
// plan's device only.
UniqueFd openFolder(const PrunePlan& plan, const std::string& rel) {
  UniqueFd cur(::open(plan.rule.path.c_str(), kFolderFlags));
  std::size_t start = 0;
  while (cur && start < rel.size()) {
    auto end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    const std::string part = rel.substr(start, end - start);
    UniqueFd next(::openat(cur.get(), part.c_str(), kFolderFlags));
    struct statx st;
    if (!next || ::statx(next.get(), "", AT_EMPTY_PATH, STATX_TYPE, &st) != 0 ||
        devOf(st) != plan.device || isMountRoot(st)) {
      return UniqueFd();
    }
    cur = std::move(next);
    start = end + 1;
  }
  return cur;
}

}  // namespace

std::string displayPath(const PrunePlan& plan, std::uint32_t folder, const std::string& name) {
  std::string out = plan.rule.path;
  const std::string& rel = plan.folders[folder];
  if (!rel.empty()) out += '/' + rel;
  if (!name.empty()) out += '/' + name;
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

Result<PrunePlan> scanPrune(const PruneRule& rule, std::int64_t nowNs) {
  PrunePlan plan;
  plan.rule = rule;
  UniqueFd root(::open(rule.path.c_str(), kFolderFlags));
  if (!root) return fromErrno();
  struct statx st;
  if (::statx(root.get(), "", AT_EMPTY_PATH, STATX_TYPE, &st) != 0) return fromErrno();
  plan.device = devOf(st);
  plan.folders.push_back("");
  const std::int64_t cutoff = nowNs - rule.olderThanDays * 86400LL * 1000000000LL;
  Scanner(plan, cutoff).folder(root.get(), 0, 0);
  std::sort(plan.candidates.begin(), plan.candidates.end(),
            [](const PruneCandidate& a, const PruneCandidate& b) { return a.mtimeNs < b.mtimeNs; });
  return plan;
}

PruneOutcome removeOldest(
    std::vector<PrunePlan>& plans, const std::function<bool(std::uint64_t)>& enough, bool dryRun,
    const std::function<void(const PrunePlan&, const PruneCandidate&)>& removed) {
  PruneOutcome out;
  std::uint64_t total = 0;
  for (const auto& plan : plans) total += plan.candidateBytes;
  if (!enough(total)) {
    // Every candidate goes whatever the order: folder by folder then, one open each,
    // instead of hopping between folders by age.
    for (auto& plan : plans) {
      std::stable_sort(
          plan.candidates.begin(), plan.candidates.end(),
          [](const PruneCandidate& a, const PruneCandidate& b) { return a.folder < b.folder; });
    }
  }
  // Every plan's candidates are sorted oldest first (or by folder, above): merge them.
  std::vector<std::size_t> next(plans.size(), 0);
  std::map<std::pair<std::size_t, std::uint32_t>, UniqueFd> open;
  std::set<std::pair<std::size_t, std::uint32_t>> touched;
  while (!enough(out.freedBytes)) {
    std::size_t pick = plans.size();
    for (std::size_t p = 0; p < plans.size(); ++p) {
      if (next[p] >= plans[p].candidates.size()) continue;
      if (pick == plans.size() ||
          plans[p].candidates[next[p]].mtimeNs < plans[pick].candidates[next[pick]].mtimeNs) {
        pick = p;
      }
    }
    if (pick == plans.size()) break;
    PrunePlan& plan = plans[pick];
    const PruneCandidate& c = plan.candidates[next[pick]++];
    if (dryRun) {
      ++out.removed;
      out.freedBytes += c.bytes;
      removed(plan, c);
      continue;
    }
    const auto key = std::make_pair(pick, c.folder);
    auto it = open.find(key);
    if (it == open.end()) {
      if (open.size() >= kMaxOpenFolders) open.clear();
      it = open.emplace(key, openFolder(plan, plan.folders[c.folder])).first;
    }
    const int dirFd = it->second.get();
    struct statx st;
    if (dirFd < 0 ||
        ::statx(dirFd, c.name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kStatxMask, &st) !=
            0 ||
        !S_ISREG(st.stx_mode) || st.stx_nlink != 1 || st.stx_ino != c.ino ||
        mtimeNs(st) != c.mtimeNs) {
      ++out.changed;
      continue;
    }
    if (::unlinkat(dirFd, c.name.c_str(), 0) != 0) {
      ++out.changed;
      continue;
    }
    ++out.removed;
    out.freedBytes += c.bytes;
    touched.insert(key);
    removed(plan, c);
  }
  open.clear();
  if (dryRun) return out;
  // Folders emptied by the removals, deepest first, so a parent emptied in turn goes too.
  std::vector<std::pair<std::size_t, std::uint32_t>> order(touched.begin(), touched.end());
  const auto depth = [&](const std::pair<std::size_t, std::uint32_t>& k) {
    const auto& rel = plans[k.first].folders[k.second];
    return rel.empty() ? 0 : 1 + std::count(rel.begin(), rel.end(), '/');
  };
  std::sort(order.begin(), order.end(),
            [&](const auto& a, const auto& b) { return depth(a) > depth(b); });
  for (const auto& [p, f] : order) {
    // Up from the folder a file was removed from, while each is empty; never a prune root.
    std::string rel = plans[p].folders[f];
    while (!rel.empty()) {
      const auto slash = rel.rfind('/');
      const std::string parent = slash == std::string::npos ? "" : rel.substr(0, slash);
      const std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
      UniqueFd parentFd = openFolder(plans[p], parent);
      if (!parentFd || ::unlinkat(parentFd.get(), name.c_str(), AT_REMOVEDIR) != 0) break;
      ++out.foldersRemoved;
      rel = parent;
    }
  }
  return out;
}

}  // namespace openclaw::diskguard
