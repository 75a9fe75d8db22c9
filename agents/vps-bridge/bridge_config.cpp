#include "bridge_config.h"

#include <algorithm>
#include <set>

namespace openclaw::bridge {
namespace {
constexpr std::int64_t kMaxTimeoutSec = 600;
constexpr std::int64_t kMaxRetriesLimit = 10;
constexpr std::int64_t kMaxSessionTtlHours = 24 * 365;
// Beyond these a single process on a small VPS runs out of descriptors or memory first.
constexpr std::int64_t kMaxConnectionsLimit = 4096;
constexpr std::int64_t kMaxCallsLimit = 1024;
constexpr std::int64_t kMaxSessionsLimit = 1000000;
constexpr std::int64_t kMaxSessionMessagesLimit = 10000;
constexpr std::int64_t kMaxSessionBytesLimit = 16 * 1024 * 1024;

void readLimits(ConfigObject& root, BridgeConfig& config) {
  root.getInRange("call_deadline_sec", config.callDeadlineSec, 1, kMaxTimeoutSec);
  root.getInRange("max_connections", config.maxConnections, 1, kMaxConnectionsLimit);
  root.getInRange("max_calls_in_flight", config.maxCallsInFlight, 1, kMaxCallsLimit);
  root.getInRange("max_sessions", config.maxSessions, 1, kMaxSessionsLimit);
  root.getInRange("max_session_messages", config.maxSessionMessages, 2, kMaxSessionMessagesLimit);
  root.getInRange("max_session_bytes", config.maxSessionBytes, 1024, kMaxSessionBytesLimit);
}

void readAllowRegister(ConfigObject& root, BridgeConfig& config) {
  std::vector<std::string> networks;
  if (!root.get("allow_register", networks)) return;
  for (const auto& text : networks) {
    auto network = parseNetwork(text);
    if (!network) {
      root.fail("allow_register", network.error());
    } else {
      config.allowRegister.push_back(*network);
    }
  }
}

}  // namespace

const char* toString(AgentProtocol protocol) {
  return protocol == AgentProtocol::OpenAi ? "openai" : "json";
}

RemoteAgent readAgent(ConfigObject& obj) {
  RemoteAgent a;
  if (obj.require("name", a.name) && !isSafeName(a.name)) {
    obj.fail("name", "may only use letters, digits, '_', '-', '.', '@'");
  }
  if (obj.require("url", a.url) && !a.url.starts_with("http://") &&
      !a.url.starts_with("https://")) {
    obj.fail("url", "must be an http:// or https:// URL");
  }
  std::string protocol = "json";
  if (obj.get("protocol", protocol)) {
    if (protocol == "openai") {
      a.protocol = AgentProtocol::OpenAi;
    } else if (protocol != "json") {
      obj.fail("protocol", "must be \"openai\" or \"json\", not \"" + protocol + "\"");
    }
  }
  obj.get("model", a.model);
  if (obj.get("token_file", a.tokenFile) && !isAbsolutePath(a.tokenFile)) {
    obj.fail("token_file", "must be an absolute path");
  }
  obj.getInRange("timeout_sec", a.timeoutSec, 1, kMaxTimeoutSec);
  obj.getInRange("max_retries", a.maxRetries, 0, kMaxRetriesLimit);
  obj.get("fallback_agents", a.fallbackAgents);
  return a;
}

Expected<BridgeConfig, ConfigIssues> parseBridgeConfig(const nlohmann::json& doc,
                                                       const std::string& file) {
  ConfigIssues issues;
  BridgeConfig config;
  ConfigObject root(doc, "", file, issues);
  root.forEachObject("agents", [&](ConfigObject& obj) { config.agents.push_back(readAgent(obj)); });
  std::set<std::string> names;
  for (const auto& a : config.agents) names.insert(a.name);
  for (std::size_t i = 0; i < config.agents.size(); ++i) {
    const auto& fallbacks = config.agents[i].fallbackAgents;
    for (std::size_t j = 0; j < fallbacks.size(); ++j) {
      if (!names.contains(fallbacks[j]) || fallbacks[j] == config.agents[i].name) {
        issues.push_back(
            {file, "agents[" + std::to_string(i) + "].fallback_agents[" + std::to_string(j) + "]",
             "names no other agent: \"" + fallbacks[j] + "\""});
      }
    }
  }
  if (names.size() != config.agents.size()) {
    issues.push_back({file, "agents", "two agents share a name"});
  }
  root.getInRange("session_ttl_hours", config.sessionTtlHours, 1, kMaxSessionTtlHours);
  readLimits(root, config);
  readAllowRegister(root, config);
  if (root.get("listen", config.listen) && config.listen.rfind(':') == std::string::npos) {
    root.fail("listen", "must be address:port");
  }
  root.finish();
  if (!issues.empty()) return Unexpected<ConfigIssues>{std::move(issues)};
  return config;
}

Expected<BridgeConfig, ConfigIssues> loadBridgeConfig(const std::string& path) {
  return withNotifyConfig(path, loadConfigWith(path, parseBridgeConfig));
}

std::string describe(const BridgeConfig& config) {
  return std::to_string(config.agents.size()) + " remote agent(s), sessions live " +
         std::to_string(config.sessionTtlHours) + " h";
}

}  // namespace openclaw::bridge
