// The suite's own channels, configured once for every agent in notify.json, beside the
// agents' configs (/etc/openclaw-agents/notify.json).  A missing file configures nothing.
//
// This version reads `heartbeat` (a dead man's switch; see heartbeat.h): {"url", and
// "interval_sec" (default 300, 1..86400)}.  The contract's `telegram` and `webhook` keys are
// not read yet: a file naming them is refused with that reason, rather than silently
// ignored.  jack-supervisor's own `telegram` key keeps working.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openclaw/config_reader.h"

namespace openclaw {

struct HeartbeatConfig {
  std::string url;  // http:// or https://; pinged with POST, `<url>/fail` on a give-up
  std::int64_t intervalSec = 300;

  bool operator==(const HeartbeatConfig&) const = default;
};

struct NotifyConfig {
  std::optional<HeartbeatConfig> heartbeat;
};

Expected<NotifyConfig, ConfigIssues> parseNotifyConfig(const nlohmann::json& doc,
                                                       const std::string& file);
// The file at `path`; an absent file is an empty NotifyConfig, not an error.
Expected<NotifyConfig, ConfigIssues> loadNotifyConfig(const std::string& path);

// notify.json in the folder of an agent's config file.
std::string notifyConfigBeside(const std::string& agentConfigPath);

}  // namespace openclaw
