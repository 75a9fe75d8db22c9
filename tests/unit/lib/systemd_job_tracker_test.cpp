#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "openclaw/systemd_job_tracker.h"

namespace openclaw {
namespace {

std::string jobPath(int id) {
  return "/org/freedesktop/systemd1/job/" + std::to_string(id);
}

TEST(AJobTracker, CompletesAWaitingCallWhenItsJobIsRemoved) {
  JobTracker jobs;
  std::optional<JobOutcome> outcome;
  jobs.queued(jobPath(7), [&](const JobOutcome& o) { outcome = o; });
  EXPECT_FALSE(outcome.has_value());
  jobs.removed(jobPath(7), JobResult::Done);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->ok());
  EXPECT_EQ(jobs.waiting(), 0u);
}

TEST(AJobTracker, KeepsAResultThatBeatsTheReplyUntilTheReplyNamesTheJob) {
  JobTracker jobs;
  jobs.removed(jobPath(7), JobResult::Failed);
  std::optional<JobOutcome> outcome;
  jobs.queued(jobPath(7), [&](const JobOutcome& o) { outcome = o; });
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, JobResult::Failed);
  EXPECT_EQ(jobs.early(), 0u);
  EXPECT_EQ(jobs.waiting(), 0u);
}

TEST(AJobTracker, DoesNotCompleteACallWithAnotherJobsResult) {
  JobTracker jobs;
  std::optional<JobOutcome> outcome;
  jobs.queued(jobPath(7), [&](const JobOutcome& o) { outcome = o; });
  jobs.removed(jobPath(8), JobResult::Done);
  EXPECT_FALSE(outcome.has_value());
  EXPECT_EQ(jobs.waiting(), 1u);
}

TEST(AJobTracker, DropsUnclaimedResultsOldestFirstNotInPathOrder) {
  JobTracker jobs;
  // "job/1000" sorts before "job/999"; age, not spelling, decides what goes.
  for (std::size_t i = 0; i < JobTracker::kMaxEarly; ++i) {
    jobs.removed(jobPath(999 + static_cast<int>(i)), JobResult::Done);
  }
  EXPECT_EQ(jobs.early(), JobTracker::kMaxEarly);
  jobs.removed(jobPath(5000), JobResult::Done);
  EXPECT_EQ(jobs.early(), JobTracker::kMaxEarly);

  bool newer = false;
  jobs.queued(jobPath(1000), [&](const JobOutcome&) { newer = true; });
  EXPECT_TRUE(newer);
  bool oldest = false;
  jobs.queued(jobPath(999), [&](const JobOutcome&) { oldest = true; });
  EXPECT_FALSE(oldest);
}

TEST(AJobTracker, FailsEveryWaitingCallWhenNoMoreResultsCanCome) {
  JobTracker jobs;
  int failures = 0;
  for (int id : {1, 2}) {
    jobs.queued(jobPath(id), [&](const JobOutcome& o) {
      EXPECT_EQ(o.error.name, BusCallError::kDisconnected);
      EXPECT_FALSE(o.ok());
      ++failures;
    });
  }
  jobs.failAll(BusCallError{BusCallError::kDisconnected, "gone"});
  EXPECT_EQ(failures, 2);
  EXPECT_EQ(jobs.waiting(), 0u);
}

TEST(AJobTracker, LetsACompletionCallbackQueueTheNextJob) {
  JobTracker jobs;
  std::optional<JobOutcome> second;
  jobs.queued(jobPath(1), [&](const JobOutcome&) {
    jobs.queued(jobPath(2), [&](const JobOutcome& o) { second = o; });
  });
  jobs.removed(jobPath(1), JobResult::Done);
  jobs.removed(jobPath(2), JobResult::Canceled);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->result, JobResult::Canceled);
}

}  // namespace
}  // namespace openclaw
