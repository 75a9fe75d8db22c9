#include "openclaw/notify_config.h"

#include <sys/stat.h>

namespace openclaw {
namespace {

// A ping more often than every second is load, not news; less often than daily, no alarm.
constexpr std::int64_t kMinIntervalSec = 1;
constexpr std::int64_t kMaxIntervalSec = 86400;

void readNotify(ConfigObject& root, NotifyConfig& config) {
  HeartbeatConfig heartbeat;
  if (root.withObject("heartbeat", [&](ConfigObject& hb) {
        if (hb.require("url", heartbeat.url) && !heartbeat.url.starts_with("http://") &&
            !heartbeat.url.starts_with("https://")) {
          hb.fail("url", "must be an http:// or https:// URL");
        }
        hb.getInRange("interval_sec", heartbeat.intervalSec, kMinIntervalSec, kMaxIntervalSec);
      })) {
    config.heartbeat = heartbeat;
  }
  for (const char* later : {"telegram", "webhook"}) {
    if (root.raw(later) != nullptr) {
      root.fail(later,
                "is not read by this version: only \"heartbeat\" is (jack-supervisor's own "
                "\"telegram\" key sends Telegram alerts)");
    }
  }
}

}  // namespace

Expected<NotifyConfig, ConfigIssues> parseNotifyConfig(const nlohmann::json& doc,
                                                       const std::string& file) {
  return readConfigRoot<NotifyConfig>(doc, file, readNotify);
}

Expected<NotifyConfig, ConfigIssues> loadNotifyConfig(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) return NotifyConfig{};
  return loadConfigWith(path, parseNotifyConfig);
}

std::string notifyConfigBeside(const std::string& agentConfigPath) {
  const auto slash = agentConfigPath.rfind('/');
  return (slash == std::string::npos ? std::string(".") : agentConfigPath.substr(0, slash)) +
         "/notify.json";
}

}  // namespace openclaw
