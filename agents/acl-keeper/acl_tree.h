// Walking a tree a container can write, as root, without giving it a way in.
//
// Every step is relative to a folder descriptor, and nothing is ever followed: folders are
// opened with O_DIRECTORY | O_NOFOLLOW, other names looked at with lgetxattr/statx
// (AT_SYMLINK_NOFOLLOW), which open nothing, so a FIFO or a device is never opened.  A file's
// ACL is first read by name from inside its folder (one system call: the common case of a
// right ACL ends there).  Anything else goes through an O_PATH descriptor of what the name
// is now: statx on it decides (a symlink, a special file, a regular file with more than one
// hard link, whose other names may be outside the tree, or another filesystem are skipped),
// and the ACL is read again and written through it, so a name swapped meanwhile for a hard
// link to a file outside is not written.  A folder on another filesystem, or the root of a
// mount, is not entered.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "acl_encoding.h"
#include "acl_keeper_config.h"
#include "acl_policy.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"
#include "openclaw/safe_path.h"

namespace openclaw::aclkeeper {

enum class Skip : std::uint8_t { Symlink, HardLinked, OtherFilesystem, Special, Error, TooDeep };
inline constexpr std::size_t kSkipKinds = 6;
const char* skipName(Skip why);

enum class TreeMode { Apply, Verify };

struct TreeCounts {
  std::uint64_t checked = 0;  // files and folders whose ACL was compared
  std::uint64_t fixed = 0;    // written (Apply) or found wrong (Verify)
  std::uint64_t folders = 0;
  std::array<std::uint64_t, kSkipKinds> skipped{};
  std::uint64_t skippedTotal() const;
  void add(const TreeCounts& other);
  // "3 symlink, 1 hard-linked", or "" when nothing was skipped.
  std::string skippedText() const;
};

class AclTree;

// A path whose ACL is not what its rule wants; the texts are made only when asked for.
struct Drift {
  const AclTree& tree;
  const std::string& rel;
  const AclList& have;
  const AclList& want;
  const AclList* haveDefault = nullptr;  // a folder's default ACL, when it differs too
  const AclList* wantDefault = nullptr;
  std::string path() const;      // absolute, for people
  std::string haveText() const;  // "u::rw-,g::r--,o::r-- default:none"
  std::string wantText() const;
};

// What the walk reports, path by path.
struct TreeListener {
  // A path whose ACL was wrong: written in Apply mode, only reported in Verify mode.
  std::function<void(const Drift&)> fixed;
  // `path` is absolute, for people.
  std::function<void(const std::string& path, Skip why, const std::string& detail)> skipped;
  // A folder was reached; `fd` is open on it for the call (to watch it).
  std::function<void(int fd, const std::string& rel)> folder;
};

struct EntryResult {
  enum Kind { Gone, File, Folder, Skipped } kind = Gone;
  UniqueFd folder;     // open on the folder when kind == Folder
  bool fresh = false;  // a folder whose own ACL was just fixed (see visitChildren)
};

// A folder found in a folder's listing, to be walked in turn.
struct SubFolder {
  std::string name;
  bool fresh = false;  // its own ACL was just fixed: likely nothing in it has been kept yet
};

class AclTree {
 public:
  AclTree(AclRule rule, TreeMode mode, TreeListener listener);
  ~AclTree();
  AclTree(const AclTree&) = delete;
  AclTree& operator=(const AclTree&) = delete;

  const AclRule& rule() const { return rule_; }
  TreeCounts& counts() { return counts_; }

  // Opens the root folder, reached from "/" without a symlink in any component (lib's
  // safe_path: a parent swapped for a symlink is refused, naming it), and checks its own ACL.
  PathResult<Ok> openRoot();
  bool rootOpen() const { return root_.valid(); }
  // The root's own ACL was just fixed by openRoot (see SubFolder::fresh).
  bool rootFresh() const { return rootFresh_; }
  void closeRoot() { root_.reset(); }

  // Opens a folder below the root by its relative path, through folders only, never leaving
  // the root's mount.  "" is the root itself.
  PathResult<UniqueFd> openFolder(const std::string& rel);

  // Checks (and in Apply mode fixes) the entry `name` of the folder `dirFd` at `relDir`.
  // `dtype` is the getdents hint (DT_UNKNOWN when there is none).  `inFolder` says the
  // process's working folder is already `dirFd` (visitChildren sets it once per folder);
  // otherwise the visit enters it and returns to / afterwards.
  // A file whose quick check failed, to be dealt with after the folder's listing.
  struct Deferred {
    std::string name;
    bool noAcl = false;  // it had no ACL xattr: its mode is all there is to keep
  };
  // With `later`, a file whose ACL is not right is appended there instead of handled.
  EntryResult visit(int dirFd, const std::string& relDir, const std::string& name,
                    unsigned char dtype, bool inFolder = false,
                    std::vector<Deferred>* later = nullptr);
  // Checks the folder itself, e.g. after IN_ATTRIB on it.
  void visitSelf(int folderFd, const std::string& rel);

  // Every entry of a folder, visited; the sub-folders' names are appended to `sub`.
  // First: the folder is watched (listener.folder) before it is listed, for a folder that
  // may already be watched.  After: listed and fixed, then watched, then checked again, for
  // a folder seen for the first time (a fresh one: its own ACL was just fixed, so nothing in
  // it has likely been kept): its fixes then raise no inotify events to read back.
  enum class WatchOrder { First, After };
  Result<Ok> visitChildren(int folderFd, const std::string& rel, std::vector<SubFolder>& sub,
                           WatchOrder order = WatchOrder::First);
  // A folder the walk does not enter: it is more than `maxDepth` levels below the root.
  void tooDeep(const std::string& rel, unsigned maxDepth);

  // The path for people: absolute, control characters shown as '?'.
  std::string absolute(const std::string& rel) const;
  // Closes the descriptors of fixed files kept to be closed together.
  void closePending();

 private:
  bool sameFilesystem(int fd, const std::string& rel);
  void check(int fd, bool isDir, const std::string& rel);
  enum class Quick { Right, NoAcl, Other };
  Quick quickCheck(const std::string& name);
  EntryResult::Kind checkFile(int dirFd, const std::string& name, const std::string& rel);
  // A regular file listed in `dirFd`: checked now, or queued in `later` for a write pass.
  EntryResult::Kind visitFile(int dirFd, const std::string& name, const std::string& rel,
                              bool inFolder, std::vector<Deferred>* later);
  // Writes `want` as the access ACL of `inode` (a /proc path); false when skipped.
  bool writeAccess(const std::string& inode, const std::string& rel, const AclList& want);
  // Runs `work`; when `again` (a name counted by an earlier pass) only what it fixed counts.
  template <class Work>
  void countOnce(bool again, Work&& work) {
    const TreeCounts before = counts_;
    work();
    if (again) {
      const auto fixed = counts_.fixed;
      counts_ = before;
      counts_.fixed = fixed;
    }
  }
  EntryResult::Kind slowFile(int dirFd, const std::string& name, const std::string& rel, bool noAcl,
                             bool inProcFds);
  void skip(const std::string& rel, Skip why, const std::string& detail);
  void closeLater(UniqueFd fd);

  AclRule rule_;
  TreeMode mode_;
  TreeListener listener_;
  TreeCounts counts_;
  UniqueFd root_;
  dev_t rootDev_ = 0;
  bool rootFresh_ = false;
  UniqueFd procFds_;  // /proc/self/fd, once a write needs it
  // Descriptors of fixed files, closed together (closeLater).
  int closeFirst_ = -1;
  int closeLast_ = -1;
};

}  // namespace openclaw::aclkeeper
