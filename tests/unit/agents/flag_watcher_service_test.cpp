// FlagWatcherService against the fake systemd manager and the fake clock, with a real flag
// folder in a temporary directory (inotify needs no privilege there).  Waits run the
// io_context until a condition holds or a real-time deadline passes; time inside the
// service moves only with FakeClock::advance.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "boot_token.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_systemd_manager.h"
#include "flag_watcher_service.h"
#include "ledger_file.h"
#include "openclaw/durable_file.h"
#include "openclaw/notifier.h"

namespace openclaw::flagwatcher {
namespace {

namespace fs = std::filesystem;

const std::string kUnit = "bot.service";

UnitState activeSince(std::uint64_t stamp) {
  UnitState s;
  s.loadState = "loaded";
  s.activeState = "active";
  s.subState = "running";
  s.result = "success";
  s.execMainStartTimestampMonotonic = stamp;
  return s;
}

class FlagWatcherServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("flag-watcher-service-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "flags");
    fs::create_directories(root_ / "state");
    fs::create_directories(root_ / "run");
    ::setenv("RUNTIME_DIRECTORY", (root_ / "run").c_str(), 1);
    ctx_.stateDir = (root_ / "state").string();
    ctx_.restarts = {(root_ / "run" / "restarts").string(), (root_ / "restarts").string()};
    fake_.states[kUnit] = activeSince(100);
  }
  void TearDown() override {
    if (service_) service_->stop();
    service_.reset();
    ::unsetenv("RUNTIME_DIRECTORY");
    fs::remove_all(root_);
  }

  FlagWatcherConfig config(std::int64_t minIntervalSec, std::int64_t maxPerHour) const {
    FlagWatcherConfig c;
    c.directories.push_back({(root_ / "flags").string(), {"bot"}});
    c.targets["bot"] = FlagTarget{kUnit, "", ManagerScope{}};
    c.minIntervalSec = minIntervalSec;
    c.maxPerHour = maxPerHour;
    return c;
  }

  void start(std::int64_t minIntervalSec = 10, std::int64_t maxPerHour = 6) {
    // The fake outlives the service: the factory hands out a forwarder to it.
    service_ = std::make_unique<FlagWatcherService>(ctx_, [this](const ManagerScope&) {
      return std::make_unique<Forwarder>(fake_, stateReads_);
    });
    service_->start(config(minIntervalSec, maxPerHour));
  }

  void dropFlag() { std::ofstream(root_ / "flags" / "revive-bot.flag") << "x"; }
  bool flagPresent() const { return fs::exists(root_ / "flags" / "revive-bot.flag"); }

