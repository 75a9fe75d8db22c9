#include "openclaw/bot_restarts.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "openclaw/systemd_scope.h"
#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;

class BotRestartsTest : public ::testing::Test {
 protected:
  void SetUp() override { folders_ = {root_ + "/run/restarts", root_ + "/lib/restarts"}; }

  testing::TempFolder temp_{"oc-restarts"};
  const std::string root_ = temp_.path();
  BotRestarts::Folders folders_;
  const WallSeconds now_ = 1'800'000'000;
};

TEST_F(BotRestartsTest, OneAgentOwnsABotsRestartsUntilItLetsGo) {
  BotRestarts supervisor("jack-supervisor", folders_);
  BotRestarts watcher("flag-watcher", folders_);
  const std::string key = BotRestarts::unitKey(ManagerScope{"root"}, "openclaw-gateway.service");
  {
    auto repair = supervisor.claim(key, "repairing: config invalid", now_);
    ASSERT_TRUE(repair.ok());
    EXPECT_TRUE(repair->shared());
    auto revive = watcher.claim(key, "revive by flag", now_ + 1);
    ASSERT_FALSE(revive.ok());
    EXPECT_EQ(revive.error().agent, "jack-supervisor");
    EXPECT_EQ(revive.error().what, "repairing: config invalid");
    EXPECT_EQ(revive.error().since, now_);
    ASSERT_TRUE(watcher.owner(key).has_value());
  }
  EXPECT_FALSE(watcher.owner(key).has_value());
  auto revive = watcher.claim(key, "revive by flag", now_ + 2);
  ASSERT_TRUE(revive.ok());
  EXPECT_TRUE(revive->shared());
}

TEST_F(BotRestartsTest, AClaimDiesWithItsProcess) {
  const std::string key = BotRestarts::containerKey("bot1");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    BotRestarts other("jack-supervisor", folders_);
    auto held = other.claim(key, "repairing", now_);
    // Killed while holding the claim, as kill -9 would.
    if (held.ok() && held->shared()) ::_exit(::pause());
    ::_exit(1);
  }
  BotRestarts watcher("flag-watcher", folders_);
  // Wait (bounded) until the child holds the claim, then kill it.
  bool heldByChild = false;
  for (int i = 0; i < 5000 && !heldByChild; ++i) {
    heldByChild = watcher.owner(key).has_value();
    if (!heldByChild) ::usleep(1000);
  }
  ASSERT_TRUE(heldByChild);
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_FALSE(watcher.owner(key).has_value());
  auto claim = watcher.claim(key, "revive by flag", now_);
  ASSERT_TRUE(claim.ok());
  EXPECT_TRUE(claim->shared());
}

TEST_F(BotRestartsTest, EveryAgentsRestartsCountAgainstOneLedger) {
  BotRestarts supervisor("jack-supervisor", folders_);
  BotRestarts watcher("flag-watcher", folders_);
  const std::string key = BotRestarts::unitKey(ManagerScope{}, "openclaw-gateway.service");
  {
    auto claim = watcher.claim(key, "revive", now_);
    ASSERT_TRUE(claim.ok());
    ASSERT_TRUE(watcher.count(*claim, now_).ok());
  }
  {
    auto claim = supervisor.claim(key, "repair", now_ + 60);
    ASSERT_TRUE(claim.ok());
    ASSERT_TRUE(supervisor.count(*claim, now_ + 60).ok());
  }
  const auto records = watcher.records(key, now_ + 120);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].by, "flag-watcher");
  EXPECT_EQ(records[1].by, "jack-supervisor");
  RestartBudget twoPerHour(2);
  auto restarts = supervisor.lastHour(key, now_ + 120);
  EXPECT_TRUE(twoPerHour.exhausted(restarts, now_ + 120));
  // An hour after the first, only the second still counts.
  EXPECT_EQ(supervisor.lastHour(key, now_ + 3600).size(), 1u);
}

TEST_F(BotRestartsTest, KeysCannotLeaveTheirFolderOrCollide) {
  const auto a = BotRestarts::unitKey(ManagerScope{"root"}, "../../etc/x.service");
  const auto b = BotRestarts::unitKey(ManagerScope{}, "a/b.service");
  EXPECT_EQ(a.find('/'), std::string::npos);
  EXPECT_EQ(b.find('/'), std::string::npos);
  EXPECT_NE(BotRestarts::unitKey(ManagerScope{}, "x.service"),
            BotRestarts::unitKey(ManagerScope{"root"}, "x.service"));
  EXPECT_NE(BotRestarts::containerKey("a%2F"), BotRestarts::containerKey("a/"));
}

TEST_F(BotRestartsTest, AHostileOrBrokenLedgerCountsOnlyWhatItCanHold) {
  BotRestarts watcher("flag-watcher", folders_);
  const std::string key = BotRestarts::containerKey("bot1");
  fs::create_directories(folders_.ledgers);
  {
    std::ofstream f(folders_.ledgers + "/" + key + ".json");
    f << R"({"restarts": [{"at": 1799999990, "by": "x"}, {"at": "soon"}, 7, {"at": 1}]})";
  }
  EXPECT_EQ(watcher.lastHour(key, now_).size(), 1u);
  {
    std::ofstream f(folders_.ledgers + "/" + key + ".json");
    f << "{not json";
  }
  EXPECT_TRUE(watcher.lastHour(key, now_).empty());
  fs::remove(folders_.ledgers + "/" + key + ".json");
  fs::create_symlink("/etc/passwd", folders_.ledgers + "/" + key + ".json");
  EXPECT_TRUE(watcher.lastHour(key, now_).empty());
}

// A claim folder that cannot be made (here a file sits where a parent folder should be)
// leaves the agent acting alone: it may restart, and nothing is written in common.
TEST_F(BotRestartsTest, AnUnusableClaimFolderGivesAnUnsharedClaimThatCountsNothing) {
  std::ofstream(root_ + "/blocked") << "x";
  BotRestarts alone("flag-watcher", {root_ + "/blocked/restarts", folders_.ledgers});
  const std::string key = BotRestarts::containerKey("bot1");
  auto claim = alone.claim(key, "revive", now_);
  ASSERT_TRUE(claim.ok());
  EXPECT_FALSE(claim->shared());
  EXPECT_TRUE(alone.count(*claim, now_).ok());
  EXPECT_FALSE(fs::exists(folders_.ledgers));
  EXPECT_TRUE(alone.records(key, now_).empty());
}

}  // namespace
}  // namespace openclaw
