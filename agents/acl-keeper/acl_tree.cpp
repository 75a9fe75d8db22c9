#include "acl_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>

namespace openclaw::aclkeeper {
namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

std::string join(const std::string& rel, const std::string& name) {
  return rel.empty() ? name : rel + '/' + name;
}

}  // namespace

const char* skipName(Skip why) {
  switch (why) {
    case Skip::Symlink:
      return "symlink";
    case Skip::HardLinked:
      return "hard-linked";
    case Skip::OtherFilesystem:
      return "other filesystem";
    case Skip::Special:
      return "special file";
    case Skip::Error:
      return "error";
    case Skip::TooDeep:
      return "too deep";
  }
  return "?";
}

std::uint64_t TreeCounts::skippedTotal() const {
  std::uint64_t total = 0;
  for (auto n : skipped) total += n;
  return total;
}

void TreeCounts::add(const TreeCounts& other) {
  checked += other.checked;
  fixed += other.fixed;
  folders += other.folders;
  for (std::size_t i = 0; i < kSkipKinds; ++i) skipped[i] += other.skipped[i];
}

std::string TreeCounts::skippedText() const {
  std::string out;
  for (std::size_t i = 0; i < kSkipKinds; ++i) {
    if (skipped[i] == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(skipped[i]) + ' ' + skipName(static_cast<Skip>(i));
  }
  return out;
}

AclTree::AclTree(AclRule rule, TreeMode mode, TreeListener listener)
    : rule_(std::move(rule)), mode_(mode), listener_(std::move(listener)) {
  while (rule_.path.size() > 1 && rule_.path.back() == '/') rule_.path.pop_back();
}

std::string Drift::path() const {
  return tree.absolute(rel);
}

std::string Drift::haveText() const {
  std::string out = have == want ? "" : toText(have);
  if (haveDefault) {
    out += (out.empty() ? "" : " ") + std::string("default:") +
           (haveDefault->empty() ? "none" : toText(*haveDefault));
  }
  return out;
}

std::string Drift::wantText() const {
  std::string out = have == want ? "" : toText(want);
  if (wantDefault) out += (out.empty() ? "" : " ") + std::string("default:") + toText(*wantDefault);
  return out;
}

std::string AclTree::absolute(const std::string& rel) const {
  std::string out = rel.empty() ? rule_.path : rule_.path + '/' + rel;
  // Names come from the container: a control character must not forge a line in a log.
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

PathResult<Ok> AclTree::openRoot() {
  // The operator's path, but a container can write its parents: no symlink anywhere.
  auto fd = openFolderPath(rule_.path);
  if (!fd) return Unexpected{fd.error()};
  struct statx st;
  if (!statFd(fd->get(), st)) {
    return Unexpected{PathRefused{PathProblem::Unreadable, rule_.path, errnoCode(errno)}};
  }
  rootDev_ = deviceOf(st);
  root_ = std::move(*fd);
  ++counts_.folders;
  const auto fixed = counts_.fixed;
  check(root_.get(), true, "");
  rootFresh_ = counts_.fixed != fixed && mode_ == TreeMode::Apply;
  return Ok{};
}

bool AclTree::sameFilesystem(int fd, const std::string& rel) {
  struct statx st;
  if (!statFd(fd, st)) {
    skip(rel, Skip::Error, std::string("statx: ") + std::strerror(errno));
    return false;
  }
  if (deviceOf(st) != rootDev_ || isMountRoot(st)) {
    skip(rel, Skip::OtherFilesystem, "a mount point; not entered");
    return false;
  }
  return true;
}

PathResult<UniqueFd> AclTree::openFolder(const std::string& rel) {
  if (!root_) return Unexpected{PathRefused{PathProblem::Unreadable, rel, errnoCode(EBADF)}};
  PathRules rules;
  rules.sameMount = true;
  return openFolderBelow(root_.get(), rel, rules);
}

void AclTree::skip(const std::string& rel, Skip why, const std::string& detail) {
  ++counts_.skipped[static_cast<std::size_t>(why)];
  if (listener_.skipped) listener_.skipped(absolute(rel), why, detail);
}

void AclTree::check(int fd, bool isDir, const std::string& rel) {
  ++counts_.checked;
  auto have = readAcl(fd, false);
  if (!have) {
    skip(rel, Skip::Error, "reading the ACL: " + have.error().message());
    return;
  }
  const AclList want = wantedAccess(*have, rule_.entries, isDir);
  const bool wrong = want != *have;
  AclList haveDefault;
  AclList wantDefault;
  bool wrongDefault = false;
  if (isDir && rule_.withDefault) {
    auto d = readAcl(fd, true);
    if (!d) {
      skip(rel, Skip::Error, "reading the default ACL: " + d.error().message());
      return;
    }
    haveDefault = std::move(*d);
    wantDefault = wantedDefault(haveDefault, want, rule_.entries);
    wrongDefault = wantDefault != haveDefault;
  }
  if (!wrong && !wrongDefault) return;
  if (mode_ == TreeMode::Apply) {
    // The access ACL first: a folder's default ACL only matters for what is created later.
    if (wrong) {
      if (auto w = writeAcl(fd, false, want); !w) {
        skip(rel, Skip::Error, "writing the ACL: " + w.error().message());
        return;
      }
    }
    if (wrongDefault) {
      if (auto w = writeAcl(fd, true, wantDefault); !w) {
        skip(rel, Skip::Error, "writing the default ACL: " + w.error().message());
        return;
      }
    }
  }
  ++counts_.fixed;
  if (listener_.fixed) {
    Drift drift{*this, rel, *have, want};
    if (wrongDefault) {
      drift.haveDefault = &haveDefault;
      drift.wantDefault = &wantDefault;
    }
    listener_.fixed(drift);
  }
}

void AclTree::tooDeep(const std::string& rel, unsigned maxDepth) {
  skip(rel, Skip::TooDeep,
       "more than " + std::to_string(maxDepth) + " levels below the tree's root: not entered");
}

void AclTree::closeLater(UniqueFd fd) {
  // A fixed file's descriptor is usually the number after the previous one: a run of them is
  // closed with one close_range, a system call saved per file on a first application.
  if (closeLast_ >= 0 && fd.get() == closeLast_ + 1 && closeLast_ - closeFirst_ < 63) {
    closeLast_ = fd.release();
    return;
  }
  closePending();
  closeFirst_ = closeLast_ = fd.release();
}

void AclTree::closePending() {
  if (closeFirst_ < 0) return;
  if (::close_range(static_cast<unsigned>(closeFirst_), static_cast<unsigned>(closeLast_), 0) !=
      0) {
    // Refused (an older seccomp filter, say): one by one.
    for (int fd = closeFirst_; fd <= closeLast_; ++fd) ::close(fd);
  }
  closeFirst_ = closeLast_ = -1;
}

AclTree::~AclTree() {
  closePending();
}

void AclTree::visitSelf(int folderFd, const std::string& rel) {
  check(folderFd, true, rel);
}

namespace {
// The process's working folder, for the xattr calls that have no *at form; back to / after,
// so no tree's filesystem is kept busy.
class InFolder {
 public:
  explicit InFolder(int fd, bool already) : entered_(!already) {
    if (entered_) ok_ = ::fchdir(fd) == 0;
  }
  ~InFolder() {
    if (entered_ && ::chdir("/") != 0) {
      // "/" always exists; nothing sensible to do otherwise.
    }
  }
  bool ok() const { return ok_; }

 private:
  bool entered_;
  bool ok_ = true;
};
}  // namespace

AclTree::Quick AclTree::quickCheck(const std::string& name) {
  // The common case in one system call: the ACL read by name (from inside the folder),
  // nothing opened or followed, and already right.
  auto quick = readXattr(
      [&name](void* buf, std::size_t size) {
        return ::lgetxattr(name.c_str(), kAccessXattr, buf, size);
      },
      []() -> Result<AclList> { return fromErrno(ENODATA); });
  if (quick && wantedAccess(*quick, rule_.entries, false) == *quick) {
    ++counts_.checked;
    return Quick::Right;
  }
  return !quick && quick.error() == std::errc::no_message_available ? Quick::NoAcl : Quick::Other;
}

EntryResult::Kind AclTree::checkFile(int dirFd, const std::string& name, const std::string& rel) {
  const Quick quick = quickCheck(name);
  if (quick == Quick::Right) return EntryResult::File;
  return slowFile(dirFd, name, rel, quick == Quick::NoAcl, false);
}

EntryResult::Kind AclTree::slowFile(int dirFd, const std::string& name, const std::string& rel,
                                    bool noAcl, bool inProcFds) {
  // Anything else goes through a descriptor: what the name is now, classified by statx on
  // it, read again and written through it, so a name swapped meanwhile changes nothing.
  UniqueFd path(::openat(dirFd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!path) {
    if (errno == ENOENT) return EntryResult::Gone;
    skip(rel, Skip::Error, std::string("open: ") + std::strerror(errno));
    return EntryResult::Skipped;
  }
  struct statx st;
  if (!statFd(path.get(), st)) {
    skip(rel, Skip::Error, std::string("statx: ") + std::strerror(errno));
    return EntryResult::Skipped;
  }
  if (S_ISLNK(st.stx_mode)) {
    skip(rel, Skip::Symlink, "not followed");
    return EntryResult::Skipped;
  }
  if (S_ISDIR(st.stx_mode)) return EntryResult::Gone;  // a folder now: its own event says so
  if (!S_ISREG(st.stx_mode)) {
    skip(rel, Skip::Special, "not opened");
    return EntryResult::Skipped;
  }
  if (st.stx_nlink > 1) {
    skip(rel, Skip::HardLinked,
         std::to_string(st.stx_nlink) + " links; the others may be outside the tree");
    return EntryResult::Skipped;
  }
  if (deviceOf(st) != rootDev_ || isMountRoot(st)) {
    skip(rel, Skip::OtherFilesystem, "a mount point; not entered");
    return EntryResult::Skipped;
  }
  ++counts_.checked;
  // /proc/self/fd/N is the inode the descriptor holds, whatever the name is now; "N" when the
  // working folder is /proc/self/fd (visitChildren's writes), a shorter walk.
  const std::string inode = inProcFds ? std::to_string(path.get()) : procPath(path.get());
  // Read again through the descriptor, unless the name had no ACL at all: then the mode of
  // this very inode is all there is to keep, and nothing of another file can be carried over.
  auto have = noAcl ? Result<AclList>(aclFromMode(st.stx_mode))
                    : readXattr(
                          [&inode](void* buf, std::size_t size) {
                            return ::getxattr(inode.c_str(), kAccessXattr, buf, size);
                          },
                          [&st]() -> Result<AclList> { return aclFromMode(st.stx_mode); });
  if (!have) {
    skip(rel, Skip::Error, "reading the ACL: " + have.error().message());
    return EntryResult::Skipped;
  }
  const AclList want = wantedAccess(*have, rule_.entries, false);
  if (want == *have) return EntryResult::File;
  if (mode_ == TreeMode::Apply && !writeAccess(inode, rel, want)) return EntryResult::Skipped;
  ++counts_.fixed;
  if (listener_.fixed) listener_.fixed(Drift{*this, rel, *have, want});
  closeLater(std::move(path));
  return EntryResult::File;
}

bool AclTree::writeAccess(const std::string& inode, const std::string& rel, const AclList& want) {
  auto acl = fromList(want);
  if (!acl) {
    skip(rel, Skip::Error, "building the ACL: " + acl.error().message());
    return false;
  }
  if (acl_set_file(inode.c_str(), ACL_TYPE_ACCESS, acl->get()) != 0) {
    skip(rel, Skip::Error, std::string("writing the ACL: ") + std::strerror(errno));
    return false;
  }
  return true;
}

EntryResult::Kind AclTree::visitFile(int dirFd, const std::string& name, const std::string& rel,
                                     bool inFolder, std::vector<Deferred>* later) {
  InFolder here(dirFd, inFolder);
  if (!here.ok()) {
    skip(rel, Skip::Error, std::string("entering its folder: ") + std::strerror(errno));
    return EntryResult::Skipped;
  }
  if (later) {
    const Quick quick = quickCheck(name);
    if (quick != Quick::Right) later->push_back({name, quick == Quick::NoAcl});
    return EntryResult::File;
  }
  return checkFile(dirFd, name, rel);
}

EntryResult AclTree::visit(int dirFd, const std::string& relDir, const std::string& name,
                           unsigned char dtype, bool inFolder, std::vector<Deferred>* later) {
  const std::string rel = join(relDir, name);
  EntryResult result;
  result.kind = EntryResult::Skipped;
  // getdents' type saves a system call for links and special files; anything else, and any
  // race with a rename, is settled by statx on the name (never following it).
  switch (dtype) {
    case DT_LNK:
      skip(rel, Skip::Symlink, "not followed");
      return result;
    case DT_FIFO:
    case DT_SOCK:
    case DT_CHR:
    case DT_BLK:
      skip(rel, Skip::Special, "not opened");
      return result;
    default:
      break;
  }
  if (dtype == DT_REG) {
    result.kind = visitFile(dirFd, name, rel, inFolder, later);
    return result;
  }
  UniqueFd folder;
  if (dtype == DT_DIR) folder.reset(::openat(dirFd, name.c_str(), kFolderFlags));
  if (!folder) {
    struct statx st;
    if (::statx(dirFd, name.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, kAclStatxMask, &st) !=
        0) {
      if (errno == ENOENT) {
        result.kind = EntryResult::Gone;
      } else {
        skip(rel, Skip::Error, std::string("statx: ") + std::strerror(errno));
      }
      return result;
    }
    if (!S_ISDIR(st.stx_mode)) return visit(dirFd, relDir, name, DT_REG, inFolder, later);
    folder.reset(::openat(dirFd, name.c_str(), kFolderFlags));
    if (!folder) {
      // Replaced by something else since statx: its own event, or the next sweep, sees it.
      result.kind = EntryResult::Gone;
      return result;
    }
  }
  if (!sameFilesystem(folder.get(), rel)) return result;
  ++counts_.folders;
  const auto fixed = counts_.fixed;
  check(folder.get(), true, rel);
  result.fresh = counts_.fixed != fixed && mode_ == TreeMode::Apply;
  result.kind = EntryResult::Folder;
  result.folder = std::move(folder);
  return result;
}

namespace {
// A directory stream of its own over a copy of `folderFd`; nullptr (errno set) on failure.
DIR* openStream(int folderFd) {
  UniqueFd dup(::fcntl(folderFd, F_DUPFD_CLOEXEC, 0));
  if (!dup) return nullptr;
  DIR* dir = ::fdopendir(dup.get());
  if (dir) {
    static_cast<void>(dup.release());
    return dir;
  }
  const int err = errno;
  dup.reset();
  errno = err;  // fdopendir's, not the close's
  return nullptr;
}
}  // namespace

Result<Ok> AclTree::visitChildren(int folderFd, const std::string& rel, std::vector<SubFolder>& sub,
                                  WatchOrder order) {
  if (!listener_.folder) order = WatchOrder::First;  // nothing to watch: one pass
  // Watched before it is listed, so nothing created meanwhile falls between the two.
  if (order == WatchOrder::First && listener_.folder) listener_.folder(folderFd, rel);
  DIR* dir = openStream(folderFd);
  if (!dir) return fromErrno();
  const int dirFd = ::dirfd(dir);
  InFolder here(dirFd, false);
  if (!here.ok()) {
    const int err = errno;
    ::closedir(dir);
    return fromErrno(err);
  }
  std::unordered_set<std::string> seen;
  std::vector<Deferred> later;
  // In the second pass, a name the first pass counted is counted again only if it is fixed.
  const auto once = [&](bool again, auto&& work) { countOnce(again, work); };
  const auto pass = [&](bool second) {
    errno = 0;
    while (const dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const bool again = second && seen.contains(name);
      once(again, [&] {
        auto r = visit(dirFd, rel, name, e->d_type, true, &later);
        if (!again && r.kind == EntryResult::Folder) sub.push_back({name, r.fresh});
      });
      if (order == WatchOrder::After && !second) seen.insert(std::move(name));
      errno = 0;
    }
    const int err = errno;
    // The files to write, written from /proc/self/fd (one walk step to each inode instead of
    // four); from the folder with full /proc paths if that cannot be entered.
    if (!later.empty()) {
      if (!procFds_) procFds_.reset(::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      const bool inProc = procFds_ && ::fchdir(procFds_.get()) == 0;
      for (const auto& d : later) {
        once(second && seen.contains(d.name),
             [&] { slowFile(dirFd, d.name, join(rel, d.name), d.noAcl, inProc); });
      }
      later.clear();
      if (inProc && ::fchdir(dirFd) != 0) return errno;
    }
    return err;
  };
  int err = pass(false);
  if (err == 0 && order == WatchOrder::After) {
    // Watched only now, so the fixes above raised no inotify events to read back. What
    // changed between an entry's check and the watch is caught by checking again: a right
    // ACL costs one lgetxattr, and a name not seen before is new.
    listener_.folder(folderFd, rel);
    ::rewinddir(dir);
    err = pass(true);
  }
  closePending();
  ::closedir(dir);
  if (err != 0) return fromErrno(err);
  return Ok{};
}

}  // namespace openclaw::aclkeeper
