// The bridge's REST surface as a pure function: request in, answer out.
//
// Authorization is checked first for every path (Bearer token, compared in constant time).
// This version serves the status and agent list; the calling endpoints of the contract
// answer 501 with a JSON error until the bridge capability lands.
#pragma once

#include <string>
#include <string_view>

#include "bridge_config.h"

namespace openclaw::bridge {

struct HttpRequestView {
  std::string_view method;  // "GET"
  std::string_view target;  // "/api/vps/status?x=1"
  std::string_view authorization;
};

struct HttpAnswer {
  unsigned status = 200;
  std::string body;  // JSON
};

struct BridgeView {
  const BridgeConfig* config = nullptr;
  std::string token;  // empty: no credential, every request is refused with 503
};

HttpAnswer route(const HttpRequestView& request, const BridgeView& bridge);

bool tokenMatches(std::string_view header, std::string_view token);

}  // namespace openclaw::bridge
