// What ACL a path should carry: pure functions over plain entry lists, so the policy is
// tested without a filesystem.  The rule's entries are merged into the path's current ACL:
// entries the rule does not name are kept, the ones it names take the rule's permissions,
// and the mask is recomputed as the union of the group class (as setfacl does), so that what
// the rule grants is effective.  A path whose current ACL already equals the wanted one is
// never written: no churn on ctime, no inotify echo.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "acl_keeper_config.h"

namespace openclaw::aclkeeper {

// The order is libacl's tag order, so sorted lists compare like the kernel stores them.
enum class AclKind : std::uint8_t { UserObj, User, GroupObj, Group, Mask, Other };

struct AclItem {
  AclKind kind = AclKind::UserObj;
  std::uint32_t id = 0;  // only for User and Group
  unsigned perms = 0;    // 4 read, 2 write, 1 execute
  auto operator<=>(const AclItem&) const = default;
};

// Sorted by (kind, id); at most one item per (kind, id).
using AclList = std::vector<AclItem>;

void normalize(AclList& list);
// The three-entry ACL a mode stands for.
AclList aclFromMode(mode_t mode);
// True when the file's owner may execute it: what `X` looks at on a file.  setfacl looks
// at anyone's execute bit, but the recomputed mask can make an inherited g::r-x effective,
// after which such an `X` would turn into x on the next pass; the owner's bit is what the
// file's creator chose, and no rule without a `u::` entry changes it.
bool ownerExecutes(const AclList& access);

// The access ACL the rule wants.  `isDir` resolves `X`: execute on folders, and on files
// only when their owner may execute them with the rule applied (a `u::` entry in the rule
// counts), so that what is wanted is wanted again once written.
AclList wantedAccess(const AclList& current, const std::vector<AclEntrySpec>& entries, bool isDir);
// A folder's default ACL the rule wants.  An empty `currentDefault` means the folder has
// none yet: it starts from the access ACL's owner, group and other entries, as setfacl -d.
AclList wantedDefault(const AclList& currentDefault, const AclList& access,
                      const std::vector<AclEntrySpec>& entries);

// "u::rw-,u:101000:rwx,g::r--,m::rwx,o::---": for logs and acl-verify.
std::string toText(const AclList& list);

}  // namespace openclaw::aclkeeper
