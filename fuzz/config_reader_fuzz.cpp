// An operator's config file, read as every agent reads it: the text as loadConfigJson parses
// it (relaxed JSON: comments and trailing commas), then each agent's parser on the document,
// then what --check-config prints: ok, or every issue one a line.
// Properties: blanking comments keeps every byte where it was; a refused document or config
// says why; nothing throws.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "acl_keeper_config.h"
#include "bridge_config.h"
#include "disk_guard_config.h"
#include "flag_watcher_config.h"
#include "fuzz_check.h"
#include "openclaw/json_text.h"
#include "supervisor_config.h"

namespace {

using openclaw::fuzz::require;

template <class Config>
void check(const openclaw::Expected<Config, openclaw::ConfigIssues>& parsed) {
  if (parsed) return;
  require(!parsed.error().empty(), "a refused config names at least one issue");
  require(!openclaw::formatIssues(parsed.error()).empty(), "issues print");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  require(openclaw::relaxedJsonToStrict(text).size() == text.size(),
          "blanking comments and trailing commas keeps the text's length");
  const auto doc = openclaw::parseRelaxedJson(text);
  if (!doc) {
    require(doc.error().find("line ") != std::string::npos, "a syntax error names its line");
    return 0;
  }
  const std::string file = "/etc/openclaw-agents/fuzz.json";
  check(openclaw::flagwatcher::parseFlagWatcherConfig(*doc, file));
  check(openclaw::supervisor::parseSupervisorConfig(*doc, file));
  check(openclaw::aclkeeper::parseAclKeeperConfig(*doc, file));
  check(openclaw::diskguard::parseDiskGuardConfig(*doc, file));
  check(openclaw::bridge::parseBridgeConfig(*doc, file));
  return 0;
}
