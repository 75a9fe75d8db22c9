// The bytes of a system.posix_acl_access or system.posix_acl_default xattr, as acl-keeper
// reads them from files a container owns: decodeAclXattr, then the policy on what it
// decoded, as a sweep checks a file and a folder, for three rules.  Properties: a decoded
// list is sorted with one item per (kind, id) and permissions within rwx; the policy is
// idempotent (what it writes, read back, is already right: no churn); and from a valid ACL
// it wants a valid one (one owner, owning group and other entry; a mask when any named
// entry is there), which the kernel would accept.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "acl_keeper_config.h"
#include "acl_policy.h"
#include "acl_tree.h"
#include "fuzz_check.h"

namespace {

using namespace openclaw::aclkeeper;
using openclaw::fuzz::require;

std::vector<AclEntrySpec> rule(std::initializer_list<const char*> texts) {
  std::vector<AclEntrySpec> entries;
  for (const char* t : texts) entries.push_back(*parseAclEntry(t));
  return entries;
}

bool wellFormed(const AclList& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].perms > 7) return false;
    if (i > 0 &&
        !(std::tie(list[i - 1].kind, list[i - 1].id) < std::tie(list[i].kind, list[i].id))) {
      return false;
    }
  }
  return true;
}

bool valid(const AclList& list) {
  std::size_t owner = 0, group = 0, other = 0, mask = 0, named = 0;
  for (const auto& item : list) {
    owner += item.kind == AclKind::UserObj;
    group += item.kind == AclKind::GroupObj;
    other += item.kind == AclKind::Other;
    mask += item.kind == AclKind::Mask;
    named += item.kind == AclKind::User || item.kind == AclKind::Group;
  }
  return owner == 1 && group == 1 && other == 1 && mask <= 1 && (named == 0 || mask == 1);
}

void checkPolicy(const AclList& have, const std::vector<AclEntrySpec>& entries) {
  for (const bool isDir : {false, true}) {
    const AclList want = wantedAccess(have, entries, isDir);
    require(wellFormed(want), "the wanted ACL is sorted and unique");
    require(wantedAccess(want, entries, isDir) == want, "the wanted ACL is kept as it is");
    if (valid(have)) require(valid(want), "a valid ACL is made into a valid one");
    static_cast<void>(toText(want));
  }
  // As a folder's default ACL, beside a valid access ACL the rule made.
  const AclList access = wantedAccess(
      {{AclKind::UserObj, 0, 7}, {AclKind::GroupObj, 0, 5}, {AclKind::Other, 0, 0}}, entries, true);
  const AclList want = wantedDefault(have, access, entries);
  require(wantedDefault(want, access, entries) == want, "the wanted default ACL is kept");
  if (have.empty() || valid(have)) require(valid(want), "a valid default ACL stays valid");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::vector<AclEntrySpec>> rules = {
      rule({"u:101000:rwX", "g:101000:rwx"}),
      rule({"u:101000:rwx", "m::r-x"}),
      rule({"u::rwx", "g::r-X", "o::---", "g:0:r"}),
  };
  const auto list = decodeAclXattr(data, size);
  if (!list) return 0;
  require(wellFormed(*list), "a decoded ACL is sorted, unique and within rwx");
  static_cast<void>(toText(*list));
  for (const auto& entries : rules) checkPolicy(*list, entries);
  return 0;
}
