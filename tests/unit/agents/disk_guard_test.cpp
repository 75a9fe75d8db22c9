// disk-guard: the threshold arithmetic, and age pruning on a real folder with files of known
// ages, links and a FIFO.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "captured_log.h"
#include "disk_guard_service.h"
#include "disk_usage.h"
#include "fakes/fake_clock.h"
#include "openclaw/agent_report.h"
#include "openclaw/events.h"
#include "openclaw/notifier.h"
#include "own_user_namespace.h"
#include "prune.h"
#include "prune_changes.h"

namespace openclaw::diskguard {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kDay = 86400;

// The rule's root reached as the daemon reaches it, then scanned.
Result<PrunePlan> scan(const PruneRule& rule, std::int64_t nowNs, ScanFor use,
                       const std::atomic<bool>* cancel = nullptr) {
  auto root = openPruneRoot(rule);
  if (!root) return fromErrno(root.error().error.value());
  return scanPrune(rule, std::move(*root), nowNs, use, cancel);
}

// Found by fuzz/getdents_fuzz.cpp: a length of 0 looped for ever, and a record cut short
// was read past the buffer's end.
TEST(DirRecords, AMalformedRecordEndsTheWalk) {
  std::vector<char> buffer(64, 0);
  auto record = [&](std::size_t at, std::uint16_t length, const char* name) {
    std::memcpy(buffer.data() + at + offsetof(struct dirent64, d_reclen), &length, 2);
    buffer[at + offsetof(struct dirent64, d_type)] = DT_REG;
    std::strcpy(buffer.data() + at + offsetof(struct dirent64, d_name), name);
  };
  std::vector<std::string> names;
  const auto collect = [&](const char* name, unsigned char) { names.emplace_back(name); };
  record(0, 24, "a");
  record(24, 48, "b");  // longer than what is left
  forEachDirRecord(buffer.data(), buffer.size(), collect);
  ASSERT_EQ(names, std::vector<std::string>{"a"});
  names.clear();
  forEachDirRecord(buffer.data(), 1, collect);  // a header cut short
  ASSERT_TRUE(names.empty());
  record(24, 0, "b");  // the same record again and again
  forEachDirRecord(buffer.data(), buffer.size(), collect);
  EXPECT_EQ(names, std::vector<std::string>{"a"});
}

TEST(DiskUsage, BytesAboveTheTargetBringUsageUnderIt) {
  DiskUsage u;
  u.used = 90;
  u.available = 10;
  EXPECT_NEAR(u.percent(), 90.0, 1e-9);
  const auto free = u.bytesAbove(80);
  DiskUsage after{u.used - free, u.available + free, 0};
  EXPECT_LT(after.percent(), 80.0);
  DiskUsage one{u.used - free + 1, u.available + free - 1, 0};
  EXPECT_GE(one.percent(), 79.0);  // not much more than needed
  EXPECT_EQ(u.bytesAbove(95), 0u);
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
}

class APruneFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-prune-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    root_ = base_ + "/sessions";
    fs::create_directories(root_ + "/a");
    fs::create_directories(root_ + "/b/deep");
    fs::create_directories(base_ + "/outside");
    now_ = std::time(nullptr);
    rule_.path = root_;
    rule_.olderThanDays = 7;
    rule_.keepNewest = 1;
  }
  void TearDown() override { fs::remove_all(base_); }

  void file(const std::string& rel, std::int64_t daysOld, std::size_t size = 4096) {
    const std::string p = rel.starts_with("/") ? rel : root_ + "/" + rel;
    std::ofstream(p) << std::string(size, 'x');
    const timespec t{now_ - daysOld * kDay, 0};
    const timespec times[2] = {t, t};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  }
  bool exists(const std::string& rel) const {
    return fs::exists(fs::symlink_status(root_ + "/" + rel));
  }
  std::int64_t nowNs() const { return now_ * 1000000000LL; }

  std::vector<std::string> prune(std::uint64_t needed, bool dry = false,
                                 PruneOutcome* outcome = nullptr) {
    auto plan = scan(rule_, nowNs(), dry ? ScanFor::Report : ScanFor::Removal);
    EXPECT_TRUE(plan.ok());
    std::vector<PrunePlan> plans;
    if (plan) plans.push_back(std::move(*plan));
    std::vector<std::string> removed;
    auto out = removeOldest(
        plans, [needed](std::uint64_t freed) { return freed >= needed; }, dry,
        [&](const PrunePlan& pl, const PruneCandidate& c) {
          removed.push_back(displayPath(pl, c.folder, c.name).substr(root_.size() + 1));
        });
    if (outcome) *outcome = out;
    return removed;
  }

  std::string base_;
  std::string root_;
  std::time_t now_ = 0;
  PruneRule rule_;
};

