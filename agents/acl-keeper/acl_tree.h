// Walking a tree a container can write, as root, without giving it a way in.
//
// Every step is relative to a folder descriptor: names are opened with O_NOFOLLOW (and
// O_PATH for anything that is not a folder, so a FIFO or a device is never opened for
// reading), the object is identified by statx on that descriptor, and the ACL is read and
// written through a descriptor of that very object.  A symlink is never followed, a
// regular file with more than one hard link is skipped (its other name may be outside the
// tree), and a folder or file on another filesystem, or the root of a mount, is not entered.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "acl_keeper_config.h"
#include "acl_policy.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace openclaw::aclkeeper {

enum class Skip : std::uint8_t { Symlink, HardLinked, OtherFilesystem, Special, Error };
inline constexpr std::size_t kSkipKinds = 5;
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

// What the walk reports, path by path (absolute paths).
struct TreeListener {
  // A path whose ACL was wrong: written in Apply mode, only reported in Verify mode.
  std::function<void(const std::string& path, const std::string& have, const std::string& want)>
      fixed;
  std::function<void(const std::string& path, Skip why, const std::string& detail)> skipped;
  // A folder was reached; `fd` is open on it for the call (to watch it).
  std::function<void(int fd, const std::string& rel)> folder;
};

struct EntryResult {
  enum Kind { Gone, File, Folder, Skipped } kind = Gone;
  UniqueFd folder;  // open on the folder when kind == Folder
};

class AclTree {
 public:
  AclTree(AclRule rule, TreeMode mode, TreeListener listener);

  const AclRule& rule() const { return rule_; }
  TreeCounts& counts() { return counts_; }

  // Opens the root folder (no symlink as its last component) and checks its own ACL.
  Result<Ok> openRoot();
  bool rootOpen() const { return root_.valid(); }
  void closeRoot() { root_.reset(); }

  // Opens a folder below the root by its relative path, one O_NOFOLLOW component at a time,
  // never leaving the root's filesystem.  "" is the root itself.
  Result<UniqueFd> openFolder(const std::string& rel);

  // Checks (and in Apply mode fixes) the entry `name` of the folder `dirFd` at `relDir`.
  // `dtype` is the getdents hint (DT_UNKNOWN when there is none).
  EntryResult visit(int dirFd, const std::string& relDir, const std::string& name,
                    unsigned char dtype);
  // Checks the folder itself, e.g. after IN_ATTRIB on it.
  void visitSelf(int folderFd, const std::string& rel);

  // Every entry of a folder, visited; the sub-folders' relative paths are appended to `sub`.
  Result<Ok> visitChildren(int folderFd, const std::string& rel, std::vector<std::string>& sub);

  // The path for people: absolute, control characters shown as '?'.
  std::string absolute(const std::string& rel) const;

 private:
  bool sameFilesystem(int fd, const std::string& rel);
  void check(int fd, bool isDir, const std::string& rel);
  void skip(const std::string& rel, Skip why, const std::string& detail);

  AclRule rule_;
  TreeMode mode_;
  TreeListener listener_;
  TreeCounts counts_;
  UniqueFd root_;
  dev_t rootDev_ = 0;
};

// libacl's ACL of a descriptor as a sorted list; `type` ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT.
Result<AclList> readAcl(int fd, bool defaultAcl);
Result<Ok> writeAcl(int fd, bool defaultAcl, const AclList& list);

}  // namespace openclaw::aclkeeper
