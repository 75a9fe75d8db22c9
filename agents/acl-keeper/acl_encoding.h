// POSIX ACLs as the kernel stores them: the xattr form decoded into an AclList, read from a
// descriptor, and written back through libacl.  The tree walk (acl_tree.h) uses these on
// descriptors it has already made safe; nothing here opens a path.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "acl_policy.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace openclaw::aclkeeper {

inline constexpr const char* kAccessXattr = "system.posix_acl_access";
inline constexpr const char* kDefaultXattr = "system.posix_acl_default";
// An ACL has at most a few hundred entries of 8 bytes; anything bigger is not an ACL.
inline constexpr std::size_t kMaxXattr = 64 * 1024;
inline constexpr unsigned kAclStatxMask = STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO;

// The descriptor's own path under /proc, for calls that have no descriptor form.
std::string procPath(int fd);
// statx of the descriptor itself (kAclStatxMask), following nothing.
bool statFd(int fd, struct statx& st);

// The kernel's xattr form (linux/posix_acl_xattr.h) decoded; nullopt when malformed.
std::optional<AclList> decodeAclXattr(const unsigned char* data, std::size_t size);

// Reads an ACL xattr with `get(buffer, size)` (fgetxattr or lgetxattr); ENODATA gives
// `absent()`.
template <class Get, class Absent>
Result<AclList> readXattr(Get get, Absent absent) {
  unsigned char stack[1024];
  ssize_t n = get(stack, sizeof stack);
  std::vector<unsigned char> heap;
  const unsigned char* data = stack;
  if (n < 0 && errno == ERANGE) {
    const ssize_t need = get(nullptr, 0);
    if (need < 0) return fromErrno();
    if (static_cast<std::size_t>(need) > kMaxXattr) return fromErrno(EFBIG);
    heap.resize(static_cast<std::size_t>(need));
    n = get(heap.data(), heap.size());
    data = heap.data();
  }
  if (n < 0) {
    if (errno == ENODATA) return absent();
    return fromErrno();
  }
  auto list = decodeAclXattr(data, static_cast<std::size_t>(n));
  if (!list) return fromErrno(EBADMSG);
  return *list;
}

// The list as a libacl ACL, to be written.
Result<AclPtr> fromList(const AclList& list);

// The ACL of a descriptor as a sorted list, from its xattr (an access ACL without one is the
// mode's; a missing default ACL is an empty list).
Result<AclList> readAcl(int fd, bool defaultAcl);
Result<Ok> writeAcl(int fd, bool defaultAcl, const AclList& list);

}  // namespace openclaw::aclkeeper
