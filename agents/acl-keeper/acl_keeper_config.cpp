#include "acl_keeper_config.h"

#include <charconv>

namespace openclaw::aclkeeper {
namespace {
// A sweep more often than a minute walks big trees for nothing: inotify covers the gap.
constexpr std::int64_t kMinSweepSec = 60;
constexpr std::int64_t kMaxSweepSec = 7 * 86400;
// Deeper than a few hundred levels is no tree a bot needs; each level is one more step from
// the root for every folder below it.
constexpr std::int64_t kMaxDepthLimit = 256;
// A watch pins about 1 KiB of kernel memory: 16 M of them would be 16 GiB.
constexpr std::int64_t kMaxWatchesLimit = 16 * 1024 * 1024;

std::optional<AclTag> parseTag(std::string_view t) {
  if (t == "u" || t == "user") return AclTag::User;
  if (t == "g" || t == "group") return AclTag::Group;
  if (t == "m" || t == "mask") return AclTag::Mask;
  if (t == "o" || t == "other") return AclTag::Other;
  return std::nullopt;
}

std::optional<unsigned> parsePerms(std::string_view p) {
  if (p.empty() || p.size() > 3) return std::nullopt;
  unsigned bits = 0;
  for (char c : p) {
    switch (c) {
      case 'r':
        bits |= 4;
        break;
      case 'w':
        bits |= 2;
        break;
      case 'x':
        bits |= 1;
        break;
      case 'X':  // execute on folders, and on files their owner may execute
        bits |= 8;
        break;
      case '-':
        break;
      default:
        return std::nullopt;
    }
  }
  return bits;
}

}  // namespace

std::optional<AclEntrySpec> parseAclEntry(std::string_view text) {
  const auto first = text.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find(':', first + 1);
  std::string_view tagText = text.substr(0, first);
  std::string_view qualifier;
  std::string_view permsText;
  if (second == std::string_view::npos) {
    // "o::r" and "m::rx" may be written "o:r", "m:rx" in setfacl's syntax.
    permsText = text.substr(first + 1);
  } else {
    qualifier = text.substr(first + 1, second - first - 1);
    permsText = text.substr(second + 1);
  }
  auto tag = parseTag(tagText);
  auto perms = parsePerms(permsText);
  if (!tag || !perms) return std::nullopt;
  AclEntrySpec spec;
  spec.tag = *tag;
  spec.perms = *perms;
  if (!qualifier.empty()) {
    if (*tag == AclTag::Mask || *tag == AclTag::Other) return std::nullopt;
    std::uint32_t id = 0;
    auto [end, ec] = std::from_chars(qualifier.data(), qualifier.data() + qualifier.size(), id);
    if (ec != std::errc() || end != qualifier.data() + qualifier.size()) return std::nullopt;
    spec.id = id;
  } else if (second == std::string_view::npos && (*tag == AclTag::User || *tag == AclTag::Group)) {
    return std::nullopt;
  }
  return spec;
}

Expected<AclKeeperConfig, ConfigIssues> parseAclKeeperConfig(const nlohmann::json& doc,
                                                             const std::string& file) {
  ConfigIssues issues;
  AclKeeperConfig config;
  ConfigObject root(doc, "", file, issues);
  root.forEachObject("rules", [&](ConfigObject& obj) {
    AclRule rule;
    if (obj.require("path", rule.path) && (!isAbsolutePath(rule.path) || rule.path == "/")) {
      obj.fail("path", "must be an absolute path other than /");
    }
    std::vector<std::string> entries;
    if (obj.require("entries", entries)) {
      if (entries.empty()) obj.fail("entries", "must name at least one entry");
      for (std::size_t i = 0; i < entries.size(); ++i) {
        auto spec = parseAclEntry(entries[i]);
        if (!spec) {
          obj.fail("entries[" + std::to_string(i) + "]",
                   "is not an ACL entry such as \"u:101000:rwx\" (numeric ids only): \"" +
                       entries[i] + "\"");
          continue;
        }
        rule.entries.push_back(*spec);
      }
    }
    obj.get("default", rule.withDefault);
    config.rules.push_back(std::move(rule));
  });
  root.getInRange("sweep_interval_sec", config.sweepIntervalSec, kMinSweepSec, kMaxSweepSec);
  root.getInRange("max_depth", config.maxDepth, 1, kMaxDepthLimit);
  root.getInRange("max_watches", config.maxWatches, 0, kMaxWatchesLimit);
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

Expected<AclKeeperConfig, ConfigIssues> loadAclKeeperConfig(const std::string& path) {
  return withNotifyConfig(path, loadConfigWith(path, parseAclKeeperConfig));
}

}  // namespace openclaw::aclkeeper
