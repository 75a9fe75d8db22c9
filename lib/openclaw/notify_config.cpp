#include "openclaw/notify_config.h"

#include <sys/stat.h>

namespace openclaw {
namespace {

// A ping more often than every second is load, not news; less often than daily, no alarm.
constexpr std::int64_t kMinIntervalSec = 1;
constexpr std::int64_t kMaxIntervalSec = 86400;

bool isHttpUrl(const std::string& url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

}  // namespace

void readTelegramKey(ConfigObject& root, std::optional<TelegramSettings>& out) {
  TelegramSettings telegram;
  if (root.withObject("telegram", [&](ConfigObject& tg) {
        if (tg.require("token_file", telegram.tokenFile) && !isAbsolutePath(telegram.tokenFile)) {
          tg.fail("token_file", "must be an absolute path");
        }
        if (tg.require("chat_id", telegram.chatId) && telegram.chatId.empty()) {
          tg.fail("chat_id", "must not be empty");
        }
        if (tg.get("api_url", telegram.apiUrl) && !isHttpUrl(telegram.apiUrl)) {
          tg.fail("api_url", "must be an http:// or https:// URL");
        }
      })) {
    out = telegram;
  }
}

namespace {

void readWebhook(ConfigObject& root, NotifyConfig& config) {
  WebhookSettings webhook;
  if (root.withObject("webhook", [&](ConfigObject& wh) {
        if (wh.require("url", webhook.url) && !isHttpUrl(webhook.url)) {
          wh.fail("url", "must be an http:// or https:// URL");
        }
        if (wh.get("token_file", webhook.tokenFile) && !isAbsolutePath(webhook.tokenFile)) {
          wh.fail("token_file", "must be an absolute path");
        }
      })) {
    config.webhook = webhook;
  }
}

void readNotify(ConfigObject& root, NotifyConfig& config) {
  HeartbeatConfig heartbeat;
  if (root.withObject("heartbeat", [&](ConfigObject& hb) {
        if (hb.require("url", heartbeat.url) && !isHttpUrl(heartbeat.url)) {
          hb.fail("url", "must be an http:// or https:// URL");
        }
        hb.getInRange("interval_sec", heartbeat.intervalSec, kMinIntervalSec, kMaxIntervalSec);
      })) {
    config.heartbeat = heartbeat;
  }
  readTelegramKey(root, config.telegram);
  readWebhook(root, config);
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
