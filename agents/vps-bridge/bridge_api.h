// The bridge's REST surface (see docs/vps-bridge.md): every endpoint of the contract, JSON in
// and out.
//
// `gate` runs on the header alone, before the body is read: no token configured → 503,
// wrong or missing Bearer token → 401 (compared in constant time).  `handle` answers the
// rest, at once or, for a call, when the call ends and its session turn is on disk.
// Malformed input is a 400 with a reason; an unknown agent or session a 404; past
// `max_calls_in_flight` a call is refused with 503 and Retry-After.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "agent_directory.h"
#include "bridge_config.h"
#include "call_runner.h"
#include "http_server.h"
#include "session_store.h"

namespace openclaw::bridge {

struct BridgeParts {
  const BridgeConfig* config = nullptr;
  std::string token;  // empty: every request is refused with 503
  AgentDirectory* agents = nullptr;
  CallRunner* runner = nullptr;
  SessionStore* sessions = nullptr;
  const HttpServer* server = nullptr;  // for connection counts; may be null
  std::string alertLog;
  std::chrono::steady_clock::time_point started{};
  // An operator reset a breaker: told like a transition.
  std::function<void(const AgentSlot&)> breakerReset;
};

std::optional<HttpAnswer> gate(const HttpRequestView& request, const BridgeParts& bridge);
void handle(const HttpRequestView& request, const BridgeParts& bridge, Reply reply);

bool tokenMatches(std::string_view header, std::string_view token);

}  // namespace openclaw::bridge
