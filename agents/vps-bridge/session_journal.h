// The session store's file format: JSON lines, one object per line, each ending in '\n'.
//
// Journal (sessions.journal), appended to, one line per change:
//   {"seq":7,"op":"add","id":"s1","t":1700000000000,"n":12,
//    "m":[{"r":"user","c":"hi","ts":1700000000000,"a":""}]}      (on one line)
//   {"seq":8,"op":"del","id":"s1"}
//   {"seq":9,"op":"sweep","ids":["s2","s3"]}
// `seq` rises by one per line, across compactions.  An "add" holds only the new messages that
// survive trimming, `t` the store's clock when they came and `n` how many messages the
// session held afterwards, so a replay trims exactly as the live store did.
//
// Snapshot (sessions.snapshot), replaced whole with atomicWriteFile:
//   {"snapshot":1,"seq":9,"sessions":2}
//   {"id":"s1","c":1700000000000,"u":1700000005000,"m":[...]}   one line per session
// `seq` is the last journal line it includes: journal lines at or below it are skipped on
// replay, so a crash between writing the snapshot and truncating the journal neither loses
// nor doubles anything.
//
// Text goes through toJsonText (never throws on bytes that are not UTF-8) and parsing never
// throws: a line that does not parse, or parses into the wrong shapes, is nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session_table.h"

namespace openclaw::bridge {

enum class JournalOp { Add, Del, Sweep };

struct JournalRecord {
  JournalOp op = JournalOp::Add;
  std::uint64_t seq = 0;
  std::string id;                        // add, del
  std::int64_t atMs = 0;                 // add
  std::size_t keep = 0;                  // add: the session's size after it
  std::vector<SessionMessage> messages;  // add
  std::vector<std::string> ids;          // sweep
};

std::string addLine(std::uint64_t seq, const std::string& id, std::int64_t atMs, std::size_t keep,
                    const std::vector<SessionMessage>& messages);
std::string delLine(std::uint64_t seq, const std::string& id);
std::string sweepLine(std::uint64_t seq, const std::vector<std::string>& ids);
// The line for any record, '\n' included.
std::string journalLine(const JournalRecord& r);
// `line` without its '\n'.  Ids must pass isValidSessionId, messages messageProblem.
std::optional<JournalRecord> parseJournalLine(std::string_view line);

struct SnapshotHeader {
  std::uint64_t seq = 0;
  std::size_t sessions = 0;
};
struct SnapshotSession {
  std::string id;
  StoredSession session;
};

// The whole snapshot file for `table`, covering the journal up to `seq`.
std::string snapshotText(std::uint64_t seq, const SessionTable& table);
std::optional<SnapshotHeader> parseSnapshotHeader(std::string_view line);
std::optional<SnapshotSession> parseSnapshotSession(std::string_view line);

// Longest line written or read back under `limits`: content can grow sixfold when escaped
// (\u0001), plus each message's fixed fields and agent name.  Reading never goes below
// kMinLineBound, so lowering the limits does not turn old lines into damaged ones.
std::size_t lineBound(const SessionLimits& limits);
inline constexpr std::size_t kMinLineBound = 8u << 20;

}  // namespace openclaw::bridge
