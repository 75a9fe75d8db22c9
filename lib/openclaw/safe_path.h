// Opening a configured folder through a tree a container can write, without being steered.
//
// A path from a config (a prune root, an ACL tree, a flag folder, a bot's config folder) is
// resolved once, component by component, and the caller then works only by descriptor.  No
// symlink is followed in any component (a parent swapped for a symlink is refused, not only
// the last name), no "..", nothing that is not a folder (a FIFO is never opened: O_PATH or
// O_DIRECTORY refuse it before it could block), and, when asked, no crossing into another
// mount.  The kernel does it in one call where it can: openat2() with RESOLVE_NO_SYMLINKS,
// RESOLVE_NO_MAGICLINKS (and RESOLVE_NO_XDEV, RESOLVE_BENEATH below a folder).  Where it
// cannot (kernels before 5.6; units with RestrictSUIDSGID=, whose seccomp filter answers
// openat2 with ENOSYS or EPERM), the same walk is made one openat(O_NOFOLLOW | O_DIRECTORY)
// at a time from "/" or from the given folder.  When the kernel refuses a path, the walk runs
// to say which component failed and why.
//
// Guaranteed: the descriptor returned is a folder reached only through folders, at the
// instant each component was opened.  Not guaranteed: that the path still leads there a
// moment later; a folder renamed after it was opened is still the folder (its descriptor
// follows the inode), which is the point of working by descriptor.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace openclaw {

enum class PathProblem : std::uint8_t {
  NotAbsolute,  // a configured path must start with "/"
  NotRelative,  // a path below a folder must not
  DotDot,       // ".." is refused, not resolved
  Symlink,      // a component is a symlink: not followed
  NotAFolder,   // a component is a file, a FIFO, a socket or a device
  Missing,      // a component does not exist
  OtherMount,   // a component is on another mount, and the rules said to stay on one
  Unreadable,   // the kernel refused to open it (permissions, I/O): see `error`
};
// "symlink", "not-a-folder", ...: the journal's OPENCLAW_REASON=.
const char* problemName(PathProblem problem);

struct PathRefused {
  PathProblem problem = PathProblem::Unreadable;
  std::string at;  // the path up to and including the failing component, as given
  std::error_code error;

  // "/srv/agents/main is a symlink: not followed"; control characters shown as '?'.
  std::string message() const;
  // The same problem at the same component: a caller says it once.
  bool operator==(const PathRefused& other) const {
    return problem == other.problem && at == other.at;
  }
};

template <class T>
using PathResult = Expected<T, PathRefused>;

struct PathRules {
  // Refuse a component on another mount than where the walk starts ("/" or the folder).
  bool sameMount = false;
  // Auto: openat2() when the kernel and the seccomp filter allow it, else the walk.  Walk:
  // always the walk (tests run every case both ways).
  enum class Resolver : std::uint8_t { Auto, Walk } resolver = Resolver::Auto;
};

// Opens the folder at the absolute `path` (O_RDONLY | O_DIRECTORY, close-on-exec), reached
// from "/" without following any symlink.  "." and repeated slashes are skipped.
PathResult<UniqueFd> openFolderPath(std::string_view path, PathRules rules = {});

// The same below an open folder: `relative` ("a/b", "" for the folder itself) never leaves
// it (no "..", no leading "/").  `at` in a refusal is relative too.
PathResult<UniqueFd> openFolderBelow(int folderFd, std::string_view relative, PathRules rules = {});

// The device of a statx record, and whether it is the root of a mount: what every walk
// that must stay on one filesystem tests each folder for before it enters.
dev_t deviceOf(const struct statx& st);
bool isMountRoot(const struct statx& st);

// Whether openat2() was found to work in this process (false until it was tried, and after
// the kernel or a seccomp filter refused it).
bool kernelResolvesPaths();

// Says a refused path once: again only when the refusal changes, or after the path
// resolved.  One per configured path, kept by the agent that retries it.
class RefusalNotice {
 public:
  // True when this refusal is to be told (the first, or another than the last one told).
  bool refused(const PathRefused& why);
  // True when the path was refused before and resolves now (worth one line too).
  bool resolved();
  bool isRefused() const { return refused_; }

 private:
  bool refused_ = false;
  PathRefused last_;
};

}  // namespace openclaw
