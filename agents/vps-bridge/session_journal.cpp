#include "session_journal.h"

#include <nlohmann/json.hpp>

#include "openclaw/json_text.h"

namespace openclaw::bridge {
namespace {

using nlohmann::json;

// Room per message for {"r":"assistant","c":"","ts":-9223372036854775808,"a":""} and its
// agent name escaped at worst.
constexpr std::size_t kMessageOverhead = 128 + 6 * kMaxAgentBytes;
// Room for a line's own fields around its messages.
constexpr std::size_t kLineOverhead = 4096;
// An escaped byte is at most six ("\u0001").
constexpr std::size_t kEscapeGrowth = 6;

json messagesJson(const std::vector<SessionMessage>& messages) {
  json out = json::array();
  for (const auto& m : messages) {
    out.push_back({{"r", m.role}, {"c", m.content}, {"ts", m.tsMs}, {"a", m.agent}});
  }
  return out;
}

std::string lineOf(const json& doc) {
  return toJsonText(doc) + "\n";
}

std::optional<json> parseObject(std::string_view line) {
  json doc = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

// The field as T when present with that JSON type.
const json* field(const json& doc, const char* key) {
  const auto it = doc.find(key);
  return it == doc.end() ? nullptr : &*it;
}
std::optional<std::string> stringField(const json& doc, const char* key) {
  const json* v = field(doc, key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}
std::optional<std::int64_t> intField(const json& doc, const char* key) {
  const json* v = field(doc, key);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<std::int64_t>();
}
std::optional<std::uint64_t> countField(const json& doc, const char* key) {
  const json* v = field(doc, key);
  if (v == nullptr || !v->is_number_unsigned()) return std::nullopt;
  return v->get<std::uint64_t>();
}
std::optional<std::string> idField(const json& doc, const char* key) {
  auto id = stringField(doc, key);
  if (!id || !isValidSessionId(*id)) return std::nullopt;
  return id;
}

std::optional<std::vector<SessionMessage>> parseMessages(const json& doc) {
  const json* list = field(doc, "m");
  if (list == nullptr || !list->is_array()) return std::nullopt;
  std::vector<SessionMessage> out;
  out.reserve(list->size());
  for (const auto& item : *list) {
    if (!item.is_object()) return std::nullopt;
    auto role = stringField(item, "r");
    auto content = stringField(item, "c");
    auto ts = intField(item, "ts");
    auto agent = stringField(item, "a");
    if (!role || !content || !ts || !agent) return std::nullopt;
    SessionMessage m{std::move(*role), std::move(*content), *ts, std::move(*agent)};
    if (!messageProblem(m).empty()) return std::nullopt;
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<JournalRecord> parseAdd(const json& doc, JournalRecord r) {
  auto id = idField(doc, "id");
  auto at = intField(doc, "t");
  auto keep = countField(doc, "n");
  auto messages = parseMessages(doc);
  if (!id || !at || !keep || !messages) return std::nullopt;
  r.op = JournalOp::Add;
  r.id = std::move(*id);
  r.atMs = *at;
  r.keep = *keep;
  r.messages = std::move(*messages);
  return r;
}

std::optional<JournalRecord> parseSweep(const json& doc, JournalRecord r) {
  const json* ids = field(doc, "ids");
  if (ids == nullptr || !ids->is_array()) return std::nullopt;
  r.op = JournalOp::Sweep;
  for (const auto& id : *ids) {
    if (!id.is_string() || !isValidSessionId(id.get_ref<const std::string&>())) {
      return std::nullopt;
    }
    r.ids.push_back(id.get<std::string>());
  }
  return r;
}

}  // namespace

// Written as text, not through a DOM: one is written for every call with a session.
std::string addLine(std::uint64_t seq, const std::string& id, std::int64_t atMs, std::size_t keep,
                    const std::vector<SessionMessage>& messages) {
  std::string line = "{\"seq\":" + std::to_string(seq) + ",\"op\":\"add\",\"id\":";
  appendJsonString(line, id);
  line += ",\"t\":" + std::to_string(atMs) + ",\"n\":" + std::to_string(keep) + ",\"m\":[";
  for (const auto& m : messages) {
    if (line.back() != '[') line += ',';
    line += "{\"r\":";
    appendJsonString(line, m.role);
    line += ",\"c\":";
    appendJsonString(line, m.content);
    line += ",\"ts\":" + std::to_string(m.tsMs) + ",\"a\":";
    appendJsonString(line, m.agent);
    line += '}';
  }
  line += "]}\n";
  return line;
}

std::string delLine(std::uint64_t seq, const std::string& id) {
  return lineOf({{"seq", seq}, {"op", "del"}, {"id", id}});
}

std::string sweepLine(std::uint64_t seq, const std::vector<std::string>& ids) {
  return lineOf({{"seq", seq}, {"op", "sweep"}, {"ids", ids}});
}

std::string journalLine(const JournalRecord& r) {
  switch (r.op) {
    case JournalOp::Add:
      return addLine(r.seq, r.id, r.atMs, r.keep, r.messages);
    case JournalOp::Del:
      return delLine(r.seq, r.id);
    case JournalOp::Sweep:
      return sweepLine(r.seq, r.ids);
  }
  return "";
}

std::optional<JournalRecord> parseJournalLine(std::string_view line) {
  const auto doc = parseObject(line);
  if (!doc) return std::nullopt;
  const auto seq = countField(*doc, "seq");
  const auto op = stringField(*doc, "op");
  if (!seq || !op) return std::nullopt;
  JournalRecord r;
  r.seq = *seq;
  if (*op == "add") return parseAdd(*doc, std::move(r));
  if (*op == "sweep") return parseSweep(*doc, std::move(r));
  if (*op != "del") return std::nullopt;
  auto id = idField(*doc, "id");
  if (!id) return std::nullopt;
  r.op = JournalOp::Del;
  r.id = std::move(*id);
  return r;
}

std::string snapshotText(std::uint64_t seq, const SessionTable& table) {
  std::string out = lineOf({{"snapshot", 1}, {"seq", seq}, {"sessions", table.sessions().size()}});
  for (const auto& [id, s] : table.sessions()) {
    const std::vector<SessionMessage> messages(s.messages.begin(), s.messages.end());
    out +=
        lineOf({{"id", id}, {"c", s.createdMs}, {"u", s.updatedMs}, {"m", messagesJson(messages)}});
  }
  return out;
}

std::optional<SnapshotHeader> parseSnapshotHeader(std::string_view line) {
  const auto doc = parseObject(line);
  if (!doc) return std::nullopt;
  const auto version = countField(*doc, "snapshot");
  const auto seq = countField(*doc, "seq");
  const auto sessions = countField(*doc, "sessions");
  if (!version || *version != 1 || !seq || !sessions) return std::nullopt;
  return SnapshotHeader{*seq, *sessions};
}

std::optional<SnapshotSession> parseSnapshotSession(std::string_view line) {
  const auto doc = parseObject(line);
  if (!doc) return std::nullopt;
  auto id = idField(*doc, "id");
  const auto created = intField(*doc, "c");
  const auto updated = intField(*doc, "u");
  auto messages = parseMessages(*doc);
  if (!id || !created || !updated || !messages) return std::nullopt;
  SnapshotSession out{std::move(*id), {}};
  out.session.createdMs = *created;
  out.session.updatedMs = *updated;
  out.session.messages.assign(std::make_move_iterator(messages->begin()),
                              std::make_move_iterator(messages->end()));
  return out;
}

std::size_t lineBound(const SessionLimits& limits) {
  return kEscapeGrowth * limits.maxBytes + kMessageOverhead * limits.maxMessages + kLineOverhead;
}

}  // namespace openclaw::bridge