  // Runs the loop until `done` holds; false when the deadline passes first.
  bool runUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.restart();
      io_.run_one_for(std::chrono::milliseconds(50));
    }
    return true;
  }
  // A flag dropped now is consumed (handled and removed) by the service.
  bool flagConsumed() {
    dropFlag();
    return runUntil([this] { return !flagPresent(); });
  }
  // A flag dropped now is consumed and leaves one restart job waiting in the fake.
  bool restartRequested() {
    return flagConsumed() && runUntil([this] { return fake_.pendingJobs() == 1; });
  }
  int restarts() const {
    return static_cast<int>(
        std::count(fake_.calls.begin(), fake_.calls.end(), "RestartUnit " + kUnit));
  }
  // The history (state.json) and the restart in flight (the runtime folder's file).
  TargetLedger ledgerOnDisk() const { return onDisk(root_ / "state" / "state.json"); }
  TargetLedger inFlightOnDisk() const { return onDisk(root_ / "run" / "in-flight.json"); }
  static TargetLedger onDisk(const fs::path& file) {
    auto read = loadLedgers(StateFile(file.string()));
    return read.ledgers["bot"];
  }
  // As a kill -9 leaves it between the in-flight record and the history's write: the
  // restart decided at `beganUsec` and charged in the record only.
  void writeInFlightRecord(std::uint64_t beganUsec) {
    TargetLedger l = interrupted();
    l.beganUsec = beganUsec;
    l.countedAt = clock_.wallSeconds() - 5;
    ASSERT_TRUE(StateFile((root_ / "run" / "in-flight.json").string())
                    .save(toJson({{"bot", l}}, LedgerPart::InFlight)));
  }
  // As an older version left it: all in state.json, marked with the unit's start stamp.
  void writeOlderInFlightLedger(std::uint64_t stampBefore) {
    TargetLedger l = interrupted();
    l.restarts.push_back(clock_.wallSeconds() - 5);
    l.startStampBefore = stampBefore;
    ASSERT_TRUE(StateFile((root_ / "state" / "state.json").string()).save(toJson({{"bot", l}})));
  }
  TargetLedger interrupted() {
    auto token = bootToken((root_ / "run").string());
    EXPECT_TRUE(token.ok()) << token.error();
    TargetLedger l;
    l.pendingSince = clock_.wallSeconds() - 5;
    l.inFlightSince = clock_.wallSeconds() - 5;
    l.bootId = token ? *token : "";
    return l;
  }

  // Passes every call to the test's fake, which stays in place across the service's life.
  struct Forwarder : SystemdManager {
    Forwarder(FakeSystemdManager& f, int& reads) : fake(f), stateReads(reads) {}
    void restartUnit(const std::string& u, JobCallback d) override { fake.restartUnit(u, d); }
    void startUnit(const std::string& u, JobCallback d) override { fake.startUnit(u, d); }
    void stopUnit(const std::string& u, JobCallback d) override { fake.stopUnit(u, d); }
    void resetFailedUnit(const std::string& u, ErrorCallback d) override {
      fake.resetFailedUnit(u, d);
    }
    void daemonReload(ErrorCallback d) override { fake.daemonReload(d); }
    void getUnitState(const std::string& u, StateCallback d) override {
      ++stateReads;
      fake.getUnitState(u, d);
    }
    std::unique_ptr<UnitWatch> watchUnit(const std::string& u, StateCallback c) override {
      return fake.watchUnit(u, c);
    }
    FakeSystemdManager& fake;
    int& stateReads;
  };

  boost::asio::io_context io_;
  Notifier notifier_{io_};
  FakeClock clock_;
  fs::path root_;
  DaemonContext ctx_{io_, notifier_, "flag-watcher", "", clock_};
  FakeSystemdManager fake_;
  int stateReads_ = 0;  // GetUnitState calls: each is a round trip to systemd
  std::unique_ptr<FlagWatcherService> service_;
};

TEST_F(FlagWatcherServiceTest, AFlagRestartsItsUnitOnce) {
  start();
  ASSERT_TRUE(restartRequested());
  EXPECT_TRUE(inFlightOnDisk().inFlightSince);
  EXPECT_NE(inFlightOnDisk().beganUsec, 0U);
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);  // the history holds no restart in flight
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_EQ(restarts(), 1);
  EXPECT_FALSE(inFlightOnDisk().inFlightSince);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

// The flag's path to RestartUnit has no round trip to systemd before it: the restart is
// the first and only call.
TEST_F(FlagWatcherServiceTest, AFlagGoesStraightToRestartUnit) {
  start();
  ASSERT_TRUE(restartRequested());
  EXPECT_EQ(stateReads_, 0);
  EXPECT_EQ(fake_.calls, std::vector<std::string>{"RestartUnit " + kUnit});
}

// A failed unit is restarted like any other: no reset first (only a latched start limit,
// seen when the restart fails, is reset).
TEST_F(FlagWatcherServiceTest, AFailedUnitIsRestartedWithoutAResetFirst) {
  UnitState failed = activeSince(100);
  failed.activeState = "failed";
  failed.result = "exit-code";
  fake_.states[kUnit] = failed;
  start();
  ASSERT_TRUE(restartRequested());
  fake_.states[kUnit] = activeSince(200);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_EQ(fake_.calls, std::vector<std::string>{"RestartUnit " + kUnit});
}

TEST_F(FlagWatcherServiceTest, FlagsWithinTheMinimumIntervalAreCoalesced) {
  start(/*minIntervalSec=*/10);
  ASSERT_TRUE(restartRequested());
  ASSERT_TRUE(flagConsumed());  // while the restart is in flight
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(flagConsumed());  // after it, still within the interval
  EXPECT_EQ(restarts(), 1);
  clock_.advance(std::chrono::seconds(6));
  ASSERT_TRUE(flagConsumed());
  EXPECT_EQ(restarts(), 2);
}

