#include "session_table.h"

#include <algorithm>

#include "openclaw/json_text.h"

namespace openclaw::bridge {
namespace {

// Longest id: leaves room for a prefix and suffix within NAME_MAX (255) should it be a file.
constexpr std::size_t kMaxIdBytes = 128;

bool idChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

bool isValidSessionId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), idChar);
}

std::string messageProblem(const SessionMessage& m) {
  if (m.role != "user" && m.role != "assistant")
    return "a message's role must be user or assistant";
  if (m.agent.size() > kMaxAgentBytes) {
    return "an agent name is longer than " + std::to_string(kMaxAgentBytes) + " bytes";
  }
  return "";
}

const StoredSession* SessionTable::find(const std::string& id) const {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

std::size_t SessionTable::add(const std::string& id, std::int64_t nowMs,
                              std::vector<SessionMessage> messages, const SessionLimits& limits,
                              std::size_t keepAtMost) {
  auto [it, created] = sessions_.try_emplace(id);
  StoredSession& s = it->second;
  if (created) s.createdMs = nowMs;
  s.updatedMs = nowMs;
  for (auto& m : messages) {
    m.content = validUtf8(std::move(m.content));
    m.agent = validUtf8(std::move(m.agent));
    s.bytes += m.content.size();
    bytes_ += m.content.size();
    ++messages_;
    s.messages.push_back(std::move(m));
  }
  trim(s, limits, keepAtMost);
  return s.messages.size();
}

void SessionTable::put(const std::string& id, StoredSession session, const SessionLimits& limits) {
  erase(id);
  session.bytes = 0;
  for (auto& m : session.messages) {
    m.content = validUtf8(std::move(m.content));
    m.agent = validUtf8(std::move(m.agent));
    session.bytes += m.content.size();
  }
  messages_ += session.messages.size();
  bytes_ += session.bytes;
  trim(sessions_[id] = std::move(session), limits, SIZE_MAX);
}

void SessionTable::trim(StoredSession& s, const SessionLimits& limits, std::size_t keepAtMost) {
  const std::size_t maxCount = std::min(limits.maxMessages, keepAtMost);
  while (!s.messages.empty() && (s.messages.size() > maxCount || s.bytes > limits.maxBytes)) {
    const std::size_t size = s.messages.front().content.size();
    s.bytes -= size;
    bytes_ -= size;
    --messages_;
    s.messages.pop_front();
  }
}

bool SessionTable::erase(const std::string& id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  messages_ -= it->second.messages.size();
  bytes_ -= it->second.bytes;
  sessions_.erase(it);
  return true;
}

void SessionTable::clear() {
  sessions_.clear();
  messages_ = 0;
  bytes_ = 0;
}

std::vector<std::string> SessionTable::idleBefore(std::int64_t cutoffMs) const {
  std::vector<std::string> ids;
  for (const auto& [id, s] : sessions_) {
    if (s.updatedMs < cutoffMs) ids.push_back(id);
  }
  return ids;
}

std::vector<SessionMessage> survivingSuffix(std::vector<SessionMessage> messages,
                                            const SessionLimits& limits) {
  std::size_t keep = 0, bytes = 0;
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (keep + 1 > limits.maxMessages || bytes + it->content.size() > limits.maxBytes) break;
    bytes += it->content.size();
    ++keep;
  }
  messages.erase(messages.begin(), messages.end() - static_cast<std::ptrdiff_t>(keep));
  return messages;
}

}  // namespace openclaw::bridge
