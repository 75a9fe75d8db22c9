// The one thread that writes the session store's files, so the event loop never waits for
// the disk.
//
// Group commit: records queued while a batch is being written and synced form the next batch,
// serialised here (the loop only copies them in), written with one write() and made durable
// with one fdatasync(); under load the batches grow and the syncs per second stay put.  A snapshot
// is queued in line with the journal lines: it is written (atomicWriteFile, 0600) after every line
// queued before it and before any line queued after it, then the journal is truncated.  A batch
// that fails is cut back off the journal, so the file never holds half a line followed by good
// ones.
//
// `report` is called on the writer thread once per batch and per snapshot; it must hand the
// result to the thread that owns the dones (the store posts it to its io_context).  The
// destructor asks the thread to stop; it writes what is still queued, then ends, and is joined.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "openclaw/handles.h"
#include "session_journal.h"

namespace openclaw::bridge {

using WriteDone = std::function<void(std::optional<std::string> error)>;

struct WriteReport {
  std::vector<WriteDone> dones;      // the appends the batch made durable (or failed)
  std::optional<std::string> error;  // a sentence when the disk refused
  bool snapshot = false;             // a compaction rather than a journal batch
  std::uint64_t journalBytes = 0;    // the journal's size afterwards
};

class JournalWriter {
 public:
  JournalWriter(UniqueFd journal, std::uint64_t journalSize, std::string snapshotPath,
                std::function<void(WriteReport)> report);
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void append(JournalRecord record, WriteDone done);
  void writeSnapshot(std::string text);

 private:
  struct Item {
    JournalRecord record;
    WriteDone done;
    std::optional<std::string> snapshot;  // the whole snapshot file, instead of a record
  };
  void run(const std::stop_token& stop);
  void writeLines(std::string& text, std::vector<WriteDone>& dones);
  void replaceSnapshot(const std::string& text);
  std::optional<std::string> cutBackTo(std::uint64_t size);

  UniqueFd journal_;
  std::uint64_t journalSize_;  // writer thread only: the end of the last durable batch
  bool dirty_ = false;         // writer thread only: bytes past journalSize_ may be on disk
  std::string snapshotPath_;
  std::function<void(WriteReport)> report_;

  std::mutex mutex_;
  std::condition_variable_any wake_;  // the _any kind: its wait also ends on a stop request
  std::deque<Item> queue_;            // guarded by mutex_
  // Last: stopped and joined before any field above goes.
  std::jthread thread_;
};

}  // namespace openclaw::bridge
