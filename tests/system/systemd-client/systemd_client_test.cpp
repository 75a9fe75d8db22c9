// SdBusSystemdManager against a real systemd (PID 1 of the disposable machine): jobs
// report their JobRemoved result, properties are read, watches fire, the default
// start-limit latch is seen and cleared.  Each test writes its own units into
// /run/systemd/system and waits on conditions with deadlines, never on sleeps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using StateOrError = Expected<UnitState, std::string>;

class RealSystemd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bus = AsioBus::openSystem(io_);
    ASSERT_TRUE(bus.ok()) << bus.error().message();
    bus_ = std::move(bus).value();
    auto manager = SdBusSystemdManager::create(*bus_);
    ASSERT_TRUE(manager.ok()) << manager.error().message();
    manager_ = std::move(manager).value();
  }

  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
    return openclaw::runUntil(io_, done, limit);
  }

  void writeUnit(const std::string& name, const std::string& body) {
    std::ofstream("/run/systemd/system/" + name) << body;
    std::optional<std::string> err;
    manager_->daemonReload([&](const BusCallError& e) { err = e.text(); });
    ASSERT_TRUE(runUntil([&] { return err.has_value(); })) << "daemon-reload did not answer";
    ASSERT_EQ(*err, "");
  }

  JobOutcome job(void (SystemdManager::*call)(const std::string&, SystemdManager::JobCallback),
                 const std::string& unit) {
    std::optional<JobOutcome> outcome;
    (manager_.get()->*call)(unit, [&](const JobOutcome& o) { outcome = o; });
    EXPECT_TRUE(runUntil([&] { return outcome.has_value(); })) << "no job result for " << unit;
    return outcome.value_or(
        JobOutcome{JobResult::Unknown, {"org.openclaw.Test.TimedOut", "no reply"}});
  }

  UnitState state(const std::string& unit) {
    std::optional<StateOrError> s;
    manager_->getUnitState(unit, [&](const StateOrError& r) { s = r; });
    EXPECT_TRUE(runUntil([&] { return s.has_value(); }));
    EXPECT_TRUE(s && s->ok()) << (s && !s->ok() ? s->error() : "no answer");
    return s && s->ok() ? s->value() : UnitState{};
  }

  // Watches `unit` until `holds` is true of a state it reports; the states seen go to `seen`.
  bool watchUntil(const std::string& unit, const std::function<bool(const UnitState&)>& holds,
                  std::chrono::milliseconds limit = 10s) {
    bool met = false;
    auto watch = manager_->watchUnit(unit, [&](const StateOrError& s) {
      if (s.ok() && holds(*s)) met = true;
    });
    return runUntil([&] { return met; }, limit);
  }

  boost::asio::io_context io_;
  std::unique_ptr<AsioBus> bus_;
  std::unique_ptr<SdBusSystemdManager> manager_;
};

TEST_F(RealSystemd, RestartReportsDoneAndTheMainProcessStartsAgain) {
  writeUnit("oc-sleeper.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-sleeper.service").ok());
  const UnitState before = state("oc-sleeper.service");
  EXPECT_EQ(before.activeState, "active");
  EXPECT_EQ(before.subState, "running");
  EXPECT_EQ(before.loadState, "loaded");
  ASSERT_NE(before.execMainStartTimestampMonotonic, 0u);

  const JobOutcome restart = job(&SystemdManager::restartUnit, "oc-sleeper.service");
  EXPECT_EQ(restart.result, JobResult::Done) << restart.error.text();
  const UnitState after = state("oc-sleeper.service");
  EXPECT_EQ(after.activeState, "active");
  EXPECT_GT(after.execMainStartTimestampMonotonic, before.execMainStartTimestampMonotonic);

  EXPECT_EQ(job(&SystemdManager::stopUnit, "oc-sleeper.service").result, JobResult::Done);
  EXPECT_EQ(state("oc-sleeper.service").activeState, "inactive");
}