TEST_F(APruneFolder, RemovesOnlyOldFilesOldestFirstKeepingEachFoldersNewest) {
  file("a/young", 1);
  file("a/old30", 30);
  file("a/old40", 40);
  file("b/old35", 35);
  file("b/old50", 50);
  file("b/deep/old60", 60);  // the only file of its folder: kept as its newest
  // Exactly the three candidates' bytes: the order is the oldest-first one.
  const auto removed = prune(3 * 4096);
  // a keeps young (its newest); b keeps old35; deep keeps old60.
  EXPECT_EQ(removed, (std::vector<std::string>{"b/old50", "a/old40", "a/old30"}));
  EXPECT_TRUE(exists("a/young"));
  EXPECT_TRUE(exists("b/old35"));
  EXPECT_TRUE(exists("b/deep/old60"));
  EXPECT_FALSE(exists("a/old30"));
}

TEST_F(APruneFolder, StopsAsSoonAsEnoughIsFreed) {
  rule_.keepNewest = 0;
  for (int d = 10; d < 20; ++d) file("a/f" + std::to_string(d), d);
  PruneOutcome out;
  const auto removed = prune(3 * 4096, false, &out);
  EXPECT_EQ(removed, (std::vector<std::string>{"a/f19", "a/f18", "a/f17"}));
  EXPECT_EQ(out.removed, 3u);
  EXPECT_TRUE(exists("a/f16"));
}

TEST_F(APruneFolder, NeverFollowsSymlinksNorRemovesHardLinksOrOpensFifos) {
  rule_.keepNewest = 0;
  file(base_ + "/outside/victim", 90);
  ASSERT_EQ(::symlink((base_ + "/outside").c_str(), (root_ + "/a/dirlink").c_str()), 0);
  ASSERT_EQ(::symlink((base_ + "/outside/victim").c_str(), (root_ + "/a/filelink").c_str()), 0);
  file(base_ + "/outside/linked", 90);
  ASSERT_EQ(::link((base_ + "/outside/linked").c_str(), (root_ + "/a/hardlink").c_str()), 0);
  // Opening a FIFO for reading would block this test: ctest's timeout would fail it.
  ASSERT_EQ(::mkfifo((root_ + "/a/pipe").c_str(), 0600), 0);
  file("a/old", 30);
  const auto removed = prune(UINT64_MAX);
  EXPECT_EQ(removed, std::vector<std::string>{"a/old"});
  EXPECT_TRUE(fs::exists(base_ + "/outside/victim"));
  EXPECT_TRUE(fs::exists(base_ + "/outside/linked"));
  EXPECT_TRUE(exists("a/dirlink") && exists("a/filelink") && exists("a/hardlink") &&
              exists("a/pipe"));
}

// Scans for removal, runs `meanwhile`, then removes every candidate.
PruneOutcome pruneAll(const PruneRule& rule, std::int64_t nowNs,
                      const std::function<void()>& meanwhile) {
  auto plan = scan(rule, nowNs, ScanFor::Removal);
  EXPECT_TRUE(plan.ok());
  std::vector<PrunePlan> plans;
  if (plan) plans.push_back(std::move(*plan));
  meanwhile();
  return removeOldest(
      plans, [](std::uint64_t) { return false; }, false,
      [](const PrunePlan&, const PruneCandidate&) {});
}

