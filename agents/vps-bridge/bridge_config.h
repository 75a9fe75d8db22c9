// vps-bridge's configuration: the remote agents it calls (over HTTP, with retries and
// fallbacks) and how long sessions live.  See docs/configuration.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "openclaw/config_reader.h"

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
};

Expected<BridgeConfig, ConfigIssues> parseBridgeConfig(const nlohmann::json& doc,
                                                       const std::string& file);
Expected<BridgeConfig, ConfigIssues> loadBridgeConfig(const std::string& path);

std::string describe(const BridgeConfig& config);

}  // namespace openclaw::bridge
