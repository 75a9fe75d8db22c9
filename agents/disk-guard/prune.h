// Age pruning of folders a container can write, as root, without being steered.
//
// The scan walks each prune folder by descriptor: folders are opened with O_DIRECTORY |
// O_NOFOLLOW and must be on the root's device and not a mount root; every other name is
// looked at with statx (AT_SYMLINK_NOFOLLOW), which opens nothing, so a FIFO is never opened
// and a symlink never followed.  Candidates are regular files with one link, older than the
// rule's age, matching its patterns, minus each folder's keep_newest newest.  Removal takes
// them oldest first across every plan, checks each name again right before unlinkat (same
// inode, still a regular file with one link, mtime unchanged: a file written since the scan
// is not old any more), and stops as soon as enough space is freed.  Folders it empties are
// removed, never a prune root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "disk_guard_config.h"
#include "openclaw/result.h"

namespace openclaw::diskguard {

struct PruneCandidate {
  std::uint32_t folder = 0;  // index into PrunePlan::folders
  std::string name;
  std::int64_t mtimeNs = 0;
  std::uint64_t bytes = 0;  // allocated blocks: what removing it frees
  std::uint64_t ino = 0;
};

struct PrunePlan {
  PruneRule rule;
  dev_t device = 0;
  std::vector<std::string> folders;  // relative to the rule's path; "" is the root
  std::vector<PruneCandidate> candidates;
  std::uint64_t candidateBytes = 0;
  std::uint64_t files = 0;       // regular files looked at
  std::uint64_t keptNewest = 0;  // old enough, but among their folder's keep_newest newest
  std::uint64_t skipped = 0;     // symlinks, special files, hard links, other filesystems
};

// Scans one rule's tree; `nowNs` is the wall clock the age is measured against.
Result<PrunePlan> scanPrune(const PruneRule& rule, std::int64_t nowNs);

struct PruneOutcome {
  std::uint64_t removed = 0;
  std::uint64_t freedBytes = 0;
  std::uint64_t changed = 0;  // candidates that changed since the scan: left alone
  std::uint64_t foldersRemoved = 0;
};

// Removes candidates of all plans, oldest first, until `enough(freedBytes)` is true (checked
// before each removal).  When even all of them are not enough, all go, folder by folder.
// `removed(plan, candidate)` is told of each file removed (displayPath names it).  With `dryRun`
// nothing is removed: `removed` is told what would be, in the same order.
PruneOutcome removeOldest(
    std::vector<PrunePlan>& plans, const std::function<bool(std::uint64_t)>& enough, bool dryRun,
    const std::function<void(const PrunePlan&, const PruneCandidate&)>& removed);

// The folder's path for people: control characters shown as '?'.
std::string displayPath(const PrunePlan& plan, std::uint32_t folder, const std::string& name);

}  // namespace openclaw::diskguard
