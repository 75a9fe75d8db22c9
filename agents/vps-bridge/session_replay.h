// Rebuilding the sessions from the snapshot and the journal at start-up.
//
// Nothing on disk is trusted: every line is bounded (longer ones are skipped unread), parsed
// without exceptions and checked field by field; at most `maxSessions` sessions are loaded.
// Journal lines at or below the snapshot's `seq`, or at or below one already applied, are
// skipped: they are in the table already.  Whatever follows the last good line of the
// journal is a write cut short (kill -9, power loss): it is dropped and cut off the file, so
// the next append starts on a clean line.  A damaged line with good lines after it is
// skipped and counted.  Problems come back as sentences; the load itself never fails.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"
#include "session_table.h"

namespace openclaw::bridge {

struct LoadedSessions {
  SessionTable table;
  std::uint64_t lastSeq = 0;       // the highest seq the table includes
  std::uint64_t journalBytes = 0;  // the journal's size once its torn tail is cut off
  std::uint64_t snapshotBytes = 0;
  std::size_t damagedLines = 0;
  std::vector<std::string> problems;
};

// `journalFd` is the journal opened for reading and writing; the snapshot is read by path (a
// missing one is an empty store).  A snapshot that cannot be read is renamed to
// "<path>.damaged" so the next compaction does not overwrite the evidence.
LoadedSessions loadSessions(const std::string& snapshotPath, int journalFd,
                            const SessionLimits& limits);

// Calls `onLine` for each line of `fd` from its start: the text without '\n', its offset,
// and whether it ended in '\n'.  A line longer than `maxLine` is passed as `tooLong` with no
// text, never held in memory.
struct FileLine {
  std::string_view text;
  std::uint64_t offset = 0;
  bool complete = true;
  bool tooLong = false;
};
Result<Ok> forEachLine(int fd, std::size_t maxLine,
                       const std::function<void(const FileLine&)>& onLine);

}  // namespace openclaw::bridge
