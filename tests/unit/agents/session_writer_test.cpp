// The session store's writer thread on its own: what was queued before the writer is
// destroyed is written and synced first, and the destructor returns.
#include "session_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ends_within.h"
#include "session_journal.h"
#include "temp_folder.h"

namespace openclaw::bridge {
namespace {

using namespace std::chrono_literals;

JournalRecord deletion(std::uint64_t seq) {
  JournalRecord r;
  r.op = JournalOp::Del;
  r.seq = seq;
  r.id = "session-" + std::to_string(seq);
  return r;
}

class AJournalWriter : public ::testing::Test {
 protected:
  UniqueFd openJournal() const {
    return UniqueFd(
        ::open(journal_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  }
  std::vector<std::uint64_t> seqsOnDisk() const {
    std::vector<std::uint64_t> seqs;
    std::ifstream in(journal_);
    for (std::string line; std::getline(in, line);) {
      const auto r = parseJournalLine(line);
      seqs.push_back(r ? r->seq : 0);
    }
    return seqs;
  }

  testing::TempFolder temp_{"oc-session-writer"};
  const std::string journal_ = temp_ / "sessions.journal";
  const std::string snapshot_ = temp_ / "sessions.snapshot";
};

TEST_F(AJournalWriter, WritesWhatWasQueuedBeforeItsDestructorThenReturns) {
  constexpr std::uint64_t kRecords = 200;
  UniqueFd fd = openJournal();
  ASSERT_GE(fd.get(), 0);
  std::mutex mutex;
  std::condition_variable cv;
  bool firstHeld = false;
  bool released = false;
  std::uint64_t durable = 0;  // the appends reported written, guarded by mutex
  std::vector<std::string> errors;
  const auto release = [&] {
    std::lock_guard lock(mutex);
    released = true;
    cv.notify_all();
  };
  // The report runs on the writer's thread; the first one holds it until the rest is queued,
  // so that most of the records are still waiting when the destructor asks it to stop.
  auto writer =
      std::make_unique<JournalWriter>(std::move(fd), 0, snapshot_, [&](const WriteReport& report) {
        std::unique_lock lock(mutex);
        for (const auto& done : report.dones) done(report.error);
        if (firstHeld) return;
        firstHeld = true;
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
      });
  // Called from the report above, with `mutex` held.
  const WriteDone done = [&](const std::optional<std::string>& error) {
    if (error) errors.push_back(*error);
    if (!error) ++durable;
  };

  writer->append(deletion(1), done);
  bool held = false;
  {
    std::unique_lock lock(mutex);
    held = cv.wait_for(lock, 10s, [&] { return firstHeld; });
  }
  if (!held) release();
  ASSERT_TRUE(held) << "the first batch was never reported";
  for (std::uint64_t seq = 2; seq <= kRecords; ++seq) writer->append(deletion(seq), done);
  release();
  testing::endsWithin(
      10s, [&] { writer.reset(); }, "the journal writer's destructor");

  std::lock_guard lock(mutex);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(durable, kRecords);
  const auto seqs = seqsOnDisk();
  ASSERT_EQ(seqs.size(), kRecords);
  for (std::uint64_t i = 0; i < kRecords; ++i) EXPECT_EQ(seqs[i], i + 1) << "line " << i;
}

TEST_F(AJournalWriter, WithNothingQueuedStopsAtOnce) {
  UniqueFd fd = openJournal();
  ASSERT_GE(fd.get(), 0);
  int reports = 0;  // written on the writer's thread, read after it is joined
  auto writer = std::make_unique<JournalWriter>(std::move(fd), 0, snapshot_,
                                                [&](const WriteReport&) { ++reports; });
  const auto start = std::chrono::steady_clock::now();
  testing::endsWithin(
      10s, [&] { writer.reset(); }, "an idle journal writer's destructor");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(reports, 0);
  EXPECT_TRUE(seqsOnDisk().empty());
}

}  // namespace
}  // namespace openclaw::bridge
