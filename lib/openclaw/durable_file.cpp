#include "openclaw/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "openclaw/handles.h"
#include "openclaw/json_text.h"
#include "openclaw/safe_path.h"

namespace openclaw {
namespace {

std::string fileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISLNK(mode)) return "a symlink";
  return "not a regular file";
}

}  // namespace

Result<Ok> writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fromErrno();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok{};
}

std::pair<std::string, std::string> splitPath(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  if (slash == 0) return {"/", path.substr(1)};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

namespace {

// Opens `path` for reading with no symlink in any component: its folder reached through
// folders only (safe_path.h), its name opened without following it.
Expected<UniqueFd, std::string> openNoSymlinkInPath(const std::string& path) {
  const auto [dir, name] = splitPath(path);
  auto folder = openFolderPath(dir);
  if (!folder) return Unexpected<std::string>{"is out of reach: " + folder.error().message()};
  UniqueFd fd(::openat(folder->get(), name.c_str(),
                       O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW));
  if (!fd && errno == ELOOP) return Unexpected<std::string>{"is a symlink: not followed"};
  if (!fd) return Unexpected<std::string>{std::string("cannot open: ") + std::strerror(errno)};
  return fd;
}

}  // namespace

Expected<std::string, std::string> readSmallFile(const std::string& path, std::size_t maxBytes,
                                                 Symlinks symlinks) {
  UniqueFd fd;
  if (symlinks == Symlinks::NoneInPath) {
    auto opened = openNoSymlinkInPath(path);
    if (!opened) return Unexpected<std::string>{opened.error()};
    fd = std::move(*opened);
  } else {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
    const int noFollow = symlinks == Symlinks::NoFollow ? O_NOFOLLOW : 0;
    fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | noFollow));
    if (!fd && errno == ELOOP && noFollow) {
      return Unexpected<std::string>{"is a symlink: not followed"};
    }
    if (!fd) return Unexpected<std::string>{std::string("cannot open: ") + std::strerror(errno)};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Unexpected<std::string>{std::string("cannot stat: ") + std::strerror(errno)};
  }
  if (!S_ISREG(st.st_mode)) {
    return Unexpected<std::string>{"is " + fileTypeName(st.st_mode) + ", not a regular file"};
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unexpected<std::string>{std::string("cannot read: ") + std::strerror(errno)};
    }
    if (n == 0) break;
    // The size from fstat is not trusted: the file may grow while we read.
    if (content.size() + static_cast<std::size_t>(n) > maxBytes) {
      return Unexpected<std::string>{"is larger than " + std::to_string(maxBytes) + " bytes"};
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return content;
}

Result<Ok> atomicWriteFile(const std::string& path, std::string_view content, mode_t mode,
                           Survives survives) {
  const bool sync = survives == Survives::PowerLoss;
  static std::atomic<unsigned> counter{0};
  const auto [dir, name] = splitPath(path);
  UniqueFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dirFd) return fromErrno();

  const std::string tmpName =
      "." + name + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  UniqueFd fd(::openat(dirFd.get(), tmpName.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) return fromErrno();

  auto cleanup = [&](int err) {
    ::unlinkat(dirFd.get(), tmpName.c_str(), 0);
    return fromErrno(err);
  };
  if (auto w = writeAll(fd.get(), content); !w) return cleanup(w.error().value());
  // The umask may have narrowed the creation mode; the caller's mode is the contract.
  if (::fchmod(fd.get(), mode) != 0) return cleanup(errno);
  if (sync && ::fsync(fd.get()) != 0) return cleanup(errno);
  fd.reset();
  if (::renameat(dirFd.get(), tmpName.c_str(), dirFd.get(), name.c_str()) != 0) {
    return cleanup(errno);
  }
  // Without this the rename itself may be lost on power failure.
  if (sync && ::fsync(dirFd.get()) != 0) return fromErrno();
  return Ok{};
}

Expected<nlohmann::json, std::string> StateFile::load() const {
  // State files are ours, written only by atomicWriteFile; 16 MiB is far beyond any queue.
  constexpr std::size_t kMaxStateBytes = 16u << 20;
  auto text = readSmallFile(path_, kMaxStateBytes);
  if (!text) {
    if (::access(path_.c_str(), F_OK) != 0 && errno == ENOENT) return nlohmann::json::object();
    return Unexpected<std::string>{path_ + ": " + text.error()};
  }
  auto doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Unexpected<std::string>{path_ + ": not a JSON object"};
  }
  return doc;
}

Result<Ok> StateFile::save(const nlohmann::json& document) const {
  // Reasons and paths in a state document may carry any bytes a bot put in a name.
  return atomicWriteFile(path_, toJsonText(document, 2) + "\n", 0600, survives_);
}

}  // namespace openclaw
