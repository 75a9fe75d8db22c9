#include "session_writer.h"

#include <unistd.h>

#include <cstring>

#include "openclaw/durable_file.h"

namespace openclaw::bridge {

JournalWriter::JournalWriter(UniqueFd journal, std::uint64_t journalSize, std::string snapshotPath,
                             std::function<void(WriteReport)> report)
    : journal_(std::move(journal)),
      journalSize_(journalSize),
      snapshotPath_(std::move(snapshotPath)),
      report_(std::move(report)) {
  // Started last: every field above is set before the thread can read one.
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

void JournalWriter::append(JournalRecord record, WriteDone done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(record), std::move(done), std::nullopt});
  }
  wake_.notify_one();
}

void JournalWriter::writeSnapshot(std::string text) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({{}, nullptr, std::move(text)});
  }
  wake_.notify_one();
}

void JournalWriter::run(const std::stop_token& stop) {
  for (;;) {
    std::deque<Item> items;
    {
      std::unique_lock lock(mutex_);
      // Stopping still writes what was queued: those appends were accepted.  The wait ends
      // with an empty queue only on a stop.
      if (!wake_.wait(lock, stop, [&] { return !queue_.empty(); })) return;
      items.swap(queue_);
    }
    std::string text;
    std::vector<WriteDone> dones;
    for (auto& item : items) {
      if (!item.snapshot) {
        text += journalLine(item.record);
        dones.push_back(std::move(item.done));
        continue;
      }
      writeLines(text, dones);
      replaceSnapshot(*item.snapshot);
    }
    writeLines(text, dones);
  }
}

std::optional<std::string> JournalWriter::cutBackTo(std::uint64_t size) {
  // Best effort: if even this fails, the next batch tries again before it writes.
  dirty_ = ::ftruncate(journal_.get(), static_cast<off_t>(size)) != 0;
  if (dirty_) return std::string("cannot cut the session journal back: ") + std::strerror(errno);
  return std::nullopt;
}

void JournalWriter::writeLines(std::string& text, std::vector<WriteDone>& dones) {
  if (text.empty() && dones.empty()) return;
  WriteReport report;
  if (dirty_) report.error = cutBackTo(journalSize_);
  if (!report.error) {
    // O_APPEND puts the batch at the end whatever the file offset.
    auto written = writeAll(journal_.get(), text);
    if (written && ::fdatasync(journal_.get()) == 0) {
      journalSize_ += text.size();
    } else {
      const int err = written ? errno : written.error().value();
      report.error = std::string("cannot write the session journal: ") + std::strerror(err);
      // After a failed fdatasync the bytes may or may not reach the disk: take them back so
      // a restart does not bring back what was reported as failed.
      cutBackTo(journalSize_);
    }
  }
  report.dones = std::move(dones);
  report.journalBytes = journalSize_;
  dones.clear();
  text.clear();
  report_(std::move(report));
}

void JournalWriter::replaceSnapshot(const std::string& text) {
  WriteReport report;
  report.snapshot = true;
  if (auto saved = atomicWriteFile(snapshotPath_, text, 0600); !saved) {
    report.error = "cannot write the session snapshot: " + saved.error().message();
  } else if (::ftruncate(journal_.get(), 0) != 0) {
    // The snapshot says how far it goes, so the old lines left behind are skipped on replay.
    report.error = std::string("cannot truncate the session journal: ") + std::strerror(errno);
  } else {
    journalSize_ = 0;
    dirty_ = false;
    // Unsynced, the truncation may be undone by a crash: harmless for the same reason.
    if (::fdatasync(journal_.get()) != 0) {
      report.error = std::string("cannot sync the session journal: ") + std::strerror(errno);
    }
  }
  report.journalBytes = journalSize_;
  report_(std::move(report));
}

}  // namespace openclaw::bridge
