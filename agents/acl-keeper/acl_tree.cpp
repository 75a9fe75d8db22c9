#include "acl_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

namespace openclaw::aclkeeper {
namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;

std::string procPath(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

std::string join(const std::string& rel, const std::string& name) {
  return rel.empty() ? name : rel + '/' + name;
}

bool statFd(int fd, struct statx& st) {
  return ::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE | STATX_NLINK,
                 &st) == 0;
}

dev_t devOf(const struct statx& st) {
  return makedev(st.stx_dev_major, st.stx_dev_minor);
}

bool isMountRoot(const struct statx& st) {
  return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

AclKind kindOfTag(acl_tag_t tag) {
  switch (tag) {
    case ACL_USER_OBJ:
      return AclKind::UserObj;
    case ACL_USER:
      return AclKind::User;
    case ACL_GROUP_OBJ:
      return AclKind::GroupObj;
    case ACL_GROUP:
      return AclKind::Group;
    case ACL_MASK:
      return AclKind::Mask;
    default:
      return AclKind::Other;
  }
}

acl_tag_t tagOfKind(AclKind kind) {
  switch (kind) {
    case AclKind::UserObj:
      return ACL_USER_OBJ;
    case AclKind::User:
      return ACL_USER;
    case AclKind::GroupObj:
      return ACL_GROUP_OBJ;
    case AclKind::Group:
      return ACL_GROUP;
    case AclKind::Mask:
      return ACL_MASK;
    case AclKind::Other:
      return ACL_OTHER;
  }
  return ACL_OTHER;
}

Result<AclList> toList(acl_t acl) {
  AclList list;
  acl_entry_t entry;
  for (int r = acl_get_entry(acl, ACL_FIRST_ENTRY, &entry); r == 1;
       r = acl_get_entry(acl, ACL_NEXT_ENTRY, &entry)) {
    acl_tag_t tag;
    acl_permset_t permset;
    if (acl_get_tag_type(entry, &tag) != 0 || acl_get_permset(entry, &permset) != 0) {
      return fromErrno();
    }
    AclItem item;
    item.kind = kindOfTag(tag);
    if (tag == ACL_USER || tag == ACL_GROUP) {
      void* q = acl_get_qualifier(entry);
      if (!q) return fromErrno();
      item.id = *static_cast<std::uint32_t*>(q);
      acl_free(q);
    }
    item.perms = (acl_get_perm(permset, ACL_READ) == 1 ? 4u : 0u) |
                 (acl_get_perm(permset, ACL_WRITE) == 1 ? 2u : 0u) |
                 (acl_get_perm(permset, ACL_EXECUTE) == 1 ? 1u : 0u);
    list.push_back(item);
  }
  normalize(list);
  return list;
}

Result<AclPtr> fromList(const AclList& list) {
  AclPtr acl(acl_init(static_cast<int>(list.size())));
  if (!acl) return fromErrno();
  acl_t raw = acl.get();
  for (const auto& item : list) {
    acl_entry_t entry;
    acl_permset_t permset;
    if (acl_create_entry(&raw, &entry) != 0) return fromErrno();
    if (raw != acl.get()) {  // libacl may move the ACL to grow it
      static_cast<void>(acl.release());
      acl.reset(raw);
    }
    if (acl_set_tag_type(entry, tagOfKind(item.kind)) != 0) return fromErrno();
    if (item.kind == AclKind::User || item.kind == AclKind::Group) {
      const std::uint32_t id = item.id;
      if (acl_set_qualifier(entry, &id) != 0) return fromErrno();
    }
    if (acl_get_permset(entry, &permset) != 0 || acl_clear_perms(permset) != 0) {
      return fromErrno();
    }
    if ((item.perms & 4u) && acl_add_perm(permset, ACL_READ) != 0) return fromErrno();
    if ((item.perms & 2u) && acl_add_perm(permset, ACL_WRITE) != 0) return fromErrno();
    if ((item.perms & 1u) && acl_add_perm(permset, ACL_EXECUTE) != 0) return fromErrno();
  }
  if (acl_valid(acl.get()) != 0) return fromErrno(EINVAL);
  return acl;
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

Result<AclList> readAcl(int fd, bool defaultAcl) {
  // libacl reads a default ACL by path only; /proc/self/fd/N names this very folder.
  AclPtr acl(defaultAcl ? acl_get_file(procPath(fd).c_str(), ACL_TYPE_DEFAULT) : acl_get_fd(fd));
  if (!acl) return fromErrno();
  return toList(acl.get());
}

Result<Ok> writeAcl(int fd, bool defaultAcl, const AclList& list) {
  auto acl = fromList(list);
  if (!acl) return Unexpected{acl.error()};
  const int r = defaultAcl ? acl_set_file(procPath(fd).c_str(), ACL_TYPE_DEFAULT, acl->get())
                           : acl_set_fd(fd, acl->get());
  if (r != 0) return fromErrno();
  return Ok{};
}

AclTree::AclTree(AclRule rule, TreeMode mode, TreeListener listener)
    : rule_(std::move(rule)), mode_(mode), listener_(std::move(listener)) {
  while (rule_.path.size() > 1 && rule_.path.back() == '/') rule_.path.pop_back();
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

Result<Ok> AclTree::openRoot() {
  // The root is the operator's path; only its last component is guarded (O_NOFOLLOW).
  UniqueFd fd(::open(rule_.path.c_str(), kFolderFlags));
  if (!fd) return fromErrno();
  struct statx st;
  if (!statFd(fd.get(), st)) return fromErrno();
  rootDev_ = devOf(st);
  root_ = std::move(fd);
  ++counts_.folders;
  check(root_.get(), true, "");
  return Ok{};
}

bool AclTree::sameFilesystem(int fd, const std::string& rel) {
  struct statx st;
  if (!statFd(fd, st)) {
    skip(rel, Skip::Error, std::string("statx: ") + std::strerror(errno));
    return false;
  }
  if (devOf(st) != rootDev_ || isMountRoot(st)) {
    skip(rel, Skip::OtherFilesystem, "a mount point; not entered");
    return false;
  }
  return true;
}

Result<UniqueFd> AclTree::openFolder(const std::string& rel) {
  if (!root_) return fromErrno(EBADF);
  UniqueFd cur(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
  if (!cur) return fromErrno();
  std::size_t start = 0;
  while (start < rel.size()) {
    auto end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    const std::string part = rel.substr(start, end - start);
    UniqueFd next(::openat(cur.get(), part.c_str(), kFolderFlags));
    if (!next) return fromErrno();
    struct statx st;
    if (!statFd(next.get(), st)) return fromErrno();
    if (devOf(st) != rootDev_ || isMountRoot(st)) return fromErrno(EXDEV);
    cur = std::move(next);
    start = end + 1;
  }
  return cur;
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
  std::string haveText;
  std::string wantText;
  bool wrong = want != *have;
  if (wrong) {
    haveText = toText(*have);
    wantText = toText(want);
  }
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
    if (wrongDefault) {
      if (!haveText.empty()) {
        haveText += ' ';
        wantText += ' ';
      }
      haveText += "default:" + (haveDefault.empty() ? "none" : toText(haveDefault));
      wantText += "default:" + toText(wantDefault);
    }
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
  if (listener_.fixed) listener_.fixed(absolute(rel), haveText, wantText);
}

void AclTree::visitSelf(int folderFd, const std::string& rel) {
  check(folderFd, true, rel);
}

EntryResult AclTree::visit(int dirFd, const std::string& relDir, const std::string& name,
                           unsigned char dtype) {
  const std::string rel = join(relDir, name);
  EntryResult result;
  // getdents' type saves a system call for the common cases; anything it does not settle,
  // and any race with a rename, is settled by statx on an O_PATH descriptor below.
  switch (dtype) {
    case DT_LNK:
      skip(rel, Skip::Symlink, "not followed");
      result.kind = EntryResult::Skipped;
      return result;
    case DT_FIFO:
    case DT_SOCK:
    case DT_CHR:
    case DT_BLK:
      skip(rel, Skip::Special, "not opened");
      result.kind = EntryResult::Skipped;
      return result;
    default:
      break;
  }
  UniqueFd folder;
  if (dtype == DT_DIR) {
    folder.reset(::openat(dirFd, name.c_str(), kFolderFlags));
    if (!folder && errno == ENOENT) return result;
  }
  if (!folder) {
    UniqueFd path(::openat(dirFd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!path) {
      if (errno != ENOENT) {
        skip(rel, Skip::Error, std::string("open: ") + std::strerror(errno));
        result.kind = EntryResult::Skipped;
      }
      return result;
    }
    struct statx st;
    if (!statFd(path.get(), st)) {
      skip(rel, Skip::Error, std::string("statx: ") + std::strerror(errno));
      result.kind = EntryResult::Skipped;
      return result;
    }
    result.kind = EntryResult::Skipped;
    if (S_ISLNK(st.stx_mode)) {
      skip(rel, Skip::Symlink, "not followed");
      return result;
    }
    if (S_ISDIR(st.stx_mode)) {
      // Reopened through the descriptor: the same folder, whatever the name points to now.
      folder.reset(::open(procPath(path.get()).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (!folder) {
        skip(rel, Skip::Error, std::string("open: ") + std::strerror(errno));
        return result;
      }
    } else if (!S_ISREG(st.stx_mode)) {
      skip(rel, Skip::Special, "not opened");
      return result;
    } else if (st.stx_nlink > 1) {
      skip(rel, Skip::HardLinked, std::to_string(st.stx_nlink) + " links; may be outside the tree");
      return result;
    } else {
      if (devOf(st) != rootDev_ || isMountRoot(st)) {
        skip(rel, Skip::OtherFilesystem, "a mount point; not entered");
        return result;
      }
      UniqueFd file(
          ::open(procPath(path.get()).c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
      if (!file) {
        skip(rel, Skip::Error, std::string("open: ") + std::strerror(errno));
        return result;
      }
      check(file.get(), false, rel);
      result.kind = EntryResult::File;
      return result;
    }
  }
  if (!sameFilesystem(folder.get(), rel)) {
    result.kind = EntryResult::Skipped;
    return result;
  }
  ++counts_.folders;
  check(folder.get(), true, rel);
  result.kind = EntryResult::Folder;
  result.folder = std::move(folder);
  return result;
}

Result<Ok> AclTree::visitChildren(int folderFd, const std::string& rel,
                                  std::vector<std::string>& sub) {
  // Watched before it is listed, so nothing created meanwhile falls between the two.
  if (listener_.folder) listener_.folder(folderFd, rel);
  UniqueFd dup(::fcntl(folderFd, F_DUPFD_CLOEXEC, 0));
  if (!dup) return fromErrno();
  DIR* dir = ::fdopendir(dup.get());
  if (!dir) return fromErrno();
  static_cast<void>(dup.release());
  const int dirFd = ::dirfd(dir);
  errno = 0;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    auto r = visit(dirFd, rel, name, e->d_type);
    if (r.kind == EntryResult::Folder) sub.push_back(join(rel, name));
    errno = 0;
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return fromErrno(err);
  return Ok{};
}

}  // namespace openclaw::aclkeeper
