// A mount's usage as df counts it, and the arithmetic of thresholds.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "openclaw/result.h"

namespace openclaw::diskguard {

struct DiskUsage {
  std::uint64_t used = 0;       // bytes in use
  std::uint64_t available = 0;  // bytes an unprivileged writer may still use
  dev_t device = 0;
  // used / (used + available), as df's Use% (reserved blocks count as neither).
  double percent() const;
  // Bytes to free so that usage is below `targetPercent`; 0 when it already is.
  std::uint64_t bytesAbove(std::int64_t targetPercent) const;
};

Result<DiskUsage> diskUsage(const std::string& path);
// The device a path lives on (not following a final symlink); 0 when it cannot be statted.
dev_t deviceOf(const std::string& path);

// "1.5 GiB", "512 KiB", "0 B".
std::string formatBytes(std::uint64_t bytes);

}  // namespace openclaw::diskguard
