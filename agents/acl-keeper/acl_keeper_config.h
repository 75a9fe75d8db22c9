// acl-keeper's configuration: trees shared with a container user and the ACL entries each
// must carry.  Entries use setfacl's syntax ("u:101000:rwx").  See docs/configuration.md.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/config_reader.h"
#include "openclaw/notify_config.h"

namespace openclaw::aclkeeper {

enum class AclTag { User, Group, Mask, Other };

// One entry such as "u:101000:rwx"; "u::rw" (no qualifier) is the owning user's entry.
struct AclEntrySpec {
  AclTag tag = AclTag::User;
  std::optional<std::uint32_t> id;  // numeric uid/gid; absent for the owner/mask/other
  unsigned perms = 0;               // bits: 4 read, 2 write, 1 execute, 8 setfacl's X
  bool operator==(const AclEntrySpec&) const = default;
};

// Parses setfacl's short or long form; numeric qualifiers only, because names resolve
// differently inside the container (userns-remapped ids are what the host sees).
std::optional<AclEntrySpec> parseAclEntry(std::string_view text);

struct AclRule {
  std::string path;
  std::vector<AclEntrySpec> entries;
  bool withDefault = false;  // folders also get these as default entries
};

struct AclKeeperConfig {
  std::vector<AclRule> rules;
  std::int64_t sweepIntervalSec = 600;
  // Folders more than this many levels below a tree's root are not entered (their own ACL is
  // still kept): a container can nest folders without end, and every level costs a walk from
  // the root.
  std::int64_t maxDepth = 64;
  // inotify watches the keeper may hold; 0: a quarter of the kernel's per-user limit, which
  // every root service shares (watch_budget.h).
  std::int64_t maxWatches = 0;
  NotifyConfig notify;  // notify.json beside the config file: where alerts go
};

Expected<AclKeeperConfig, ConfigIssues> parseAclKeeperConfig(const nlohmann::json& doc,
                                                             const std::string& file);
Expected<AclKeeperConfig, ConfigIssues> loadAclKeeperConfig(const std::string& path);

}  // namespace openclaw::aclkeeper
