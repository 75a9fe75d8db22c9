#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "prune.h"
#include "prune_changes.h"
#include "prune_fs.h"

namespace openclaw::diskguard {
namespace {

// Open folders kept while removing; more are reopened from the root.
constexpr std::size_t kMaxOpenFolders = 256;
// When every candidate goes and there are at least this many, two threads remove them.
constexpr std::size_t kParallelFrom = 4096;

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

int depthOf(const std::string& rel) {
  return rel.empty() ? 0 : 1 + static_cast<int>(std::count(rel.begin(), rel.end(), '/'));
}

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

using Removed = std::function<void(const PrunePlan&, const PruneCandidate&)>;

// What the removers share: the plans, the change window and the callback.
struct Shared {
  std::vector<PrunePlan>& plans;
  const Removed& removed;
  std::vector<std::vector<std::uint64_t>> left;  // names left in each folder
  ChangeWindow changes;
  std::mutex lock;  // guards `removed`

  Shared(std::vector<PrunePlan>& p, const Removed& r, const Clock& clock)
      : plans(p), removed(r), left(p.size()), changes(p, clock) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      for (const auto& f : p[i].folders) left[i].push_back(f.entries);
    }
  }
};

// Whether `name` in `dirFd` is still the candidate scanned: same inode, a regular file with
// one link, mtime unchanged.
bool stillAsScanned(int dirFd, const PruneCandidate& c) {
  struct statx st;
  return ::statx(dirFd, c.name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kPruneStatxMask,
                 &st) == 0 &&
         S_ISREG(st.stx_mode) && st.stx_nlink == 1 && st.stx_ino == c.ino &&
         mtimeNs(st) == c.mtimeNs;
}

// Removes candidates one at a time, with its own open folders.
class Remover {
 public:
  explicit Remover(Shared& shared) : shared_(shared) {}

  void remove(std::size_t p, const PruneCandidate& c) {
    const PrunePlan& plan = shared_.plans[p];
    const Key key{p, c.folder};
    const Open& folder = openFor(key);
    const int dirFd = folder.fd;
    if (dirFd < 0) {
      ++out.changed;
      return;
    }
    if (!folder.same || !shared_.changes.unchanged(p, c)) {
      // No word from inotify on this name: look at it again.
      ++out.rechecked;
      if (!stillAsScanned(dirFd, c)) {
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
    if (folder.same && left > 0) --left;
    touched.insert(key);
    std::lock_guard guard(shared_.lock);
    shared_.removed(plan, c);
  }

  PruneOutcome out;
  std::set<Key> touched;

 private:
  const Open& openFor(const Key& key) {
    auto it = open_.find(key);
    if (it == open_.end()) {
      if (open_.size() >= kMaxOpenFolders) open_.clear();
      it = open_.emplace(key, openScanned(shared_.plans[key.first], key.second)).first;
    }
    return it->second;
  }

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

struct Totals {
  std::uint64_t bytes = 0;
  std::size_t count = 0;
};

Totals totalsOf(const std::vector<PrunePlan>& plans) {
  Totals t;
  for (const auto& plan : plans) {
    t.bytes += plan.candidateBytes;
    t.count += plan.candidates.size();
  }
  return t;
}

// Only some go: the oldest.  (When every candidate goes, the order does not matter and they
// stay in scan order, folder by folder: one open folder at a time.)
void sortOldestFirst(std::vector<PrunePlan>& plans) {
  for (auto& plan : plans) {
    std::stable_sort(
        plan.candidates.begin(), plan.candidates.end(),
        [](const PruneCandidate& a, const PruneCandidate& b) { return a.mtimeNs < b.mtimeNs; });
  }
}

using Enough = std::function<bool(std::uint64_t)>;
using Cancelled = std::function<bool()>;

// What would go, in the order it would, with nothing removed.
PruneOutcome dryRun(std::vector<PrunePlan>& plans, const Enough& enough, const Removed& removed,
                    const Cancelled& cancelled) {
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

// Every candidate goes: two removers, each with its own folders (split at a folder boundary
// near the middle), so the disk is freed on two cores.
void removeAllOnTwoThreads(std::vector<PrunePlan>& plans, std::size_t count, Remover& first,
                           Remover& second, const Cancelled& cancelled) {
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
  {
    std::jthread other([&] { run(second, half, work.size()); });
    run(first, 0, half);
  }  // joined here
}

void addCounts(PruneOutcome& out, const PruneOutcome& more) {
  out.removed += more.removed;
  out.freedBytes += more.freedBytes;
  out.changed += more.changed;
  out.rechecked += more.rechecked;
}

// Folders emptied by the removals, deepest first, so a parent emptied in turn goes too.  Only
// a folder whose every scanned name is gone is tried: the others still hold files.  Returns
// how many were removed.
std::uint64_t removeEmptiedFolders(const std::vector<PrunePlan>& plans,
                                   const std::set<Key>& touched,
                                   std::vector<std::vector<std::uint64_t>>& left) {
  std::vector<Key> order(touched.begin(), touched.end());
  std::sort(order.begin(), order.end(), [&](const Key& a, const Key& b) {
    return depthOf(plans[a.first].folders[a.second].rel) >
           depthOf(plans[b.first].folders[b.second].rel);
  });
  std::uint64_t removed = 0;
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
      ++removed;
      left[p][f] = 1;  // gone: not tried again from another child
      if (left[p][folder.parent] > 0) --left[p][folder.parent];
      f = folder.parent;
    }
  }
  return removed;
}

}  // namespace

PruneOutcome removeOldest(std::vector<PrunePlan>& plans, const Enough& enough, bool dryRunOnly,
                          const Removed& removed, const std::atomic<bool>* cancel,
                          const Clock& clock) {
  const Cancelled cancelled = [cancel] {
    return cancel && cancel->load(std::memory_order_relaxed);
  };
  const Totals totals = totalsOf(plans);
  const bool all = !enough(totals.bytes);
  if (!all) sortOldestFirst(plans);
  if (dryRunOnly) return dryRun(plans, enough, removed, cancelled);

  Shared shared(plans, removed, clock);
  Remover first(shared);
  Remover second(shared);
  const bool twoRemovers = all && totals.count >= kParallelFrom;
  if (twoRemovers) {
    removeAllOnTwoThreads(plans, totals.count, first, second, cancelled);
  } else {
    // Oldest first across the plans (or all, folder by folder), until enough is freed.
    visitOldestFirst(
        plans, [&] { return !enough(first.out.freedBytes) && !cancelled(); },
        [&](std::size_t p, const PruneCandidate& c) { first.remove(p, c); });
  }
  PruneOutcome out = first.out;
  out.removers = twoRemovers ? 2 : 1;
  out.cancelled = cancelled();
  addCounts(out, second.out);
  std::set<Key> touched = std::move(first.touched);
  touched.insert(second.touched.begin(), second.touched.end());
  out.foldersRemoved = removeEmptiedFolders(plans, touched, shared.left);
  return out;
}

}  // namespace openclaw::diskguard
