// What the prune's scan and removal both need to know of a statx record: which device, whether
// a mount root, the mtime.  Internal to disk-guard.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdint>

namespace openclaw::diskguard {

inline constexpr unsigned kPruneStatxMask =
    STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_MTIME | STATX_BLOCKS;

inline dev_t devOf(const struct statx& st) {
  return makedev(st.stx_dev_major, st.stx_dev_minor);
}

inline bool isMountRoot(const struct statx& st) {
  return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

inline std::int64_t mtimeNs(const struct statx& st) {
  return st.stx_mtime.tv_sec * 1000000000LL + st.stx_mtime.tv_nsec;
}

}  // namespace openclaw::diskguard