TEST_F(RealSystemd, AFailingStartReportsFailedFromJobRemoved) {
  writeUnit("oc-broken.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
  const JobOutcome outcome = job(&SystemdManager::startUnit, "oc-broken.service");
  EXPECT_EQ(outcome.result, JobResult::Failed);
  EXPECT_FALSE(outcome.error.failed()) << outcome.error.text();
  const UnitState s = state("oc-broken.service");
  EXPECT_EQ(s.activeState, "failed");
  EXPECT_EQ(s.result, "exit-code");
}

TEST_F(RealSystemd, AMissingUnitIsAnErrorNotAJob) {
  const JobOutcome outcome = job(&SystemdManager::restartUnit, "oc-no-such-unit.service");
  EXPECT_EQ(outcome.result, JobResult::Unknown);
  EXPECT_TRUE(outcome.error.isNoSuchUnit()) << outcome.error.text();
  EXPECT_EQ(state("oc-no-such-unit.service").loadState, "not-found");
}

TEST_F(RealSystemd, TheSixthStartInTenSecondsHitsTheDefaultLimitUntilResetFailed) {
  // No StartLimit settings: the defaults (5 starts per 10 s) are what is proven.
  writeUnit("oc-flappy.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  int done = 0;
  JobOutcome last;
  for (int i = 0; i < 10; ++i) {
    last = job(&SystemdManager::restartUnit, "oc-flappy.service");
    if (!last.ok()) break;
    ++done;
  }
  EXPECT_EQ(done, 5);
  EXPECT_EQ(last.result, JobResult::Failed) << last.error.text();
  const UnitState latched = state("oc-flappy.service");
  EXPECT_EQ(latched.activeState, "failed");
  EXPECT_EQ(latched.result, "start-limit-hit");
  EXPECT_EQ(job(&SystemdManager::restartUnit, "oc-flappy.service").result, JobResult::Failed)
      << "the latch holds without a reset";

  std::optional<std::string> reset;
  manager_->resetFailedUnit("oc-flappy.service", [&](const BusCallError& e) { reset = e.text(); });
  ASSERT_TRUE(runUntil([&] { return reset.has_value(); }));
  EXPECT_EQ(*reset, "");
  EXPECT_EQ(job(&SystemdManager::restartUnit, "oc-flappy.service").result, JobResult::Done);
  EXPECT_EQ(state("oc-flappy.service").activeState, "active");
}

TEST_F(RealSystemd, AWatchReportsTheCurrentStateThenEveryChangeUntilDropped) {
  writeUnit("oc-watched.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-watched.service").ok());
  std::vector<std::string> seen;
  auto watch = manager_->watchUnit("oc-watched.service", [&](const StateOrError& s) {
    if (s.ok()) seen.push_back(s->activeState);
  });
  // The first report says the watch is in place: nothing after it can be missed.
  ASSERT_TRUE(runUntil([&] { return !seen.empty(); })) << "no initial state";
  EXPECT_EQ(seen.front(), "active");
  // Stopping is done by another client, as an operator's systemctl would.
  ASSERT_EQ(std::system("systemctl stop --no-block oc-watched.service"), 0);
  EXPECT_TRUE(runUntil([&] { return seen.back() == "inactive"; }))
      << "states seen: " << seen.size();

  watch.reset();
  const std::size_t count = seen.size();
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-watched.service").ok());
  // Our start's JobRemoved came after its PropertiesChanged; run the loop a little more
  // anyway so a late signal would have been delivered.
  runUntil([] { return false; }, 200ms);
  EXPECT_EQ(seen.size(), count);
}

TEST_F(RealSystemd, NRestartsCountsAutomaticRestarts) {
  writeUnit("oc-crashing.service",
            "[Unit]\nStartLimitIntervalSec=0\n"
            "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=100ms\n");
  ASSERT_FALSE(job(&SystemdManager::startUnit, "oc-crashing.service").error.failed());
  EXPECT_TRUE(
      watchUntil("oc-crashing.service", [](const UnitState& s) { return s.nRestarts >= 2; }))
      << "NRestarts now " << state("oc-crashing.service").nRestarts;
  EXPECT_EQ(job(&SystemdManager::stopUnit, "oc-crashing.service").result, JobResult::Done);
}

TEST_F(RealSystemd, StatusTextIsWhatTheServiceLastSent) {
  if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "needs /usr/bin/python3";
  // The main process itself sends STATUS= and stays alive, so systemd can attribute it.
  writeUnit("oc-status.service",
            "[Service]\nNotifyAccess=main\nExecStart=/usr/bin/python3 -c \"import os, socket, "
            "time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
            "s.connect(os.environ['NOTIFY_SOCKET']); s.send(b'STATUS=serving 3 bots'); "
            "time.sleep(3600)\"\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-status.service").ok());
  EXPECT_TRUE(watchUntil("oc-status.service",
                         [](const UnitState& s) { return s.statusText == "serving 3 bots"; }))
      << "StatusText now '" << state("oc-status.service").statusText << "'";
  EXPECT_EQ(job(&SystemdManager::stopUnit, "oc-status.service").result, JobResult::Done);
}

}  // namespace
}  // namespace openclaw
