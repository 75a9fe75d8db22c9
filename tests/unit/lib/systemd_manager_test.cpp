#include <gtest/gtest.h>

#include <optional>

#include "fakes/fake_systemd_manager.h"
#include "openclaw/systemd_manager.h"
#include "openclaw/systemd_manager_reconnecting.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

TEST(JobResults, RoundTripEveryResultSystemdSends) {
  for (const char* text : {"done", "canceled", "timeout", "failed", "dependency", "skipped"}) {
    EXPECT_EQ(toString(parseJobResult(text)), text);
  }
  EXPECT_EQ(parseJobResult("invalid"), JobResult::Unknown);
}

TEST(JobOutcomes, AreOkOnlyWhenTheJobIsDone) {
  EXPECT_TRUE((JobOutcome{JobResult::Done, {}}).ok());
  EXPECT_FALSE((JobOutcome{JobResult::Failed, {}}).ok());
  EXPECT_FALSE((JobOutcome{JobResult::Unknown, {BusCallError::kNoSuchUnit, "no x"}}).ok());
  EXPECT_FALSE((JobOutcome{JobResult::Done, {BusCallError::kDisconnected, ""}}).ok());
}

TEST(BusCallErrors, AreKnownByNameAndReadAsNameAndMessage) {
  const BusCallError missing{BusCallError::kNoSuchUnit, "Unit x.service not found."};
  EXPECT_TRUE(missing.failed());
  EXPECT_TRUE(missing.isNoSuchUnit());
  EXPECT_EQ(missing.text(), "org.freedesktop.systemd1.NoSuchUnit: Unit x.service not found.");
  // The message alone never makes a NoSuchUnit: only the name does.
  EXPECT_FALSE((BusCallError{"System.Error.EIO", "NoSuchUnit"}).isNoSuchUnit());
  EXPECT_FALSE(BusCallError{}.failed());
  EXPECT_EQ(BusCallError{}.text(), "");
}

TEST(UnitObjectPaths, EscapeUnitNamesTheWaySystemdDoes) {
  EXPECT_EQ(unitObjectPath("openclaw-gateway.service"),
            "/org/freedesktop/systemd1/unit/openclaw_2dgateway_2eservice");
}

TEST(TheFakeSystemdManager, RecordsCallsAndCompletesJobsOnRequest) {
  FakeSystemdManager fake;
  std::optional<JobOutcome> outcome;
  fake.restartUnit("a.service", [&](const JobOutcome& o) { outcome = o; });
  ASSERT_EQ(fake.calls, (std::vector<std::string>{"RestartUnit a.service"}));
  EXPECT_FALSE(outcome.has_value());
  fake.completeJob(JobResult::Failed);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, JobResult::Failed);
}

TEST(TheFakeSystemdManager, FailsCallsWithTheErrorNameTheTestGives) {
  FakeSystemdManager fake;
  std::optional<JobOutcome> outcome;
  fake.restartUnit("a.service", [&](const JobOutcome& o) { outcome = o; });
  ASSERT_TRUE(fake.failJob(BusCallError::kNoSuchUnit));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, JobResult::Unknown);
  EXPECT_TRUE(outcome->error.isNoSuchUnit());

  std::optional<BusCallError> reset;
  fake.failNext("ResetFailedUnit", BusCallError::kNoSuchUnit);
  fake.resetFailedUnit("a.service", [&](const BusCallError& e) { reset = e; });
  ASSERT_TRUE(reset.has_value());
  EXPECT_TRUE(reset->isNoSuchUnit());
  fake.resetFailedUnit("a.service", [&](const BusCallError& e) { reset = e; });
  EXPECT_FALSE(reset->failed()) << "only the next call fails";
}

TEST(TheFakeSystemdManager, CompletesTheJobOfTheUnitTheTestNames) {
  FakeSystemdManager fake;
  std::optional<JobOutcome> a, b;
  fake.restartUnit("a.service", [&](const JobOutcome& o) { a = o; });
  fake.stopUnit("b.service", [&](const JobOutcome& o) { b = o; });
  EXPECT_TRUE(fake.completeJob("b.service", JobResult::Done));
  EXPECT_FALSE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->ok());
  EXPECT_FALSE(fake.completeJob("b.service", JobResult::Done));
  EXPECT_EQ(fake.pendingJobs(), 1u);
}

TEST(TheFakeSystemdManager, NotifiesWatchersUntilTheWatchIsDropped) {
  FakeSystemdManager fake;
  int seen = 0;
  auto watch = fake.watchUnit("a.service", [&](const auto&) { ++seen; });
  UnitState failed;
  failed.activeState = "failed";
  fake.setState("a.service", failed);
  EXPECT_EQ(seen, 1);
  watch.reset();
  fake.setState("a.service", UnitState{});
  EXPECT_EQ(seen, 1);
}

TEST(AManagerThatCannotBeReached, HoldsABoundedNumberOfCallsAndFailsTheRestAtOnce) {
  // No user manager runs for "nobody" here: nothing listens under /run/user/65534.
  boost::asio::io_context io;
  ReconnectingSystemdManager manager(io, ManagerScope{"nobody"}, std::chrono::seconds(60));
  manager.start();
  ASSERT_FALSE(manager.connected());
  std::vector<BusCallError> errors;
  for (std::size_t i = 0; i <= ReconnectingSystemdManager::kMaxWaitingCalls; ++i) {
    manager.restartUnit("x.service", [&](const JobOutcome& o) { errors.push_back(o.error); });
  }
  ASSERT_TRUE(runUntil(
      io, [&] { return !errors.empty(); }, std::chrono::seconds(5)));
  ASSERT_EQ(errors.size(), 1u) << "only the call past the bound fails now";
  EXPECT_EQ(errors[0].name, BusCallError::kUnreachable);
  EXPECT_NE(errors[0].message.find("nobody's user manager unreachable since"), std::string::npos)
      << errors[0].text();
}

TEST(AManagerThatCannotBeReached, TellsAWatchNothingUntilItIsReached) {
  boost::asio::io_context io;
  ReconnectingSystemdManager manager(io, ManagerScope{"nobody"});
  manager.start();
  int calls = 0;
  auto watch = manager.watchUnit("x.service", [&](const auto&) { ++calls; });
  runUntil(
      io, [] { return false; }, std::chrono::milliseconds(300));
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace openclaw