// The events are read before the first question, then only once kChangeWindow has passed
// on the clock: a write in between goes unseen until then.  The clock is moved, not waited on.
TEST_F(APruneFolder, ReadsTheChangesAgainOnlyOnceTheWindowHasPassed) {
  rule_.keepNewest = 0;
  file("a/old", 30);
  auto plan = scan(rule_, nowNs(), ScanFor::Removal);
  ASSERT_TRUE(plan.ok());
  std::vector<PrunePlan> plans;
  plans.push_back(std::move(*plan));
  ASSERT_EQ(plans[0].candidates.size(), 1u);
  const PruneCandidate& old = plans[0].candidates[0];
  FakeClock clock;
  ChangeWindow window(plans, clock);
  EXPECT_TRUE(window.unchanged(0, old));  // read at once: nothing has happened
  file("a/old", 30);                      // written again, same age
  EXPECT_TRUE(window.unchanged(0, old));  // within the window: not read again
  clock.advance(kChangeWindow - std::chrono::microseconds(1));
  EXPECT_TRUE(window.unchanged(0, old));
  clock.advance(std::chrono::microseconds(1));
  EXPECT_FALSE(window.unchanged(0, old));  // read again: the write is seen
}

TEST_F(APruneFolder, LeavesAFileWrittenSinceTheScan) {
  rule_.keepNewest = 0;
  file("a/old1", 30);
  file("a/old2", 20);
  const auto out = pruneAll(rule_, nowNs(), [&] { file("a/old2", 0); });  // young now
  EXPECT_EQ(out.removed, 1u);
  EXPECT_EQ(out.changed, 1u);
  EXPECT_TRUE(exists("a/old2"));
  EXPECT_FALSE(exists("a/old1"));
  // inotify named old2 alone: only it was looked at again.
  EXPECT_EQ(out.rechecked, 1u);
}

TEST_F(APruneFolder, LeavesAFileReplacedSinceTheScanEvenByAnOldOne) {
  rule_.keepNewest = 0;
  file("a/old1", 30);
  file("a/old2", 30);
  const auto out = pruneAll(rule_, nowNs(), [&] {
    // Another file, as old, renamed over old2: the same name and mtime, another inode.
    file(base_ + "/outside/other", 30);
    ASSERT_EQ(::rename((base_ + "/outside/other").c_str(), (root_ + "/a/old2").c_str()), 0);
  });
  EXPECT_EQ(out.removed, 1u);
  EXPECT_EQ(out.changed, 1u);
  EXPECT_TRUE(exists("a/old2"));
}

TEST_F(APruneFolder, NeverRemovesFromAFolderPutInPlaceOfAScannedOne) {
  rule_.keepNewest = 0;
  file("b/deep/old", 30);
  const auto out = pruneAll(rule_, nowNs(), [&] {
    fs::rename(root_ + "/b/deep", base_ + "/outside/deep");
    fs::create_directories(root_ + "/b/deep");
    file("b/deep/old", 30);  // the same name, as old, in another folder
  });
  EXPECT_TRUE(exists("b/deep/old"));
  EXPECT_TRUE(exists("b/deep"));
  // The scanned file itself may go (wherever its folder went); nothing else does.
  EXPECT_EQ(out.removed + out.changed, 1u);
}

// Without inotify watches (the limit made 0 in a user namespace of the test's own), every
// candidate is looked at again just before its removal, with the same result.
TEST_F(APruneFolder, WithoutWatchesEveryCandidateIsCheckedAgain) {
  if (const char* why = openclaw::testing::userNamespaceUnavailable(); *why != '\0') {
    GTEST_SKIP() << why;
  }
  rule_.keepNewest = 0;
  file("a/old1", 30);
  file("a/old2", 20);
  file("b/old3", 20);
  const int code = openclaw::testing::runInOwnUserNamespace([&] {
    if (!openclaw::testing::setUserLimit("max_inotify_watches", 0)) return 10;
    const auto out = pruneAll(rule_, nowNs(), [&] { file("a/old2", 0); });
    if (out.rechecked != 3) return 11;
    if (out.removed != 2 || out.changed != 1) return 12;
    return 0;
  });
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(exists("a/old2"));
  EXPECT_FALSE(exists("a/old1") || exists("b/old3"));
}