TEST_F(FlagWatcherServiceTest, TheHourlyBudgetRefusesAndRecoversAfterAnHour) {
  start(/*minIntervalSec=*/1, /*maxPerHour=*/2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(flagConsumed());
    ASSERT_TRUE(fake_.completeJob(JobResult::Done));
    clock_.advance(std::chrono::seconds(2));
  }
  ASSERT_TRUE(flagConsumed());
  EXPECT_EQ(restarts(), 2);
  EXPECT_EQ(fake_.pendingJobs(), 0U);
  clock_.advance(std::chrono::hours(1));
  ASSERT_TRUE(flagConsumed());
  EXPECT_EQ(restarts(), 3);
}

TEST_F(FlagWatcherServiceTest, AResumedRestartThatHappenedIsNotRepeated) {
  writeInFlightRecord(/*beganUsec=*/150);
  fake_.states[kUnit] = activeSince(200);  // started after the restart was decided
  start();
  // Killed before the history was written: the restart is charged once, at start-up.
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
  ASSERT_TRUE(runUntil([this] { return !inFlightOnDisk().inFlightSince; }));
  EXPECT_EQ(restarts(), 0);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

TEST_F(FlagWatcherServiceTest, AResumedRestartThatDidNotHappenIsIssuedWithoutBeingChargedTwice) {
  writeInFlightRecord(/*beganUsec=*/150);
  fake_.states[kUnit] = activeSince(100);  // started before the restart was decided
  start();
  ASSERT_TRUE(runUntil([this] { return fake_.pendingJobs() == 1; }));
  EXPECT_EQ(restarts(), 1);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_FALSE(inFlightOnDisk().inFlightSince);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

TEST_F(FlagWatcherServiceTest, AResumedRestartWaitsForTheUnitToSettle) {
  writeInFlightRecord(/*beganUsec=*/150);
  UnitState activating = activeSince(100);
  activating.activeState = "activating";
  fake_.states[kUnit] = activating;
  start();
  EXPECT_EQ(restarts(), 0);
  fake_.setState(kUnit, activeSince(300));
  ASSERT_TRUE(runUntil([this] { return !inFlightOnDisk().inFlightSince; }));
  EXPECT_EQ(restarts(), 0);
}

// A package upgrade over a daemon killed mid-revive: the older state.json's restart in
// flight is resumed by its start stamp, and moves to the runtime file meanwhile.
TEST_F(FlagWatcherServiceTest, ARestartInFlightFromAnOlderVersionIsResumed) {
  writeOlderInFlightLedger(/*stampBefore=*/100);
  fake_.states[kUnit] = activeSince(100);  // not restarted yet
  start();
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);
  ASSERT_TRUE(runUntil([this] { return fake_.pendingJobs() == 1; }));
  EXPECT_TRUE(inFlightOnDisk().inFlightSince);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_EQ(restarts(), 1);
  EXPECT_FALSE(inFlightOnDisk().inFlightSince);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

TEST_F(FlagWatcherServiceTest, ARestartThatHitsTheStartLimitIsResetAndRetriedOnce) {
  start();
  ASSERT_TRUE(restartRequested());
  UnitState latched = activeSince(100);
  latched.activeState = "failed";
  latched.result = "start-limit-hit";
  fake_.states[kUnit] = latched;
  EXPECT_TRUE(fake_.completeJob(JobResult::Failed));
  EXPECT_EQ(fake_.calls,
            (std::vector<std::string>{"RestartUnit " + kUnit, "ResetFailedUnit " + kUnit,
                                      "RestartUnit " + kUnit}));
  fake_.states[kUnit] = activeSince(400);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_FALSE(inFlightOnDisk().inFlightSince);
}

TEST_F(FlagWatcherServiceTest, AFailureOtherThanTheStartLimitIsNotRetried) {
  start();
  ASSERT_TRUE(restartRequested());
  EXPECT_TRUE(fake_.completeJob(JobResult::Failed));
  EXPECT_EQ(restarts(), 1);
  EXPECT_EQ(fake_.pendingJobs(), 0U);
  EXPECT_FALSE(inFlightOnDisk().inFlightSince);
}

TEST_F(FlagWatcherServiceTest, ACallbackAfterTheServiceIsGoneDoesNothing) {
  start();
  ASSERT_TRUE(restartRequested());
  service_->stop();
  service_.reset();
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));  // would touch the service if unguarded
  EXPECT_TRUE(inFlightOnDisk().inFlightSince);
}

}  // namespace
}  // namespace openclaw::flagwatcher
