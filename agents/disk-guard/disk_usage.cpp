#include "disk_usage.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cmath>
#include <cstdio>

namespace openclaw::diskguard {

double DiskUsage::percent() const {
  const double total = static_cast<double>(used) + static_cast<double>(available);
  return total <= 0 ? 0.0 : 100.0 * static_cast<double>(used) / total;
}

std::uint64_t DiskUsage::bytesAbove(std::int64_t targetPercent) const {
  const long double total = static_cast<long double>(used) + available;
  // The largest use that is still below the target.
  const long double allowed = std::floor(total * targetPercent / 100.0L) - 1;
  if (allowed < 0) return used;
  const auto allowedBytes = static_cast<std::uint64_t>(allowed);
  return used > allowedBytes ? used - allowedBytes : 0;
}

Result<DiskUsage> diskUsage(const std::string& path) {
  struct statvfs vfs;
  if (::statvfs(path.c_str(), &vfs) != 0) return fromErrno();
  DiskUsage u;
  u.used = static_cast<std::uint64_t>(vfs.f_blocks - vfs.f_bfree) * vfs.f_frsize;
  u.available = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  u.device = deviceOf(path);
  return u;
}

dev_t deviceOf(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_dev;
}

std::string formatBytes(std::uint64_t bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buf;
}

}  // namespace openclaw::diskguard