// Enough candidates for two removers: every one goes but the one written since the scan,
// and the folders they empty go too.
TEST_F(APruneFolder, TwoRemoversWhenEverythingGoes) {
  rule_.keepNewest = 0;
  constexpr int kFolders = 50;
  constexpr int kPerFolder = 100;
  for (int d = 0; d < kFolders; ++d) {
    const std::string folder = "many/" + std::to_string(d);
    fs::create_directories(root_ + "/" + folder);
    for (int f = 0; f < kPerFolder; ++f) file(folder + "/" + std::to_string(f), 30, 0);
  }
  const auto out = pruneAll(rule_, nowNs(), [&] { file("many/49/99", 0, 0); });
  EXPECT_EQ(out.removed, kFolders * kPerFolder - 1u);
  EXPECT_EQ(out.changed, 1u);
  EXPECT_EQ(out.rechecked, 1u);
  EXPECT_EQ(out.foldersRemoved, kFolders - 1u);
  EXPECT_EQ(out.removers, 2u);
  EXPECT_TRUE(exists("many/49/99"));
  EXPECT_FALSE(exists("many/0"));
}

TEST_F(APruneFolder, RemovesFoldersItEmptiesButNeverTheRoot) {
  rule_.keepNewest = 0;
  file("b/deep/only", 30);
  file("b/also", 30);
  PruneOutcome out;
  prune(UINT64_MAX, false, &out);
  EXPECT_FALSE(exists("b"));
  EXPECT_EQ(out.foldersRemoved, 2u);
  EXPECT_TRUE(exists("a"));  // empty before, not emptied by the prune
  EXPECT_TRUE(fs::exists(root_));
}

TEST_F(APruneFolder, DryRunNamesTheSameFilesAndRemovesNothing) {
  rule_.keepNewest = 0;
  file("a/x", 30);
  file("b/y", 40);
  const auto would = prune(2 * 4096, true);
  EXPECT_EQ(would, (std::vector<std::string>{"b/y", "a/x"}));
  EXPECT_TRUE(exists("a/x") && exists("b/y"));
  EXPECT_EQ(prune(2 * 4096), would);
}

TEST_F(APruneFolder, WhenEverythingMustGoEverythingGoesFolderByFolder) {
  rule_.keepNewest = 0;
  for (const char* f : {"a/1", "b/2", "a/3", "b/deep/4"}) file(f, 30 + f[2] - '0');
  auto removed = prune(UINT64_MAX);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"a/1", "a/3", "b/2", "b/deep/4"}));
}

TEST_F(APruneFolder, PatternsSelectTheFiles) {
  rule_.keepNewest = 0;
  rule_.patterns = {"*.jsonl"};
  file("a/s.jsonl", 30);
  file("a/keep.md", 30);
  EXPECT_EQ(prune(UINT64_MAX), std::vector<std::string>{"a/s.jsonl"});
  EXPECT_TRUE(exists("a/keep.md"));
}

// A reload while a check waits on the Docker engine: the check finishes on the config it
// started with, then the new one takes over.  (Replacing the config under it made its steps
// index mounts the new config does not have.)  The engine is a local socket that holds its
// answer until the test releases it.
TEST(DiskGuardServiceTest, AReloadDuringACheckWaitsForIt) {
  using boost::asio::local::stream_protocol;
  char tmpl[] = "/tmp/openclaw-dgs-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string sock = dir + "/engine.sock";
  boost::asio::io_context io;
  stream_protocol::acceptor acceptor(io, stream_protocol::endpoint(sock));
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";
  // The first request is held; any later one is answered at once.
  stream_protocol::socket held(io);
  boost::asio::streambuf request;
  bool asked = false;
  std::function<void()> accept = [&] {
    auto peer = std::make_shared<stream_protocol::socket>(io);
    acceptor.async_accept(*peer, [&, peer](const boost::system::error_code& ec) {
      if (ec) return;
      auto buffer = std::make_shared<boost::asio::streambuf>();
      boost::asio::async_read_until(
          *peer, *buffer, "\r\n\r\n",
          [&, peer, buffer](const boost::system::error_code& e, std::size_t) {
            if (e) return;
            if (!asked) {
              asked = true;
              held = std::move(*peer);
            } else {
              boost::asio::write(*peer, boost::asio::buffer(answer));
            }
          });
      accept();
    });
  };
  accept();
  const auto runUntil = [&](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
    }
    return done();
  };

  Notifier notifier(io);
  DaemonContext ctx{io, notifier, "disk-guard", dir, systemClock()};
  DiskGuardService service(ctx);
  DiskGuardConfig first;
  first.mounts.push_back({dir, 0, 0, 100});  // always over act: every step runs
  first.intervalSec = 3600;
  first.dockerPrune = true;
  first.dockerSocket = sock;
  first.dryRun = true;  // the Docker step only asks what it would remove
  service.start(first);
  ASSERT_TRUE(runUntil([&] { return asked; })) << "the check never asked the engine";

  DiskGuardConfig second;
  second.intervalSec = 60;
  service.reload(second);  // no mounts
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_NE(service.status().find(dir), std::string::npos) << service.status();

  boost::asio::write(held, boost::asio::buffer(answer));
  held.close();
  EXPECT_TRUE(runUntil([&] {
    return service.status().find("no mounts configured; every 60 s") != std::string::npos;
  })) << service.status();
  service.stop();
  fs::remove_all(dir);
}

