// The suite's own channels, configured once for every agent in notify.json, beside the
// agents' configs (notify.json in kConfigDirectory, openclaw/paths.h).  A missing file configures
// nothing.
//
// Keys, each optional:
//   `heartbeat` (a dead man's switch; see heartbeat.h): {"url", "interval_sec" (default 300,
//               1..86400)}.
//   `telegram`  {"token_file" (absolute), "chat_id", "api_url" (default Telegram's)}.
//   `webhook`   {"url" (http/https), "token_file" (absolute, optional: a bearer token)}.
// Every agent sends its alerts to the channels named here (Alerter::configureChannels).
// jack-supervisor's own `telegram` key keeps working; when notify.json names Telegram too,
// notify.json's wins and the agent's own key is ignored with a warning.
//
// withNotifyConfig() is what every agent's config loader returns through: the agent's own
// config and notify.json beside it load together, so a bad notify.json fails the load (at
// start: the daemon does not start; at a reload: the previous config, channels included,
// stays in force and the daemon logs why).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "openclaw/alert_channels.h"
#include "openclaw/config_reader.h"

namespace openclaw {

struct HeartbeatConfig {
  std::string url;  // http:// or https://; pinged with POST, `<url>/fail` on a give-up
  std::int64_t intervalSec = 300;

  bool operator==(const HeartbeatConfig&) const = default;
};

struct NotifyConfig {
  std::optional<HeartbeatConfig> heartbeat;
  std::optional<TelegramSettings> telegram;
  std::optional<WebhookSettings> webhook;

  bool operator==(const NotifyConfig&) const = default;
};

Expected<NotifyConfig, ConfigIssues> parseNotifyConfig(const nlohmann::json& doc,
                                                       const std::string& file);
// The file at `path`; an absent file is an empty NotifyConfig, not an error.
Expected<NotifyConfig, ConfigIssues> loadNotifyConfig(const std::string& path);

// Reads `telegram` of `root` (notify.json's, or jack-supervisor's own key) into `out`.
void readTelegramKey(ConfigObject& root, std::optional<TelegramSettings>& out);

// notify.json in the folder of an agent's config file.
std::string notifyConfigBeside(const std::string& agentConfigPath);

// `config` (loaded from `path`) with notify.json beside `path` in its `notify` member; the
// issues of both files when either fails.
template <class Config>
Expected<Config, ConfigIssues> withNotifyConfig(const std::string& path,
                                                Expected<Config, ConfigIssues> config) {
  auto notify = loadNotifyConfig(notifyConfigBeside(path));
  if (!notify) {
    ConfigIssues issues = config ? ConfigIssues{} : config.error();
    issues.insert(issues.end(), notify.error().begin(), notify.error().end());
    return Unexpected<ConfigIssues>{std::move(issues)};
  }
  if (config) config->notify = std::move(*notify);
  return config;
}

}  // namespace openclaw
