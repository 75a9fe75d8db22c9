#include "watch_budget.h"

#include <algorithm>
#include <fstream>

namespace openclaw::aclkeeper {
namespace {

// The kernel's default when /proc/sys cannot tell: never below this since 5.11, and the
// fixed value before.
constexpr std::size_t kSmallestDefaultLimit = 8192;
// The keeper's share of root's watches: the rest stays for every other root service.  A
// quarter of the smallest default still watches 2 048 folders, more than most bot trees have.
constexpr std::size_t kShareDivisor = 4;

std::optional<std::size_t> readNumber(const char* path) {
  std::ifstream in(path);
  long long value = -1;
  if (!(in >> value) || value < 0) return std::nullopt;
  return static_cast<std::size_t>(value);
}

}  // namespace

std::optional<std::size_t> kernelWatchLimit() {
  std::optional<std::size_t> limit;
  for (const char* path :
       {"/proc/sys/user/max_inotify_watches", "/proc/sys/fs/inotify/max_user_watches"}) {
    if (auto v = readNumber(path)) limit = limit ? std::min(*limit, *v) : *v;
  }
  return limit;
}

WatchBudget watchBudget(std::int64_t configured, std::optional<std::size_t> kernelLimit) {
  if (configured > 0) return {static_cast<std::size_t>(configured), "max_watches"};
  if (kernelLimit) {
    return {std::max<std::size_t>(*kernelLimit / kShareDivisor, 1),
            "a quarter of the kernel's " + std::to_string(*kernelLimit) +
                " per user, shared by root's services"};
  }
  return {kSmallestDefaultLimit / kShareDivisor,
          "a quarter of " + std::to_string(kSmallestDefaultLimit) +
              ", the kernel's limit cannot be read here; set max_watches"};
}

}  // namespace openclaw::aclkeeper
