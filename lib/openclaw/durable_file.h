// Files that survive kill -9 and power loss, and reads that cannot be steered.
//
// `atomicWriteFile` writes a temporary file beside the target, fsyncs it, renames it over
// the target and fsyncs the folder: a reader sees the old content or the new one, never a
// mix, whatever instant the writer dies at.  `readSmallFile` refuses anything that is not a
// regular file (a FIFO would block, a device could be endless) and anything over a bound.
// `StateFile` keeps one JSON document of a daemon's persisted state on top of both.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "openclaw/result.h"

namespace openclaw {

// The whole file, or a sentence saying why not ("cannot open: No such file or directory",
// "is a FIFO, not a regular file", "is larger than 1048576 bytes").  With `NoFollow`, a
// symlink as the last component is refused ("is a symlink: not followed"), for files an
// adversary can replace.  With `NoneInPath`, a symlink in any component is refused too (the
// folder is reached as safe_path.h reaches it: "is out of reach: /srv/bot is a symlink: not
// followed"), for files in a tree an adversary can rearrange.
enum class Symlinks { Follow, NoFollow, NoneInPath };
Expected<std::string, std::string> readSmallFile(const std::string& path, std::size_t maxBytes,
                                                 Symlinks symlinks = Symlinks::Follow);

// Writes all of `data` to `fd`, retrying short writes and EINTR.
Result<Ok> writeAll(int fd, std::string_view data);

// "/a/b/c.json" -> {"/a/b", "c.json"}; "/c" -> {"/", "c"}; "c" -> {".", "c"}.
std::pair<std::string, std::string> splitPath(const std::string& path);

// What a write must survive.  Both are atomic (a reader sees the old content or the new
// one); `PowerLoss` also fsyncs the file and its folder, which costs milliseconds on a real
// disk.  `Kill` is for files under /run, which a reboot empties anyway: they survive the
// writer's kill -9, and on tmpfs there is nothing to sync.
enum class Survives { PowerLoss, Kill };

// Replaces `path` with `content` atomically (and, for PowerLoss, durably); the new file
// gets `mode`.
Result<Ok> atomicWriteFile(const std::string& path, std::string_view content, mode_t mode = 0644,
                           Survives survives = Survives::PowerLoss);

class StateFile {
 public:
  explicit StateFile(std::string path, Survives survives = Survives::PowerLoss)
      : path_(std::move(path)), survives_(survives) {}

  // The stored document; an empty object when the file does not exist yet.  A file that
  // exists but does not parse is an error: the caller decides whether to start afresh.
  Expected<nlohmann::json, std::string> load() const;
  Result<Ok> save(const nlohmann::json& document) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Survives survives_;
};

}  // namespace openclaw
