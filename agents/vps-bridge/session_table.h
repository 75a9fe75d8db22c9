// The chat sessions as held in memory, and the one set of rules that shapes them.
//
// Both the live store and the replay of its files go through `SessionTable`, so a session
// rebuilt from disk is trimmed exactly as it was when the messages arrived.  A session keeps
// at most `maxMessages` messages and `maxBytes` bytes of content; older messages leave from
// the front when a new one would exceed either.  Content is kept as valid UTF-8: bytes that
// are not are replaced by U+FFFD on the way in, the same bytes JSON files will hold, so what
// a reader sees before and after a restart is identical.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace openclaw::bridge {

struct SessionMessage {
  std::string role;  // "user" | "assistant"
  std::string content;
  std::int64_t tsMs = 0;  // wall clock, ms since epoch, as the caller stamped it
  std::string agent;      // who answered; empty for user

  bool operator==(const SessionMessage&) const = default;
};

struct SessionLimits {
  std::size_t maxMessages = 200;      // a long chat; older turns leave from the front
  std::size_t maxBytes = 256 * 1024;  // content bytes per session: a model's context, roughly
  std::size_t maxSessions = 10000;    // bounds memory at maxSessions * maxBytes
  std::chrono::hours ttl{24};         // idle sessions older than this are swept
  // The journal is folded into a snapshot once it is past max(this, 2 x live size): small
  // enough that a restart replays little, large enough that compaction is rare.
  std::size_t compactAtBytes = 1024 * 1024;
};

// 1..128 of [A-Za-z0-9_.-], not starting with '.': an id may become a file name.
bool isValidSessionId(std::string_view id);

// Longest agent name accepted: names come from the bridge's config, far shorter than this.
inline constexpr std::size_t kMaxAgentBytes = 256;

// Why `m` cannot be stored (bad role, agent name too long), or "" when it can.
std::string messageProblem(const SessionMessage& m);

struct StoredSession {
  std::int64_t createdMs = 0;  // store's wall clock at the first append
  std::int64_t updatedMs = 0;  // store's wall clock at the last append
  std::deque<SessionMessage> messages;
  std::size_t bytes = 0;  // sum of content sizes
};

class SessionTable {
 public:
  const StoredSession* find(const std::string& id) const;
  const std::map<std::string, StoredSession>& sessions() const { return sessions_; }
  std::size_t messageCount() const { return messages_; }
  std::size_t contentBytes() const { return bytes_; }

  // Appends (creating the session at `nowMs` when new), trims to `limits`, then to at most
  // `keepAtMost` messages (a journal line's record of the size it left).  Returns the size.
  std::size_t add(const std::string& id, std::int64_t nowMs, std::vector<SessionMessage> messages,
                  const SessionLimits& limits, std::size_t keepAtMost = SIZE_MAX);
  // Inserts a whole session as a snapshot holds it, trimmed to `limits`.
  void put(const std::string& id, StoredSession session, const SessionLimits& limits);
  bool erase(const std::string& id);
  void clear();
  // Ids of sessions last updated before `cutoffMs`.
  std::vector<std::string> idleBefore(std::int64_t cutoffMs) const;

 private:
  void trim(StoredSession& s, const SessionLimits& limits, std::size_t keepAtMost);

  std::map<std::string, StoredSession> sessions_;
  std::size_t messages_ = 0;
  std::size_t bytes_ = 0;
};

// The suffix of `messages` that would survive trimming on its own: what a journal line needs
// to hold for the session to come back as it is.
std::vector<SessionMessage> survivingSuffix(std::vector<SessionMessage> messages,
                                            const SessionLimits& limits);

}  // namespace openclaw::bridge
