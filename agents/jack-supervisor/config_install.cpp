#include "config_install.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include "config_check.h"
#include "openclaw/durable_file.h"
#include "openclaw/handles.h"
#include "openclaw/safe_path.h"
#include "openclaw/time_text.h"

namespace openclaw::supervisor {
namespace {

Unexpected<std::string> failure(const std::string& what) {
  return {what + ": " + std::strerror(errno)};
}

// Keeps the old file under a new name by hard link: linkat without AT_SYMLINK_FOLLOW links
// a symlink itself, never its target.  Two restores in one second get "-1", "-2", ...
Expected<std::string, std::string> keepOld(int dirFd, const std::string& name, std::int64_t now) {
  const std::string base = name + ".broken-" + utcStamp(now);
  for (int i = 0; i < 100; ++i) {
    const std::string kept = i == 0 ? base : base + "-" + std::to_string(i);
    if (::linkat(dirFd, name.c_str(), dirFd, kept.c_str(), 0) == 0) return kept;
    if (errno != EEXIST) return failure("cannot keep the old config as " + kept);
  }
  return Unexpected<std::string>{"cannot keep the old config: too many broken copies this second"};
}

}  // namespace

std::string utcStamp(std::int64_t unixSeconds) {
  return formatTime(unixSeconds, "%Y%m%dT%H%M%SZ", Zone::Utc);
}

std::optional<ConfigAttrs> readConfigAttrs(const std::string& path) {
  const auto [dir, name] = splitPath(path);
  auto dirFd = openFolderPath(dir);
  if (!dirFd) return std::nullopt;
  struct stat st {};
  if (::fstatat(dirFd->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode)) {
    return std::nullopt;
  }
  return ConfigAttrs{st.st_uid, st.st_gid, static_cast<std::uint32_t>(st.st_mode & 07777)};
}

Expected<std::string, std::string> installConfig(const std::string& liveConfig,
                                                 std::string_view content, std::int64_t nowUnix,
                                                 const std::optional<ConfigAttrs>& healthy) {
  const auto [dir, name] = splitPath(liveConfig);
  // Reached through folders only: a parent swapped for a symlink must not make root write
  // a config, or keep a broken copy, in another tree.
  auto reached = openFolderPath(dir);
  if (!reached) return Unexpected<std::string>{"cannot reach " + reached.error().message()};
  UniqueFd dirFd = std::move(*reached);

  struct stat old {};
  const bool hadOld = ::fstatat(dirFd.get(), name.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0;
  const bool oldRegular = hadOld && S_ISREG(old.st_mode);
  const ConfigAttrs attrs = healthy.value_or(ConfigAttrs{});
  // A bot may own its config and pick its mode, but it must not make root write a setuid,
  // setgid or world-writable file.
  const mode_t mode = attrs.mode & 0777 & ~static_cast<mode_t>(S_IWOTH);
  AclPtr acl;
  if (oldRegular && old.st_uid == attrs.uid) {
    UniqueFd oldFd(::openat(dirFd.get(), name.c_str(),
                            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (oldFd) acl.reset(::acl_get_fd(oldFd.get()));
  }

  const std::string tmp = "." + name + ".restore-" + std::to_string(::getpid());
  ::unlinkat(dirFd.get(), tmp.c_str(), 0);  // a leftover of an earlier, killed run
  UniqueFd fd(::openat(dirFd.get(), tmp.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return failure("cannot create a temporary file in " + dir);
  auto abandon = [&](const std::string& what) {
    auto err = failure(what);
    ::unlinkat(dirFd.get(), tmp.c_str(), 0);
    return err;
  };
  if (!writeAll(fd.get(), content)) return abandon("cannot write the new config");
  if (::fchown(fd.get(), attrs.uid, attrs.gid) != 0) return abandon("cannot set the owner");
  // Named entries the old file's ACL had (e.g. for a container user) are carried over;
  // failing to is not worth refusing the restore for.  A plain file's "ACL" is its mode
  // bits: never taken.  The mode set after it decides owner, mask and other entries.
  if (acl && ::acl_equiv_mode(acl.get(), nullptr) == 1) (void)::acl_set_fd(fd.get(), acl.get());
  if (::fchmod(fd.get(), mode) != 0) return abandon("cannot set the mode");
  if (::fsync(fd.get()) != 0) return abandon("cannot sync the new config");
  fd.reset();

  std::string kept;
  if (hadOld) {
    auto k = keepOld(dirFd.get(), name, nowUnix);
    if (!k) {
      ::unlinkat(dirFd.get(), tmp.c_str(), 0);
      return k;
    }
    kept = dir + "/" + *k;
  }
  if (::renameat(dirFd.get(), tmp.c_str(), dirFd.get(), name.c_str()) != 0) {
    return abandon("cannot put the new config in place");
  }
  if (::fsync(dirFd.get()) != 0) return failure("cannot sync " + dir);
  return kept;
}

std::vector<std::string> SnapshotStore::list() const {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(folder_.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.ends_with(".json") && n[0] != '.') names.push_back(n);
    }
    ::closedir(d);
  }
  // Names are UTC stamps: the lexical order is the time order.
  std::sort(names.rbegin(), names.rend());
  for (auto& n : names) n = folder_ + "/" + n;
  return names;
}

Expected<std::string, std::string> SnapshotStore::save(std::string_view content,
                                                       std::int64_t nowUnix) const {
  if (keep_ <= 0) return std::string();
  const auto existing = list();
  if (!existing.empty()) {
    auto newest = readConfigFile(existing.front());
    if (newest && *newest == content) return std::string();
  }
  if (::mkdir(folder_.c_str(), 0700) != 0 && errno != EEXIST) {
    return failure("cannot create " + folder_);
  }
  const std::string path = folder_ + "/" + utcStamp(nowUnix) + ".json";
  if (auto w = atomicWriteFile(path, content, 0600); !w) {
    return Unexpected<std::string>{"cannot write " + path + ": " + w.error().message()};
  }
  auto all = list();
  for (std::size_t i = static_cast<std::size_t>(keep_); i < all.size(); ++i) {
    ::unlink(all[i].c_str());
  }
  return path;
}

}  // namespace openclaw::supervisor
