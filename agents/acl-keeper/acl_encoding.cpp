#include "acl_encoding.h"

#include <fcntl.h>
#include <sys/xattr.h>

namespace openclaw::aclkeeper {
namespace {

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

}  // namespace

std::string procPath(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

bool statFd(int fd, struct statx& st) {
  return ::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, kAclStatxMask, &st) == 0;
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

std::optional<AclList> decodeAclXattr(const unsigned char* data, std::size_t size) {
  // A little-endian 32-bit version (2), then entries of le16 tag, le16 perm, le32 id; the
  // tags are the values libacl's ACL_USER_OBJ, ACL_USER, ... have.
  const auto le16 = [](const unsigned char* p) { return unsigned(p[0]) | unsigned(p[1]) << 8; };
  const auto le32 = [](const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
           std::uint32_t(p[3]) << 24;
  };
  if (size < 4 || (size - 4) % 8 != 0 || le32(data) != 2) return std::nullopt;
  AclList list;
  for (std::size_t at = 4; at < size; at += 8) {
    const unsigned tag = le16(data + at);
    AclItem item;
    switch (tag) {
      case ACL_USER_OBJ:
      case ACL_USER:
      case ACL_GROUP_OBJ:
      case ACL_GROUP:
      case ACL_MASK:
      case ACL_OTHER:
        item.kind = kindOfTag(static_cast<acl_tag_t>(tag));
        break;
      default:
        return std::nullopt;
    }
    item.perms = le16(data + at + 2) & 7u;
    if (item.kind == AclKind::User || item.kind == AclKind::Group) item.id = le32(data + at + 4);
    list.push_back(item);
  }
  normalize(list);
  return list;
}

Result<AclList> readAcl(int fd, bool defaultAcl) {
  return readXattr(
      [fd, defaultAcl](void* buf, std::size_t size) {
        return ::fgetxattr(fd, defaultAcl ? kDefaultXattr : kAccessXattr, buf, size);
      },
      [fd, defaultAcl]() -> Result<AclList> {
        if (defaultAcl) return AclList{};
        struct statx st;
        if (!statFd(fd, st)) return fromErrno();
        return aclFromMode(st.stx_mode);
      });
}

Result<Ok> writeAcl(int fd, bool defaultAcl, const AclList& list) {
  auto acl = fromList(list);
  if (!acl) return Unexpected{acl.error()};
  const int r = defaultAcl ? acl_set_file(procPath(fd).c_str(), ACL_TYPE_DEFAULT, acl->get())
                           : acl_set_fd(fd, acl->get());
  if (r != 0) return fromErrno();
  return Ok{};
}

}  // namespace openclaw::aclkeeper
