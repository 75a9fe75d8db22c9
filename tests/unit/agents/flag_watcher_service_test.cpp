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
    service_ = std::make_unique<FlagWatcherService>(
        ctx_, [this](const ManagerScope&) { return std::make_unique<Forwarder>(fake_); });
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
  TargetLedger ledgerOnDisk() const {
    auto read = loadLedgers(StateFile((root_ / "state" / "state.json").string()));
    return read.ledgers["bot"];
  }
  void writeInFlightLedger(std::uint64_t stampBefore) {
    auto token = bootToken((root_ / "run").string());
    ASSERT_TRUE(token.ok()) << token.error();
    TargetLedger l;
    l.restarts.push_back(clock_.wallSeconds() - 5);
    l.pendingSince = clock_.wallSeconds() - 5;
    l.inFlightSince = clock_.wallSeconds() - 5;
    l.startStampBefore = stampBefore;
    l.bootId = *token;
    ASSERT_TRUE(StateFile((root_ / "state" / "state.json").string()).save(toJson({{"bot", l}})));
  }

  // Passes every call to the test's fake, which stays in place across the service's life.
  struct Forwarder : SystemdManager {
    explicit Forwarder(FakeSystemdManager& f) : fake(f) {}
    void restartUnit(const std::string& u, JobCallback d) override { fake.restartUnit(u, d); }
    void startUnit(const std::string& u, JobCallback d) override { fake.startUnit(u, d); }
    void stopUnit(const std::string& u, JobCallback d) override { fake.stopUnit(u, d); }
    void resetFailedUnit(const std::string& u, ErrorCallback d) override {
      fake.resetFailedUnit(u, d);
    }
    void daemonReload(ErrorCallback d) override { fake.daemonReload(d); }
    void getUnitState(const std::string& u, StateCallback d) override { fake.getUnitState(u, d); }
    std::unique_ptr<UnitWatch> watchUnit(const std::string& u, StateCallback c) override {
      return fake.watchUnit(u, c);
    }
    FakeSystemdManager& fake;
  };

  boost::asio::io_context io_;
  Notifier notifier_{io_};
  FakeClock clock_;
  fs::path root_;
  DaemonContext ctx_{io_, notifier_, "flag-watcher", "", clock_};
  FakeSystemdManager fake_;
  std::unique_ptr<FlagWatcherService> service_;
};

TEST_F(FlagWatcherServiceTest, AFlagRestartsItsUnitOnce) {
  start();
  ASSERT_TRUE(restartRequested());
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_EQ(restarts(), 1);
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
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
  writeInFlightLedger(/*stampBefore=*/100);
  fake_.states[kUnit] = activeSince(200);  // started after the stamp saved before the restart
  start();
  ASSERT_TRUE(runUntil([this] { return !ledgerOnDisk().inFlightSince; }));
  EXPECT_EQ(restarts(), 0);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

TEST_F(FlagWatcherServiceTest, AResumedRestartThatDidNotHappenIsIssuedWithoutBeingChargedTwice) {
  writeInFlightLedger(/*stampBefore=*/100);
  fake_.states[kUnit] = activeSince(100);  // the same start as before: no restart yet
  start();
  ASSERT_TRUE(runUntil([this] { return fake_.pendingJobs() == 1; }));
  EXPECT_EQ(restarts(), 1);
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);
  EXPECT_EQ(ledgerOnDisk().restarts.size(), 1U);
}

TEST_F(FlagWatcherServiceTest, AResumedRestartWaitsForTheUnitToSettle) {
  writeInFlightLedger(/*stampBefore=*/100);
  UnitState activating = activeSince(100);
  activating.activeState = "activating";
  fake_.states[kUnit] = activating;
  start();
  EXPECT_EQ(restarts(), 0);
  fake_.setState(kUnit, activeSince(300));
  ASSERT_TRUE(runUntil([this] { return !ledgerOnDisk().inFlightSince; }));
  EXPECT_EQ(restarts(), 0);
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
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);
}

TEST_F(FlagWatcherServiceTest, AFailureOtherThanTheStartLimitIsNotRetried) {
  start();
  ASSERT_TRUE(restartRequested());
  EXPECT_TRUE(fake_.completeJob(JobResult::Failed));
  EXPECT_EQ(restarts(), 1);
  EXPECT_EQ(fake_.pendingJobs(), 0U);
  EXPECT_FALSE(ledgerOnDisk().inFlightSince);
}

TEST_F(FlagWatcherServiceTest, ACallbackAfterTheServiceIsGoneDoesNothing) {
  start();
  ASSERT_TRUE(restartRequested());
  service_->stop();
  service_.reset();
  EXPECT_TRUE(fake_.completeJob(JobResult::Done));  // would touch the service if unguarded
  EXPECT_TRUE(ledgerOnDisk().inFlightSince);
}

}  // namespace
}  // namespace openclaw::flagwatcher
