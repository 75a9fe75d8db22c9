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

// Appends {"role":..,"content":..} to `out`, a JSON array being written: after a comma
// unless it is the array's first element.
void appendHistoryMessage(std::string& out, std::string_view role, std::string_view content);

// A session's messages as both protocols send them: [{"role":..,"content":..},..].  Written
// as text, not through a DOM: it is built on every call, for histories of any length.
template <class Messages>
std::string historyJsonText(const Messages& messages) {
  std::string out = "[";
  for (const SessionMessage& m : messages) appendHistoryMessage(out, m.role, m.content);
  out += ']';
  return out;
}

// `historyJson`: the history as historyJsonText() writes it ("[]" for none).
RemoteRequest buildRemoteRequest(const RemoteAgent& agent, std::string_view prompt,
                                 std::string_view sessionId, std::string_view historyJson);

// The agent's reply text, or why the answer is not one.
Expected<std::string, std::string> readRemoteAnswer(AgentProtocol protocol, std::string_view body);

// JSON from a peer: never throws, at most `kMaxJsonDepth` deep (a deep document costs stack
// in every later dump()).
Expected<nlohmann::json, std::string> parseUntrustedJson(std::string_view text);

}  // namespace openclaw::bridge
