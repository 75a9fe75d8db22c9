// SdBusSystemdManager against a real systemd (PID 1 of the disposable machine): jobs
// report their JobRemoved result, properties are read, watches fire, the start-limit
// latch is seen and cleared.  Each test writes its own units into /run/systemd/system.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;

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

  // Runs the loop until `done` holds or the deadline passes.
  template <class Pred>
  bool runUntil(Pred done, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(50ms);
    }
    return true;
  }

  void writeUnit(const std::string& name, const std::string& body) {
    std::ofstream("/run/systemd/system/" + name) << body;
    std::optional<std::string> err;
    manager_->reload([&](const std::string& e) { err = e; });
    ASSERT_TRUE(runUntil([&] { return err.has_value(); })) << "daemon-reload did not answer";
    ASSERT_EQ(*err, "");
  }

  JobOutcome job(void (SystemdManager::*call)(const std::string&, SystemdManager::JobCallback),
                 const std::string& unit) {
    std::optional<JobOutcome> outcome;
    (manager_.get()->*call)(unit, [&](const JobOutcome& o) { outcome = o; });
    EXPECT_TRUE(runUntil([&] { return outcome.has_value(); })) << "no job result for " << unit;
    return outcome.value_or(JobOutcome{JobResult::Unknown, "timed out"});
  }

  UnitState state(const std::string& unit) {
    std::optional<Expected<UnitState, std::string>> s;
    manager_->getUnitState(unit, [&](const auto& r) { s = r; });
    EXPECT_TRUE(runUntil([&] { return s.has_value(); }));
    EXPECT_TRUE(s && s->ok()) << (s && !s->ok() ? s->error() : "no answer");
    return s && s->ok() ? s->value() : UnitState{};
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
  EXPECT_EQ(before.loadState, "loaded");
  ASSERT_NE(before.execMainStartTimestampMonotonic, 0u);

  const JobOutcome restart = job(&SystemdManager::restartUnit, "oc-sleeper.service");
  EXPECT_EQ(restart.result, JobResult::Done) << restart.error;
  const UnitState after = state("oc-sleeper.service");
  EXPECT_EQ(after.activeState, "active");
  EXPECT_GT(after.execMainStartTimestampMonotonic, before.execMainStartTimestampMonotonic);
}

TEST_F(RealSystemd, AFailingStartReportsFailedFromJobRemoved) {
  writeUnit("oc-broken.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
  const JobOutcome outcome = job(&SystemdManager::startUnit, "oc-broken.service");
  EXPECT_EQ(outcome.result, JobResult::Failed);
  EXPECT_EQ(outcome.error, "");
  const UnitState s = state("oc-broken.service");
  EXPECT_EQ(s.activeState, "failed");
  EXPECT_EQ(s.result, "exit-code");
}

TEST_F(RealSystemd, AMissingUnitIsAnErrorNotAJob) {
  const JobOutcome outcome = job(&SystemdManager::restartUnit, "oc-no-such-unit.service");
  EXPECT_EQ(outcome.result, JobResult::Unknown);
  EXPECT_NE(outcome.error.find("NoSuchUnit"), std::string::npos) << outcome.error;
  EXPECT_EQ(state("oc-no-such-unit.service").loadState, "not-found");
}

TEST_F(RealSystemd, TheStartLimitLatchIsSeenAndResetFailedClearsIt) {
  writeUnit("oc-flappy.service",
            "[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n"
            "[Service]\nExecStart=/bin/sleep infinity\n");
  JobOutcome last;
  for (int i = 0; i < 5; ++i) last = job(&SystemdManager::restartUnit, "oc-flappy.service");
  EXPECT_EQ(last.result, JobResult::Failed) << last.error;
  const UnitState latched = state("oc-flappy.service");
  EXPECT_EQ(latched.activeState, "failed");
  EXPECT_EQ(latched.result, "start-limit-hit");

  std::optional<std::string> reset;
  manager_->resetFailedUnit("oc-flappy.service", [&](const std::string& e) { reset = e; });
  ASSERT_TRUE(runUntil([&] { return reset.has_value(); }));
  EXPECT_EQ(*reset, "");
  EXPECT_EQ(job(&SystemdManager::restartUnit, "oc-flappy.service").result, JobResult::Done);
  EXPECT_EQ(state("oc-flappy.service").activeState, "active");
}

TEST_F(RealSystemd, AWatchFiresWhenTheUnitChangesState) {
  writeUnit("oc-watched.service", "[Service]\nExecStart=/bin/sleep infinity\n");
  ASSERT_TRUE(job(&SystemdManager::startUnit, "oc-watched.service").ok());
  std::vector<std::string> seen;
  auto watch = manager_->watchUnit("oc-watched.service", [&](const auto& s) {
    if (s.ok()) seen.push_back(s->activeState);
  });
  // Stopping is done by another client, as an operator's systemctl would.
  ASSERT_EQ(std::system("systemctl stop --no-block oc-watched.service"), 0);
  EXPECT_TRUE(runUntil([&] { return !seen.empty() && seen.back() == "inactive"; }))
      << "states seen: " << seen.size();
  watch.reset();
  const std::size_t count = seen.size();
  ASSERT_EQ(std::system("systemctl start oc-watched.service"), 0);
  // After the watch is gone nothing more arrives (run the loop a little to be sure).
  runUntil([] { return false; }, 300ms);
  EXPECT_EQ(seen.size(), count);
}

}  // namespace
}  // namespace openclaw
