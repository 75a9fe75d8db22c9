#include "openclaw/restart_budget.h"

#include <gtest/gtest.h>

namespace openclaw {
namespace {

TEST(RestartBudget, CountsTheLastHourOnly) {
  RestartBudget budget(3);
  std::deque<WallSeconds> restarts;
  const WallSeconds t0 = 1'800'000'000;
  EXPECT_EQ(budget.remaining(restarts, t0), 3);
  RestartBudget::count(restarts, t0);
  RestartBudget::count(restarts, t0 + 10);
  RestartBudget::count(restarts, t0 + 20);
  EXPECT_TRUE(budget.exhausted(restarts, t0 + 30));
  // The first restart leaves the window exactly an hour later, and frees one.
  EXPECT_EQ(budget.refillsAt(restarts, t0 + 30), t0 + 3600);
  EXPECT_EQ(budget.remaining(restarts, t0 + 3599), 0);
  EXPECT_EQ(budget.remaining(restarts, t0 + 3600), 1);
  EXPECT_EQ(restarts.size(), 2u);
}

TEST(RestartBudget, RefillsWhenTheRestartThatSpentItLeaves) {
  // Another agent with a larger budget may have restarted the bot more often than this one
  // allows: the budget frees one when enough have left to be under this agent's limit.
  RestartBudget budget(2);
  std::deque<WallSeconds> restarts;
  for (WallSeconds t : {100, 200, 300, 400}) RestartBudget::count(restarts, t);
  EXPECT_EQ(budget.remaining(restarts, 500), 0);
  EXPECT_EQ(budget.refillsAt(restarts, 500), 300 + 3600);
}

TEST(RestartBudget, AClockSteppedBackStillCountsInOrder) {
  std::deque<WallSeconds> restarts;
  RestartBudget::count(restarts, 500);
  RestartBudget::count(restarts, 400);
  ASSERT_EQ(restarts.size(), 2u);
  EXPECT_EQ(restarts.front(), 400);
  EXPECT_EQ(restarts.back(), 500);
}

TEST(RestartBudget, ReadsOnlyWhatAListOfTimesCanHold) {
  auto doc = nlohmann::json::parse(R"([30, "x", 10, null, 20.5, {"a": 1}, 20])");
  const auto restarts = RestartBudget::fromJson(doc);
  EXPECT_EQ(restarts, (std::deque<WallSeconds>{10, 20, 30}));
  EXPECT_TRUE(RestartBudget::fromJson(nlohmann::json::object()).empty());
  EXPECT_EQ(RestartBudget::fromJson(RestartBudget::toJson(restarts)), restarts);
}

TEST(RestartBudget, KeepsABoundedListWhateverAFileSays) {
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 5000; ++i) many.push_back(i);
  const auto restarts = RestartBudget::fromJson(many);
  EXPECT_EQ(restarts.size(), RestartBudget::kMaxKept);
  EXPECT_EQ(restarts.back(), 4999);
}

}  // namespace
}  // namespace openclaw
