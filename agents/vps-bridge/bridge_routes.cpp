#include "bridge_routes.h"

#include <nlohmann/json.hpp>

namespace openclaw::bridge {
namespace {

HttpAnswer error(unsigned status, std::string message) {
  return {status, nlohmann::json{{"success", false}, {"error", std::move(message)}}.dump()};
}

std::string_view pathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

bool tokenMatches(std::string_view header, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (token.empty() || !header.starts_with(kScheme)) return false;
  const std::string_view given = header.substr(kScheme.size());
  // Constant time in the token's length so the answer's timing does not leak a prefix.
  unsigned diff = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char g = i < given.size() ? given[i] : 0;
    diff |= static_cast<unsigned>(g ^ token[i]);
  }
  return diff == 0;
}

HttpAnswer route(const HttpRequestView& request, const BridgeView& bridge) {
  if (bridge.token.empty()) {
    return error(503, "the bridge has no token: the vps-bridge-token credential is missing");
  }
  if (!tokenMatches(request.authorization, bridge.token)) {
    return error(401, "missing or wrong Authorization: Bearer token");
  }
  const std::string_view path = pathOf(request.target);
  if (request.method == "GET" && path == "/api/vps/status") {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : bridge.config->agents) agents.push_back(a.name);
    return {200, nlohmann::json{{"status", "ok"},
                                {"version", OPENCLAW_VERSION},
                                {"agents", agents},
                                {"session_ttl_hours", bridge.config->sessionTtlHours}}
                     .dump()};
  }
  if (request.method == "GET" && path == "/api/vps/agents") {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : bridge.config->agents) {
      agents.push_back({{"name", a.name},
                        {"url", a.url},
                        {"protocol", a.protocol == AgentProtocol::OpenAi ? "openai" : "json"},
                        {"fallback_agents", a.fallbackAgents}});
    }
    return {200, nlohmann::json{{"agents", agents}}.dump()};
  }
  if (path.starts_with("/api/vps/") || path.starts_with("/api/health/")) {
    return error(501, "not available in this version of openclaw-vps-bridge");
  }
  return error(404, "no such endpoint");
}

}  // namespace openclaw::bridge
