// Age pruning of folders a container can write, as root, without being steered.
//
// A prune root is reached from "/" without a symlink in any component (openPruneRoot, with
// lib's safe_path): a parent swapped for a symlink is refused, not followed into another
// folder.  The scan walks each prune folder by descriptor: folders are opened with O_DIRECTORY |
// O_NOFOLLOW and must be on the root's device and not a mount root; every other name is
// looked at with statx (AT_SYMLINK_NOFOLLOW), which opens nothing, so a FIFO is never opened
// and a symlink never followed (the statx calls go in batches, shared by two threads when a
// batch is large).  Candidates are regular files with one link, older than the
// rule's age, matching its patterns, minus each folder's keep_newest newest.  Removal takes
// them oldest first across every plan and stops as soon as enough space is freed.
//
// A file written, touched or replaced since the scan is not old any more and stays.  Every
// scanned folder carries an inotify watch, added before it is listed, for writes, attribute
// changes and names created or moved in; the events are read before the first removal and
// again once kChangeWindow has passed since the last read.  A name they mention, or any
// name of a folder without a watch (the kernel's limit, a lost event, or a folder found
// replaced), is checked again with statx right before unlinkat (same inode, still a regular
// file with one link, mtime unchanged).  Removal works in the scanned folder itself: kept
// open from the scan, or opened again and found to be the same inode.  When every candidate
// goes, two threads share the folders.  Folders the removals empty are removed, never a
// prune root.
#pragma once

#include <dirent.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "disk_guard_config.h"
#include "openclaw/clock.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"
#include "openclaw/safe_path.h"

namespace openclaw::diskguard {

struct PruneCandidate {
  std::uint32_t folder = 0;  // index into PrunePlan::folders
  std::string name;
  std::int64_t mtimeNs = 0;
  std::uint64_t bytes = 0;  // allocated blocks: what removing it frees
  std::uint64_t ino = 0;
};

// How long a change made by someone else just before a removal can go unseen: the events
// are read again once this much time has passed since the last read.
inline constexpr std::chrono::microseconds kChangeWindow{500};

struct PruneFolder {
  std::string rel;            // relative to the rule's path; "" is the root
  std::uint32_t parent = 0;   // index of the parent folder (the root: itself)
  std::uint64_t ino = 0;      // the folder scanned; a different one found later is not it
  std::uint64_t entries = 0;  // names in it at the scan, of any kind
  bool watched = false;       // an inotify watch reports its changes
  UniqueFd fd;                // kept open from the scan for the removal, when it has candidates
};

struct PrunePlan {
  PruneRule rule;
  dev_t device = 0;
  std::vector<PruneFolder> folders;
  // In scan order (folder by folder); removeOldest sorts them oldest first when only some go.
  std::vector<PruneCandidate> candidates;
  std::uint64_t candidateBytes = 0;
  std::uint64_t files = 0;       // regular files looked at
  std::uint64_t keptNewest = 0;  // old enough, but among their folder's keep_newest newest
  std::uint64_t skipped = 0;     // symlinks, special files, hard links, other filesystems
  // The inotify instance watching the scanned folders (invalid when not watching), and
  // which folder each watch descriptor is.
  UniqueFd changes;
  std::unordered_map<int, std::uint32_t> watchFolder;
};

enum class ScanFor { Report, Removal };

// The rule's folder, reached from "/" through folders only (mounts on the way are fine: the
// operator chose the path); the refusal names the component that is a symlink, missing, ...
PathResult<UniqueFd> openPruneRoot(const PruneRule& rule);

// Scans one rule's tree below `root` (openPruneRoot's folder); `nowNs` is the wall clock the
// age is measured against.  For `Removal` the folders are watched for changes until the plan
// is destroyed.  Once `cancel` (if given) is true, no further folder is entered: the plan
// holds what was scanned.
Result<PrunePlan> scanPrune(const PruneRule& rule, UniqueFd root, std::int64_t nowNs, ScanFor use,
                            const std::atomic<bool>* cancel = nullptr);

struct PruneOutcome {
  std::uint64_t removed = 0;
  std::uint64_t freedBytes = 0;
  std::uint64_t changed = 0;    // candidates that changed since the scan: left alone
  std::uint64_t rechecked = 0;  // candidates checked again with statx before removal
  std::uint64_t foldersRemoved = 0;
  std::uint32_t removers = 0;  // threads that removed (two when every candidate goes and many)
  bool cancelled = false;      // stopped by `cancel` before the end
};

// Removes candidates of all plans, oldest first, until `enough(freedBytes)` is true (checked
// before each removal).  When even all of them are not enough, all go, folder by folder, by
// two threads when there are many.
// `removed(plan, candidate)` is told of each file removed (displayPath names it).  With `dryRun`
// nothing is removed: `removed` is told what would be, in the same order.  Once `cancel` (if
// given) is true, no further file is removed.  `clock` times the change window.
PruneOutcome removeOldest(
    std::vector<PrunePlan>& plans, const std::function<bool(std::uint64_t)>& enough, bool dryRun,
    const std::function<void(const PrunePlan&, const PruneCandidate&)>& removed,
    const std::atomic<bool>* cancel = nullptr, const Clock& clock = systemClock());

// The records getdents64 put in `buffer[0, size)`: `entry(name, type)` for each but "." and
// "..", with its d_type (DT_UNKNOWN where the file system keeps none).  A record that does not
// fit in what is left, or whose name has no NUL inside it, ends the walk: the kernel writes
// none, and a misread length must neither read past the buffer nor loop on a length of 0.
// Fields are copied out, so a record needs no alignment.  In the header for its fuzz target.
template <class Entry>
void forEachDirRecord(const char* buffer, std::size_t size, Entry&& entry) {
  constexpr std::size_t kNameAt = offsetof(struct dirent64, d_name);
  for (std::size_t at = 0; size - at > kNameAt;) {
    std::uint16_t length = 0;
    std::memcpy(&length, buffer + at + offsetof(struct dirent64, d_reclen), sizeof length);
    if (length <= kNameAt || length > size - at) return;
    const char* name = buffer + at + kNameAt;
    if (std::memchr(name, 0, length - kNameAt) == nullptr) return;
    const auto type = static_cast<unsigned char>(buffer[at + offsetof(struct dirent64, d_type)]);
    at += length;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    entry(name, type);
  }
}

// The folder's path for people: control characters shown as '?'.
std::string displayPath(const PrunePlan& plan, std::uint32_t folder, const std::string& name);

}  // namespace openclaw::diskguard
