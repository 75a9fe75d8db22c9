#include "remote_protocol.h"

#include "openclaw/json_text.h"

namespace openclaw::bridge {
namespace {

// Chat documents are flat; 64 levels is far beyond any honest one.
constexpr int kMaxJsonDepth = 64;

std::string joinUrl(const std::string& base, std::string_view path) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  return url;
}

}  // namespace

void appendHistoryMessage(std::string& out, std::string_view role, std::string_view content) {
  if (out.empty() || out.back() != '[') out += ',';
  out += "{\"role\":";
  appendJsonString(out, role);
  out += ",\"content\":";
  appendJsonString(out, content);
  out += '}';
}

RemoteRequest buildRemoteRequest(const RemoteAgent& agent, std::string_view prompt,
                                 std::string_view sessionId, std::string_view historyJson) {
  if (historyJson.empty()) historyJson = "[]";
  std::string body;
  body.reserve(historyJson.size() + prompt.size() + sessionId.size() + agent.model.size() + 96);
  if (agent.protocol == AgentProtocol::OpenAi) {
    // The history with the prompt as its last message: its closing bracket reopened.
    std::string_view open = historyJson.substr(0, historyJson.size() - 1);
    body += "{\"messages\":";
    body += open;
    appendHistoryMessage(body, "user", prompt);
    body += ']';
    if (!agent.model.empty()) {
      body += ",\"model\":";
      appendJsonString(body, agent.model);
    }
    body += '}';
    return {joinUrl(agent.url, "/v1/chat/completions"), std::move(body)};
  }
  body += "{\"history\":";
  body += historyJson;
  body += ",\"prompt\":";
  appendJsonString(body, prompt);
  body += ",\"session_id\":";
  appendJsonString(body, sessionId);
  body += '}';
  return {joinUrl(agent.url, "/call"), std::move(body)};
}

Expected<nlohmann::json, std::string> parseUntrustedJson(std::string_view text) {
  bool tooDeep = false;
  const nlohmann::json::parser_callback_t bound =
      [&tooDeep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        if (depth > kMaxJsonDepth) tooDeep = true;
        return !tooDeep;
      };
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), bound, false);
  if (tooDeep) {
    return Unexpected<std::string>{"nested deeper than " + std::to_string(kMaxJsonDepth)};
  }
  if (doc.is_discarded()) return Unexpected<std::string>{"not valid JSON"};
  return doc;
}

Expected<std::string, std::string> readRemoteAnswer(AgentProtocol protocol, std::string_view body) {
  auto doc = parseUntrustedJson(body);
  if (!doc) return Unexpected<std::string>{"the answer is " + doc.error()};
  const nlohmann::json* text = nullptr;
  if (protocol == AgentProtocol::OpenAi) {
    const auto choices = doc->find("choices");
    if (doc->is_object() && choices != doc->end() && choices->is_array() && !choices->empty()) {
      const nlohmann::json& first = choices->front();
      const auto message = first.is_object() ? first.find("message") : first.end();
      if (message != first.end() && message->is_object()) {
        const auto content = message->find("content");
        if (content != message->end()) text = &*content;
      }
    }
    if (text == nullptr || !text->is_string()) {
      return Unexpected<std::string>{"the answer has no choices[0].message.content string"};
    }
    return text->get<std::string>();
  }
  if (doc->is_object()) {
    const auto response = doc->find("response");
    if (response != doc->end()) text = &*response;
  }
  if (text == nullptr || !text->is_string()) {
    return Unexpected<std::string>{"the answer has no \"response\" string"};
  }
  return text->get<std::string>();
}

}  // namespace openclaw::bridge
