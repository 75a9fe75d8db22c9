#include "openclaw/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

namespace openclaw {
namespace {

// The folder handed back: listable (getdents), watchable through /proc/self/fd, and never a
// FIFO opened by mistake (O_DIRECTORY refuses anything else before it is opened).
constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
// The components on the way: O_PATH needs only search permission and opens nothing.
constexpr int kStepFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// 0: not tried yet; 1: openat2 works; -1: the kernel or a seccomp filter refused it.  Any
// thread may try; they all reach the same answer.
std::atomic<int> kernelState{0};

struct Component {
  std::string_view name;
  std::size_t end = 0;  // where it ends in the path: path.substr(0, end) names it
};

PathRefused refusal(PathProblem problem, std::string_view at, int err) {
  return {problem, std::string(at), errnoCode(err)};
}

// Splits a path into its components, skipping empty ones and "."; ".." is refused.
PathResult<std::vector<Component>> componentsOf(std::string_view path) {
  std::vector<Component> parts;
  std::size_t at = 0;
  while (at < path.size()) {
    const std::size_t slash = path.find('/', at);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view name = path.substr(at, end - at);
    if (name == "..") return Unexpected{refusal(PathProblem::DotDot, path.substr(0, end), EPERM)};
    if (!name.empty() && name != ".") parts.push_back({name, end});
    at = end + 1;
  }
  return parts;
}

struct Where {
  bool ok = false;
  bool folder = false;
  bool hasMountId = false;
  std::uint64_t mountId = 0;
  dev_t device = 0;
  bool mountRoot = false;
};

}  // namespace

dev_t deviceOf(const struct statx& st) {
  return makedev(st.stx_dev_major, st.stx_dev_minor);
}

bool isMountRoot(const struct statx& st) {
  return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

namespace {

Where whereIs(int fd) {
  struct statx st;
  Where w;
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_TYPE | STATX_MNT_ID, &st) != 0) return w;
  w.ok = true;
  w.folder = S_ISDIR(st.stx_mode);
  w.hasMountId = (st.stx_mask & STATX_MNT_ID) != 0;
  w.mountId = st.stx_mnt_id;
  w.device = deviceOf(st);
  w.mountRoot = isMountRoot(st);
  return w;
}

// Whether `inner` is on the mount `start` is on.  The mount id tells bind mounts of one
// filesystem apart; kernels before 5.8 have none, then the device and the mount-root flag.
bool sameMount(const Where& start, const Where& inner) {
  if (start.hasMountId && inner.hasMountId) return start.mountId == inner.mountId;
  return start.device == inner.device && !inner.mountRoot;
}

// Why `name` in `dirFd` could not be opened as a folder, from what it is (never following
// it); `err` is what the open said.
PathRefused explain(int dirFd, std::string_view name, std::string_view at, int err) {
  const std::string n(name);
  struct statx st;
  if (::statx(dirFd, n.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &st) != 0) {
    const int why = errno;
    return why == ENOENT ? refusal(PathProblem::Missing, at, ENOENT)
                         : refusal(PathProblem::Unreadable, at, err);
  }
  if (S_ISLNK(st.stx_mode)) return refusal(PathProblem::Symlink, at, ELOOP);
  if (!S_ISDIR(st.stx_mode)) return refusal(PathProblem::NotAFolder, at, ENOTDIR);
  // A folder now: replaced since the open, or refused for another reason (EACCES, EIO).
  return refusal(err == ENOENT ? PathProblem::Missing : PathProblem::Unreadable, at, err);
}

// One component at a time from `start`, each opened with O_NOFOLLOW | O_DIRECTORY relative
// to the one before; `path` is what `at` is cut from.
PathResult<UniqueFd> walk(int start, std::string_view path, const std::vector<Component>& parts,
                          const PathRules& rules) {
  const Where origin = rules.sameMount ? whereIs(start) : Where{};
  if (rules.sameMount && !origin.ok) {
    return Unexpected{refusal(PathProblem::Unreadable, path.substr(0, 0), errno)};
  }
  if (parts.empty()) {
    UniqueFd self(::openat(start, ".", kFolderFlags));
    if (!self) return Unexpected{refusal(PathProblem::Unreadable, path.substr(0, 0), errno)};
    return self;
  }
  UniqueFd cur;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    const int dirFd = cur ? cur.get() : start;
    const std::string name(parts[i].name);
    const std::string_view at = path.substr(0, parts[i].end);
    UniqueFd next(::openat(dirFd, name.c_str(), last ? kFolderFlags : kStepFlags));
    if (!next) return Unexpected{explain(dirFd, parts[i].name, at, errno)};
    const Where w = whereIs(next.get());
    // O_PATH | O_NOFOLLOW may hand back a symlink itself on some kernels: look at what it is.
    if (!w.ok || !w.folder) return Unexpected{explain(dirFd, parts[i].name, at, ENOTDIR)};
    if (rules.sameMount && !sameMount(origin, w)) {
      return Unexpected{refusal(PathProblem::OtherMount, at, EXDEV)};
    }
    cur = std::move(next);
  }
  return cur;
}

