// Looking at a flag folder the way an adversary's folder must be looked at.
//
// A container can write anything into its flag folder.  Every check goes through the
// folder's descriptor with fstatat(AT_SYMLINK_NOFOLLOW): nothing is followed, opened,
// read or waited on.  A name is a flag only if it is a regular file called
// revive-<target>.flag for a target allowed in that folder; everything else is reported
// (name, type, owner) and removed with unlinkat, which never follows either.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace openclaw::flagwatcher {

struct FolderEntry {
  std::string name;
  std::string type;  // "file", "symlink", "fifo", "folder", "socket", "device"
  uid_t owner = 0;
  std::string target;  // set when the entry is an acceptable flag
  std::string reason;  // set when it is not: why
  bool isFlag() const { return reason.empty(); }
};

// nullopt when the name vanished before it could be looked at.
std::optional<FolderEntry> inspectEntry(int dirFd, const std::string& name,
                                        const std::vector<std::string>& allowed);

// Removes the entry without following it; a non-empty folder cannot be removed and says so.
Result<Ok> removeEntry(int dirFd, const FolderEntry& entry);

// The names in the folder now (readdir on a duplicate of the descriptor).
Result<std::vector<std::string>> listFolder(int dirFd);

}  // namespace openclaw::flagwatcher
