#include "acl_policy.h"

#include <algorithm>
#include <optional>

namespace openclaw::aclkeeper {
namespace {

constexpr unsigned kExecuteIfAny = 8;  // setfacl's `X`, as parsed into AclEntrySpec::perms

AclKind kindOf(const AclEntrySpec& spec) {
  switch (spec.tag) {
    case AclTag::User:
      return spec.id ? AclKind::User : AclKind::UserObj;
    case AclTag::Group:
      return spec.id ? AclKind::Group : AclKind::GroupObj;
    case AclTag::Mask:
      return AclKind::Mask;
    case AclTag::Other:
      return AclKind::Other;
  }
  return AclKind::Other;
}

AclItem* find(AclList& list, AclKind kind, std::uint32_t id = 0) {
  for (auto& item : list) {
    if (item.kind == kind && item.id == id) return &item;
  }
  return nullptr;
}

const AclItem* find(const AclList& list, AclKind kind) {
  for (const auto& item : list) {
    if (item.kind == kind) return &item;
  }
  return nullptr;
}

void set(AclList& list, AclKind kind, std::uint32_t id, unsigned perms) {
  if (AclItem* item = find(list, kind, id)) {
    item->perms = perms;
  } else {
    list.push_back({kind, id, perms});
  }
}

// Merges the rule into `list`; `executable` resolves `X`.  Returns the explicit mask, if the
// rule names one.
std::optional<unsigned> merge(AclList& list, const std::vector<AclEntrySpec>& entries,
                              bool executable) {
  std::optional<unsigned> explicitMask;
  for (const auto& spec : entries) {
    unsigned perms = spec.perms & 7u;
    if ((spec.perms & kExecuteIfAny) && executable) perms |= 1u;
    const AclKind kind = kindOf(spec);
    if (kind == AclKind::Mask) {
      explicitMask = perms;
      continue;
    }
    set(list, kind, spec.id.value_or(0), perms);
  }
  return explicitMask;
}

// With named entries the group class is governed by the mask: the union of the group class,
// unless the rule pins it.
void fixMask(AclList& list, std::optional<unsigned> explicitMask) {
  unsigned groupClass = 0;
  bool named = false;
  for (const auto& item : list) {
    if (item.kind == AclKind::User || item.kind == AclKind::Group) named = true;
    if (item.kind == AclKind::User || item.kind == AclKind::Group ||
        item.kind == AclKind::GroupObj) {
      groupClass |= item.perms;
    }
  }
  if (!named && !explicitMask) return;
  set(list, AclKind::Mask, 0, explicitMask.value_or(groupClass));
}

// Whether the owner may execute once the rule is applied: the rule's own `u::` entry decides
// if it has one (its `X` by the owner's bit now), else the owner's bit now.  Resolving `X`
// by the bit before the rule instead would change the answer on the next sweep.
bool ownerExecutesAfter(const AclList& current, const std::vector<AclEntrySpec>& entries) {
  bool executes = ownerExecutes(current);
  for (const auto& spec : entries) {
    if (kindOf(spec) == AclKind::UserObj) {
      executes = (spec.perms & 1u) || ((spec.perms & kExecuteIfAny) && executes);
    }
  }
  return executes;
}

}  // namespace

void normalize(AclList& list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end(),
                         [](const AclItem& a, const AclItem& b) {
                           return a.kind == b.kind && a.id == b.id;
                         }),
             list.end());
}

AclList aclFromMode(mode_t mode) {
  return {{AclKind::UserObj, 0, (mode >> 6) & 7u},
          {AclKind::GroupObj, 0, (mode >> 3) & 7u},
          {AclKind::Other, 0, mode & 7u}};
}

bool ownerExecutes(const AclList& access) {
  const AclItem* owner = find(access, AclKind::UserObj);
  return owner && (owner->perms & 1u);
}

AclList wantedAccess(const AclList& current, const std::vector<AclEntrySpec>& entries, bool isDir) {
  AclList wanted = current;
  const auto explicitMask = merge(wanted, entries, isDir || ownerExecutesAfter(current, entries));
  fixMask(wanted, explicitMask);
  normalize(wanted);
  return wanted;
}

AclList wantedDefault(const AclList& currentDefault, const AclList& access,
                      const std::vector<AclEntrySpec>& entries) {
  AclList wanted = currentDefault;
  if (wanted.empty()) {
    for (const auto& item : access) {
      if (item.kind == AclKind::UserObj || item.kind == AclKind::GroupObj ||
          item.kind == AclKind::Other) {
        wanted.push_back(item);
      }
    }
  }
  // Default entries are inherited by what is created in the folder; `X` means execute there
  // as it does for a folder.
  const auto explicitMask = merge(wanted, entries, true);
  fixMask(wanted, explicitMask);
  normalize(wanted);
  return wanted;
}

std::string toText(const AclList& list) {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out += ',';
    switch (item.kind) {
      case AclKind::UserObj:
        out += "u::";
        break;
      case AclKind::User:
        out += "u:" + std::to_string(item.id) + ':';
        break;
      case AclKind::GroupObj:
        out += "g::";
        break;
      case AclKind::Group:
        out += "g:" + std::to_string(item.id) + ':';
        break;
      case AclKind::Mask:
        out += "m::";
        break;
      case AclKind::Other:
        out += "o::";
        break;
    }
    out += (item.perms & 4u) ? 'r' : '-';
    out += (item.perms & 2u) ? 'w' : '-';
    out += (item.perms & 1u) ? 'x' : '-';
  }
  return out;
}

}  // namespace openclaw::aclkeeper