// openat2 with every symlink refused; -1 with errno when it failed.
int kernelOpen(int dirFd, const std::string& path, bool beneath, const PathRules& rules) {
  struct open_how how = {};
  how.flags = static_cast<std::uint64_t>(kFolderFlags);
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  if (rules.sameMount) how.resolve |= RESOLVE_NO_XDEV;
  if (beneath) how.resolve |= RESOLVE_BENEATH;
  return static_cast<int>(::syscall(SYS_openat2, dirFd, path.c_str(), &how, sizeof how));
}

// The kernel's answer when it can give one; nullopt-like invalid fd when the walk must run
// (openat2 missing or filtered: remembered; or refused: the walk says where and why).
UniqueFd tryKernel(int dirFd, std::string_view path, bool beneath, const PathRules& rules) {
  if (rules.resolver == PathRules::Resolver::Walk || kernelState.load() < 0) return UniqueFd();
  UniqueFd fd(kernelOpen(dirFd, std::string(path), beneath, rules));
  if (fd) {
    kernelState.store(1);
    return fd;
  }
  // ENOSYS: a kernel before 5.6, or systemd's RestrictSUIDSGID= filter (248 and later);
  // EPERM: that filter in older systemd, or another sandbox; E2BIG/EINVAL: a kernel that
  // does not know these flags.  The walk does the same work.
  const int err = errno;
  if (err == ENOSYS || err == EPERM || err == E2BIG || err == EINVAL) kernelState.store(-1);
  return UniqueFd();
}

}  // namespace

const char* problemName(PathProblem problem) {
  switch (problem) {
    case PathProblem::NotAbsolute:
      return "not-absolute";
    case PathProblem::NotRelative:
      return "not-relative";
    case PathProblem::DotDot:
      return "dot-dot";
    case PathProblem::Symlink:
      return "symlink";
    case PathProblem::NotAFolder:
      return "not-a-folder";
    case PathProblem::Missing:
      return "missing";
    case PathProblem::OtherMount:
      return "other-mount";
    case PathProblem::Unreadable:
      return "unreadable";
  }
  return "?";
}

std::string PathRefused::message() const {
  std::string out = at.empty() ? std::string(".") : at;
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  switch (problem) {
    case PathProblem::NotAbsolute:
      return out + " is not an absolute path";
    case PathProblem::NotRelative:
      return out + " is not a relative path";
    case PathProblem::DotDot:
      return out + ": \"..\" is refused, not resolved";
    case PathProblem::Symlink:
      return out + " is a symlink: not followed";
    case PathProblem::NotAFolder:
      return out + " is not a folder";
    case PathProblem::Missing:
      return out + " does not exist";
    case PathProblem::OtherMount:
      return out + " is on another mount: not entered";
    case PathProblem::Unreadable:
      return out + " cannot be opened: " + error.message();
  }
  return out;
}

PathResult<UniqueFd> openFolderPath(std::string_view path, PathRules rules) {
  if (path.empty() || path.front() != '/') {
    return Unexpected{refusal(PathProblem::NotAbsolute, path, EINVAL)};
  }
  auto parts = componentsOf(path);
  if (!parts) return Unexpected{parts.error()};
  if (UniqueFd fd = tryKernel(AT_FDCWD, path, false, rules)) return fd;
  UniqueFd root(::open("/", kStepFlags));
  if (!root) return Unexpected{refusal(PathProblem::Unreadable, "/", errno)};
  auto out = walk(root.get(), path, *parts, rules);
  // A refusal at "/" itself reads better as "/" than as "".
  if (!out && out.error().at.empty()) {
    return Unexpected{PathRefused{out.error().problem, "/", out.error().error}};
  }
  return out;
}

PathResult<UniqueFd> openFolderBelow(int folderFd, std::string_view relative, PathRules rules) {
  if (!relative.empty() && relative.front() == '/') {
    return Unexpected{refusal(PathProblem::NotRelative, relative, EINVAL)};
  }
  auto parts = componentsOf(relative);
  if (!parts) return Unexpected{parts.error()};
  if (!parts->empty()) {
    if (UniqueFd fd = tryKernel(folderFd, relative, true, rules)) return fd;
  }
  return walk(folderFd, relative, *parts, rules);
}

bool kernelResolvesPaths() {
  return kernelState.load() > 0;
}

bool RefusalNotice::refused(const PathRefused& why) {
  const bool tell = !refused_ || !(why == last_);
  refused_ = true;
  last_ = why;
  return tell;
}

bool RefusalNotice::resolved() {
  const bool tell = refused_;
  refused_ = false;
  return tell;
}

}  // namespace openclaw
