// What the bridge sends a remote agent and what it makes of the answer, per protocol.
//
// `openai`: POST <url>/v1/chat/completions {"model", "messages": history + the prompt}; the
// answer is choices[0].message.content.  `json`: POST <url>/call {"prompt", "session_id",
// "history"}; the answer is "response".  An answer that is not JSON, or lacks that string,
// is an invalid response: a class of its own for retries and health, never an exception.
// Untrusted JSON (a client's body, an agent's answer) is parsed here with a depth bound.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge_config.h"
#include "openclaw/result.h"
#include "session_store.h"

namespace openclaw::bridge {

struct RemoteRequest {
  std::string url;
  std::string body;
};

RemoteRequest buildRemoteRequest(const RemoteAgent& agent, std::string_view prompt,
                                 std::string_view sessionId,
                                 const std::vector<SessionMessage>& history);

// The agent's reply text, or why the answer is not one.
Expected<std::string, std::string> readRemoteAnswer(AgentProtocol protocol, std::string_view body);

// JSON from a peer: never throws, at most `kMaxJsonDepth` deep (a deep document costs stack
// in every later dump()).
Expected<nlohmann::json, std::string> parseUntrustedJson(std::string_view text);

}  // namespace openclaw::bridge
