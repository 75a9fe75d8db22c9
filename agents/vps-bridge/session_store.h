// Chat sessions kept in the bridge's state folder, where "acknowledged" means "on disk".
//
// Files (0600, in `folder`, created 0700 when missing): sessions.journal, an append-only
// journal of JSON lines, and sessions.snapshot, the whole state as of a journal `seq`
// (session_journal.h has the format).  An append's `done` runs only after its line was
// written and fdatasync'd, so a kill -9 at any instruction loses nothing acknowledged; a
// power loss loses nothing either, as far as the disk honours fdatasync.
//
// The disk is touched by one writer thread the store owns (session_writer.h): the loop never
// waits on it, and appends made while a batch is syncing share the next one (group commit).
// The in-memory view changes at once, so reads see an append before its `done`; if the disk
// then refuses, `done` gets the error but memory keeps the messages until the next restart.
// When the journal (as last synced) is past max(compactAtBytes, 2 x the larger of the live
// content and the last snapshot), the state is written as a new snapshot (serialised on the loop,
// written by the writer) and the journal truncated; the snapshot records the last `seq` it
// includes, so a crash between the two neither loses nor doubles messages.
//
// Bounds: a session keeps its newest maxMessages messages within maxBytes of content (older
// ones leave from the front); a message alone over maxBytes is refused, as is a new session
// beyond maxSessions (no one's history is evicted to make room).  Every message must have
// role "user" or "assistant" and an agent name of at most kMaxAgentBytes.  Content that is
// not UTF-8 is stored with U+FFFD in place of the bad bytes.  Sessions are stamped with the
// store's clock (created, updated, in ms since epoch); sweep() removes those idle past ttl.
// Changing the limits trims nothing at once: a session is trimmed at its next append.
//
// Construct, call and destroy on the io_context's thread; the io_context must outlive the
// store.  The destructor writes what is queued and joins the writer; dones still pending
// then are dropped, never called.  No exception escapes open(), append() or the writer.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "openclaw/life_token.h"
#include "session_journal.h"
#include "session_table.h"
#include "session_writer.h"

namespace openclaw::bridge {

// Milliseconds since the epoch; tests pass a fake.
using WallClockMs = std::function<std::int64_t()>;
std::int64_t systemWallClockMs();

class SessionStore {
 public:
  SessionStore(boost::asio::io_context& io, std::string folder, SessionLimits limits,
               WallClockMs clock = systemWallClockMs);
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // Loads the snapshot and replays the journal.  A torn or damaged last line (kill -9
  // mid-write) is dropped; damaged earlier lines are skipped and counted; never throws.
  // Returns problems as sentences (empty when clean).  Until it has run, or when the folder
  // cannot be opened, appends and erases fail with an error sentence.
  std::vector<std::string> open();
  void setLimits(SessionLimits limits);

  bool exists(const std::string& id) const;
  std::vector<SessionMessage> history(const std::string& id) const;  // oldest first
  // The same without a copy; empty for a session that does not exist.  Valid until the
  // store next changes.
  const std::deque<SessionMessage>& messages(const std::string& id) const;

  // `done` runs on the io_context after the messages are durable, or with an error sentence
  // (id invalid, a message alone larger than maxBytes, a bad role, maxSessions reached for a
  // new id, disk error).  An empty `messages` only refreshes `updated` and is journalled.
  using Done = WriteDone;
  void append(const std::string& id, std::vector<SessionMessage> messages, Done done);
  // Durable too; an unknown id gets "no such session".
  void erase(const std::string& id, Done done);
  // Removes sessions not updated for longer than ttl before `nowMs`, journalled; returns
  // how many.
  std::size_t sweep(std::int64_t nowMs);

  // {session_id, created, updated, messages:[{role,content,ts,agent}], bytes}; null if
  // unknown.  Times in ms since epoch; dump it with toJsonText.
  nlohmann::json describe(const std::string& id) const;
  // {sessions, messages, bytes, oldest_updated, journal_bytes, batches, appends,
  //  max_sessions, ttl_hours, compactions, damaged_lines, last_disk_error}
  nlohmann::json stats() const;

 private:
  void enqueue(JournalRecord record, Done done);
  void maybeCompact();
  void onWritten(WriteReport report);
  void fail(Done done, std::string error);
  std::optional<std::string> refusal(const std::string& id,
                                     std::vector<SessionMessage>& messages) const;

  boost::asio::io_context& io_;
  std::string folder_;
  SessionLimits limits_;
  WallClockMs clock_;
  std::string openError_ = "the session store is not open";

  SessionTable table_;
  std::uint64_t lastSeq_ = 0;
  std::uint64_t durableJournalBytes_ = 0;  // as the writer last reported it
  std::uint64_t snapshotBytes_ = 0;        // the last snapshot written or loaded
  std::uint64_t retryCompactionPast_ = 0;  // after a failed snapshot: wait for this size
  bool compacting_ = false;                // a snapshot is queued or being written
  std::size_t batches_ = 0;
  std::size_t appends_ = 0;
  std::size_t compactions_ = 0;
  std::size_t damagedLines_ = 0;
  std::string lastDiskError_;

  std::size_t inFlight_ = 0;  // keeps io.run() going while the writer holds our work
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  LifeToken life_;  // the writer's reports, posted back, check it after we are gone
  std::unique_ptr<JournalWriter> writer_;
};

}  // namespace openclaw::bridge