// A prune runs on a worker: the loop goes on meanwhile (here a timer reads STATUS every
// millisecond and sees the prune in it), and the prune's report comes back to the loop.
// On one thread the loop would only run again after the prune: no timer would see it.
TEST(DiskGuardServiceTest, TheLoopRunsWhileAPruneDoes) {
  char tmpl[] = "/tmp/openclaw-dgw-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string sessions = dir + "/sessions";
  constexpr int kFiles = 30000;
  for (int d = 0; d < 30; ++d) {
    const std::string folder = sessions + "/" + std::to_string(d);
    fs::create_directories(folder);
    const timespec old{std::time(nullptr) - 30 * kDay, 0};
    const timespec times[2] = {old, old};
    for (int f = 0; f < kFiles / 30; ++f) {
      const std::string path = folder + "/" + std::to_string(f);
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(::futimens(fd, times), 0);
      ::close(fd);
    }
  }
  boost::asio::io_context io;
  Notifier notifier(io);
  DaemonContext ctx{io, notifier, "disk-guard", dir, systemClock()};
  DiskGuardService service(ctx);
  DiskGuardConfig config;
  config.mounts.push_back({dir, 0, 0, 100});  // always over act: every old file goes
  config.intervalSec = 3600;
  PruneRule rule;
  rule.path = sessions;
  rule.olderThanDays = 7;
  rule.keepNewest = 0;
  config.prune.push_back(rule);
  service.start(config);

  int seen = 0;
  boost::asio::steady_timer timer(io);
  std::function<void()> look = [&] {
    if (service.status().find("pruning " + dir) != std::string::npos) ++seen;
    timer.expires_after(std::chrono::milliseconds(1));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) look();
    });
  };
  look();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (service.status().find("last action: none yet") != std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(5));
  }
  timer.cancel();
  EXPECT_NE(service.status().find("prune on " + dir), std::string::npos) << service.status();
  EXPECT_GT(seen, 1) << "no timer ran while the prune did";
  EXPECT_TRUE(fs::is_empty(sessions));
  auto report = readAgentReport(dir);  // the state folder is `dir` here
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->last.event, event::kPrune);
  EXPECT_EQ(report->last.target, dir);
  EXPECT_EQ(report->metric("openclaw_disk_files_removed_total", {{"mount", dir}}), kFiles)
      << "status and Prometheus see what the prune did";
  service.stop();
  fs::remove_all(dir);
}

