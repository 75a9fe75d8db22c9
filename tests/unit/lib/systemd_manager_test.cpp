#include <gtest/gtest.h>

#include <optional>

#include "fakes/fake_systemd_manager.h"
#include "openclaw/systemd_manager.h"

namespace openclaw {
namespace {

TEST(JobResults, RoundTripEveryResultSystemdSends) {
  for (const char* text : {"done", "canceled", "timeout", "failed", "dependency", "skipped"}) {
    EXPECT_EQ(toString(parseJobResult(text)), text);
  }
  EXPECT_EQ(parseJobResult("invalid"), JobResult::Unknown);
}

TEST(JobOutcomes, AreOkOnlyWhenTheJobIsDone) {
  EXPECT_TRUE((JobOutcome{JobResult::Done, ""}).ok());
  EXPECT_FALSE((JobOutcome{JobResult::Failed, ""}).ok());
  EXPECT_FALSE((JobOutcome{JobResult::Unknown, "NoSuchUnit"}).ok());
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

}  // namespace
}  // namespace openclaw
