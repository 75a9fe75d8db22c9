// Putting a validated config in place of a bot's live one, and keeping good ones aside.
//
// `installConfig` replaces the live file atomically (a temporary file beside it, renamed
// over it), after keeping the old file as `<config>.broken-<UTC time>` (a hard link, so
// nothing is copied and nothing can be lost in between).  Whatever sits at the live path
// may have been planted there (a setuid file, a 0666 one): the new file's owner and mode
// come from the config the supervisor last saw healthy (`ConfigAttrs`, kept in its ledger),
// else root's 0600, and never carry setuid, setgid, sticky or world-write bits; the old
// file's access ACL is carried over only when the old file has that same owner.  Every step works
// on names inside the config's folder by its fd and never follows a symlink: a planted link is kept
// as the broken copy, not written through. `SnapshotStore` keeps the last-known-good configs of one
// bot in the supervisor's own state folder (never beside the config: OpenClaw deletes `.bak.N`
// files it did not make).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"
#include "repair_policy.h"

namespace openclaw::supervisor {

// "20261122T235959Z"
std::string utcStamp(std::int64_t unixSeconds);

// The owner and mode of the regular file at `path`, not following a symlink.
std::optional<ConfigAttrs> readConfigAttrs(const std::string& path);

// Returns the name the old file was kept under ("" when there was none), or why not.
Expected<std::string, std::string> installConfig(const std::string& liveConfig,
                                                 std::string_view content, std::int64_t nowUnix,
                                                 const std::optional<ConfigAttrs>& healthy);

class SnapshotStore {
 public:
  SnapshotStore(std::string folder, std::int64_t keep) : folder_(std::move(folder)), keep_(keep) {}

  // Saves `content` unless the newest snapshot already holds it; keeps the newest `keep`.
  // Returns the new snapshot's path, "" when nothing was new, or why it failed.
  Expected<std::string, std::string> save(std::string_view content, std::int64_t nowUnix) const;
  // Snapshot paths, newest first.
  std::vector<std::string> list() const;
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
  std::int64_t keep_;
};

}  // namespace openclaw::supervisor