// A container swaps a parent of a prune root (agents/main above agents/main/sessions) for a
// symlink to a folder of the same shape elsewhere on the disk.  Opening the root with
// O_NOFOLLOW alone guards only "sessions": the prune then ran in the other folder, as root.
// Now nothing there is touched, one warning names the symlinked component however many
// checks run, and once the real folder is back the root is pruned at the next check.
TEST(DiskGuardServiceTest, RefusesAPruneRootWhoseParentIsASymlink) {
  char tmpl[] = "/tmp/openclaw-dgl-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fs::create_directories(dir + "/agents/main/sessions");
  fs::create_directories(dir + "/decoy/sessions");
  const auto old = [](const std::string& path) {
    std::ofstream(path) << "x";
    const timespec t{std::time(nullptr) - 30 * kDay, 0};
    const timespec times[2] = {t, t};
    return ::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0;
  };
  for (int f = 0; f < 10; ++f) ASSERT_TRUE(old(dir + "/decoy/sessions/" + std::to_string(f)));
  ASSERT_TRUE(old(dir + "/agents/main/sessions/mine"));
  const auto listing = [](const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(folder)) {
      names.push_back(e.path().filename().string() + " " +
                      std::to_string(fs::last_write_time(e.path()).time_since_epoch().count()));
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  const auto decoyBefore = listing(dir + "/decoy/sessions");
  fs::rename(dir + "/agents/main", dir + "/agents/main.real");
  ASSERT_EQ(::symlink((dir + "/decoy").c_str(), (dir + "/agents/main").c_str()), 0);

  openclaw::testing::CapturedLog log;
  boost::asio::io_context io;
  Notifier notifier(io);
  DaemonContext ctx{io, notifier, "disk-guard", dir, systemClock()};
  DiskGuardService service(ctx);
  DiskGuardConfig config;
  config.mounts.push_back({dir, 0, 0, 100});  // always over act: every check prunes
  config.intervalSec = 1;
  PruneRule rule;
  rule.path = dir + "/agents/main/sessions";
  rule.olderThanDays = 7;
  rule.keepNewest = 0;
  config.prune.push_back(rule);
  service.start(config);
  const auto runUntil = [&](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
    }
    return done();
  };
  // Three checks, each one "disk-high" line.
  EXPECT_TRUE(runUntil([&] {
    return log.count(testing::field(journal_key::kEvent, event::kDiskHigh)) >= 3;
  })) << log.text();
  EXPECT_EQ(listing(dir + "/decoy/sessions"), decoyBefore) << "the prune ran behind the symlink";
  EXPECT_EQ(log.count(testing::field(journal_key::kEvent, event::kPathRefused)), 1u) << log.text();
  EXPECT_EQ(log.count(testing::field(journal_key::kComponent, dir + "/agents/main") + " "), 1u)
      << log.text();

  // The real folder back: the next check prunes it.
  fs::remove(dir + "/agents/main");
  fs::rename(dir + "/agents/main.real", dir + "/agents/main");
  EXPECT_TRUE(runUntil([&] { return !fs::exists(dir + "/agents/main/sessions/mine"); }))
      << log.text();
  EXPECT_EQ(log.count(testing::field(journal_key::kEvent, event::kPathResolved)), 1u) << log.text();
  EXPECT_EQ(listing(dir + "/decoy/sessions"), decoyBefore);
  service.stop();
  fs::remove_all(dir);
}

// A cancelled prune (the daemon stopping) enters no further folder and removes no further
// file.
TEST(APruneCancelled, EntersAndRemovesNothingMore) {
  char tmpl[] = "/tmp/openclaw-dgc-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string sessions = dir + "/sessions";
  fs::create_directories(sessions);
  const std::atomic<bool> cancel{true};
  for (int f = 0; f < 10; ++f) {
    const std::string path = sessions + "/" + std::to_string(f);
    std::ofstream(path) << "x";
    const timespec old{std::time(nullptr) - 30 * kDay, 0};
    const timespec times[2] = {old, old};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }
  PruneRule rule;
  rule.path = sessions;
  rule.olderThanDays = 7;
  rule.keepNewest = 0;
  const std::int64_t now = std::time(nullptr) * 1000000000LL;
  // Cancelled before it starts: the scan enters nothing, the removal removes nothing.
  auto cut = scan(rule, now, ScanFor::Removal, &cancel);
  ASSERT_TRUE(cut.ok());
  EXPECT_TRUE(cut->candidates.empty());
  auto whole = scan(rule, now, ScanFor::Removal);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->candidates.size(), 10u);
  std::vector<PrunePlan> plans;
  plans.push_back(std::move(*whole));
  const auto out = removeOldest(
      plans, [](std::uint64_t) { return false; }, false,
      [](const PrunePlan&, const PruneCandidate&) {}, &cancel);
  EXPECT_EQ(out.removed, 0u);
  EXPECT_TRUE(out.cancelled);
  EXPECT_EQ(std::distance(fs::directory_iterator(sessions), fs::directory_iterator()), 10);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace openclaw::diskguard
