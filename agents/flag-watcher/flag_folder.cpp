#include "flag_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "revive_policy.h"

namespace openclaw::flagwatcher {
namespace {

std::string typeOf(mode_t mode) {
  if (S_ISREG(mode)) return "file";
  if (S_ISLNK(mode)) return "symlink";
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISDIR(mode)) return "folder";
  if (S_ISSOCK(mode)) return "socket";
  return "device";
}

}  // namespace

std::optional<FolderEntry> inspectEntry(int dirFd, const std::string& name,
                                        const std::vector<std::string>& allowed) {
  struct stat st {};
  if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  FolderEntry e;
  e.name = name;
  e.type = typeOf(st.st_mode);
  e.owner = st.st_uid;
  const auto target = flagTarget(name);
  if (!S_ISREG(st.st_mode)) {
    e.reason = "not a regular file";
  } else if (!target) {
    e.reason = "not named revive-<target>.flag";
  } else if (std::find(allowed.begin(), allowed.end(), *target) == allowed.end()) {
    e.reason = "target '" + *target + "' is not allowed in this folder";
  } else {
    e.target = *target;
  }
  return e;
}

Result<Ok> removeEntry(int dirFd, const FolderEntry& entry) {
  const int flags = entry.type == "folder" ? AT_REMOVEDIR : 0;
  if (::unlinkat(dirFd, entry.name.c_str(), flags) != 0 && errno != ENOENT) return fromErrno();
  return Ok{};
}

Result<std::vector<std::string>> listFolder(int dirFd) {
  // fdopendir takes ownership of its descriptor; give it a duplicate of ours.
  const int dup = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return fromErrno();
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    const int err = errno;
    ::close(dup);
    return fromErrno(err);
  }
  ::rewinddir(dir);
  std::vector<std::string> names;
  while (const dirent* d = ::readdir(dir)) {
    const std::string_view n(d->d_name);
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(dir);
  return names;
}

}  // namespace openclaw::flagwatcher
