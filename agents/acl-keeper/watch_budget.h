// How many inotify watches acl-keeper may hold.
//
// The kernel counts inotify watches per user (fs.inotify.max_user_watches), and every
// service running as root shares root's count: flag-watcher's folders, disk-guard's scans,
// systemd's own path units.  A tree a container can fill with folders must not take them
// all, so the keeper stops at a quarter of the limit (or at `max_watches` from its config)
// and leaves the folders beyond to its sweeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace openclaw::aclkeeper {

struct WatchBudget {
  std::size_t cap = 0;
  std::string why;  // "max_watches", "a quarter of the kernel's 8192 per user, ...", ...
};

// The per-user limit as this process sees it: the lower of its user namespace's
// (/proc/sys/user/max_inotify_watches) and the machine's (/proc/sys/fs/inotify/
// max_user_watches); nullopt when neither can be read (a unit with ProcSubset=pid sees no
// /proc/sys).
std::optional<std::size_t> kernelWatchLimit();

// `configured` (max_watches, 0 when unset) wins; else a quarter of `kernelLimit` (at least
// one); else a quarter of 8192, the smallest limit kernels since 5.11 compute and the fixed
// one before.
WatchBudget watchBudget(std::int64_t configured, std::optional<std::size_t> kernelLimit);

}  // namespace openclaw::aclkeeper
