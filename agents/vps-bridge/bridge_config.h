// vps-bridge's configuration: the remote agents it calls (over HTTP, with retries and
// fallbacks) and how long sessions live.  See docs/configuration.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "network_policy.h"
#include "openclaw/config_reader.h"
#include "openclaw/notify_config.h"

namespace openclaw::bridge {

enum class AgentProtocol { OpenAi, Json };

struct RemoteAgent {
  std::string name;
  std::string url;
  AgentProtocol protocol = AgentProtocol::Json;
  std::string model;
  std::string tokenFile;
  std::int64_t timeoutSec = 30;
  std::int64_t maxRetries = 3;
  std::vector<std::string> fallbackAgents;
};

struct BridgeConfig {
  std::vector<RemoteAgent> agents;
  std::int64_t sessionTtlHours = 24;
  std::string listen = "127.0.0.1:18790";  // used only when not socket-activated
  // Networks an agent may be registered from over REST; empty: registration is off.
  std::vector<Network> allowRegister;
  // A call's whole budget, shared by its retries and fallbacks: a chat client never waits
  // longer than this for an answer.
  std::int64_t callDeadlineSec = 60;
  std::int64_t maxConnections = 256;
  std::int64_t maxCallsInFlight = 128;
  std::int64_t maxSessions = 10000;
  std::int64_t maxSessionMessages = 200;
  std::int64_t maxSessionBytes = 256 * 1024;
  NotifyConfig notify;  // notify.json beside the config file: where alerts go
};

// Protocol names as the config and the REST answers spell them.
const char* toString(AgentProtocol protocol);
// One agent from its JSON object (the config's, or a registration's body).
RemoteAgent readAgent(ConfigObject& obj);

Expected<BridgeConfig, ConfigIssues> parseBridgeConfig(const nlohmann::json& doc,
                                                       const std::string& file);
Expected<BridgeConfig, ConfigIssues> loadBridgeConfig(const std::string& path);

std::string describe(const BridgeConfig& config);

}  // namespace openclaw::bridge
