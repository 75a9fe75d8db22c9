#include "openclaw/alerts.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <deque>

#include "openclaw/handles.h"
#include "openclaw/json_text.h"
#include "openclaw/time_text.h"

namespace openclaw {
namespace {

// A generation is read whole up to this; a file over it (written by hand, or by a version
// that did not rotate) is read from its tail, which still holds far more lines than
// `agentctl alerts --limit` shows.
constexpr off_t kMaxReadBytes = 4 << 20;

// The log and its lock are shared with the bridge, which runs as a dynamic user in the
// openclaw-agents group (the folder is setgid to it): group read-write whatever the creating
// daemon's umask (0077 in the units).  Only the owner can change the mode; anyone else
// leaves it as it is.
constexpr mode_t kSharedMode = 0660;

void shareWithGroup(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_uid == ::geteuid() && (st.st_mode & 0777) != kSharedMode) {
    (void)::fchmod(fd, kSharedMode);
  }
}

std::string lockPath(const std::string& path) {
  return path + ".lock";
}

// Lines of `text` (without their newline); with `fromMiddle`, the first is a fragment and
// dropped.
std::vector<std::string> splitLines(const std::string& text, bool fromMiddle) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  if (fromMiddle) {
    const std::size_t nl = text.find('\n');
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The lines of one generation; nullopt when it does not exist.
Expected<std::optional<std::vector<std::string>>, std::string> readGeneration(
    const std::string& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd && errno == ENOENT) return std::optional<std::vector<std::string>>();
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Unexpected<std::string>{
        file + ": " + (fd ? std::string("not a regular file") : errnoCode(errno).message())};
  }
  const off_t from = std::max<off_t>(0, st.st_size - kMaxReadBytes);
  std::string text(static_cast<std::size_t>(st.st_size - from), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n =
        ::pread(fd.get(), text.data() + got, text.size() - got, from + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the file shrank under us: what was read is what there is
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return std::optional<std::vector<std::string>>(splitLines(text, from > 0));
}

}  // namespace

std::string alertLogGeneration(const std::string& path, int n) {
  return n == 0 ? path : path + "." + std::to_string(n);
}

std::string alertLine(const Alert& a, long long unixSeconds) {
  nlohmann::json j = {{"ts", isoUtc(unixSeconds)}, {"level", a.level},   {"agent", a.agent},
                      {"event", a.event},          {"target", a.target}, {"message", a.message},
                      {"details", a.details}};
  // Messages quote paths and names from folders a container writes: a plain dump() would
  // throw on their bytes that are not UTF-8 and lose the alert.
  return toJsonText(j) + "\n";
}

Result<bool> rotateAlertLog(const std::string& path, const AlertLogLimits& limits) {
  struct stat st {};
  // The cheap check first: nearly every append finds nothing to do and takes no lock.
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < limits.maxBytes) {
    return false;
  }
  UniqueFd lock(
      ::open(lockPath(path).c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640));
  if (!lock) return fromErrno();
  shareWithGroup(lock.get());
  // Another agent rotating (or agentctl reading) now: the next append tries again, so no
  // writer ever waits for the lock.
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK || errno == EINTR) return false;
    return fromErrno();
  }
  // Checked again under the lock: the process that held it may have rotated already, and a
  // second shift would push a nearly empty file down the generations.
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < limits.maxBytes) {
    return false;
  }
  const int keep = std::max(1, limits.generations);
  for (int n = keep; n >= 1; --n) {
    const std::string from = alertLogGeneration(path, n - 1);
    if (::rename(from.c_str(), alertLogGeneration(path, n).c_str()) != 0 && errno != ENOENT) {
      return fromErrno();
    }
  }
  return true;  // the lock goes with the descriptor
}

Result<AlertAppend> appendAlert(const Alert& alert, const std::string& path,
                                const AlertLogLimits& limits) {
  const std::string line = alertLine(alert, static_cast<long long>(std::time(nullptr)));
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640));
  if (!fd) return fromErrno();
  shareWithGroup(fd.get());
  // One write(2) a line: with O_APPEND, lines of several agents never interleave.
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return fromErrno();
  }
  AlertAppend out;
  if (auto rotated = rotateAlertLog(path, limits); rotated) {
    out.rotated = *rotated;
  } else {
    out.rotateError = rotated.error();
  }
  return out;
}

Expected<std::vector<std::string>, std::string> recentAlertLines(const std::string& path,
                                                                 std::size_t limit,
                                                                 const AlertLogLimits& limits) {
  // A shared lock keeps rotations out while the generations are read one after the other;
  // without the lock file (no agent has rotated yet) there is nothing to keep out.
  UniqueFd lock(::open(lockPath(path).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (lock) (void)::flock(lock.get(), LOCK_SH);
  std::deque<std::string> newest;
  const int keep = std::max(1, limits.generations);
  for (int n = 0; n <= keep && newest.size() < limit; ++n) {
    auto lines = readGeneration(alertLogGeneration(path, n));
    if (!lines) return Unexpected<std::string>{lines.error()};
    if (!*lines) continue;
    const auto& in = **lines;
    const std::size_t take = std::min(in.size(), limit - newest.size());
    newest.insert(newest.begin(), in.end() - static_cast<std::ptrdiff_t>(take), in.end());
  }
  return std::vector<std::string>(newest.begin(), newest.end());
}

}  // namespace openclaw
