// What the prune's scan and removal both need to know of a statx record: which device, whether
// a mount root (lib), the mtime.  Internal to disk-guard.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdint>

#include "openclaw/safe_path.h"  // deviceOf, isMountRoot

namespace openclaw::diskguard {

inline constexpr unsigned kPruneStatxMask =
    STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_MTIME | STATX_BLOCKS;

inline std::int64_t mtimeNs(const struct statx& st) {
  return st.stx_mtime.tv_sec * 1000000000LL + st.stx_mtime.tv_nsec;
}

}  // namespace openclaw::diskguard
