#include "openclaw/bot_pause.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;

class ABotPause : public ::testing::Test {
 protected:
  testing::TempFolder temp_{"oc-pause"};
  const std::string root_ = temp_.path();
  const std::string dir_ = root_ + "/paused";  // made by writePause
};

TEST_F(ABotPause, LastsUntilResumedOrUntilItsEnd) {
  ASSERT_TRUE(writePause(dir_, "jack", {100, 0, "maintenance"}).ok());
  ASSERT_TRUE(writePause(dir_, "john", {100, 200, ""}).ok());
  const auto jack = pauseOf(dir_, "jack", 1'000'000);
  ASSERT_TRUE(jack);
  EXPECT_EQ(jack->reason, "maintenance");
  EXPECT_EQ(jack->describe(), "until resumed (maintenance)");
  EXPECT_TRUE(pauseOf(dir_, "john", 199));
  EXPECT_FALSE(pauseOf(dir_, "john", 200)) << "ended by itself";
  const auto all = pausesIn(dir_, 150);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "jack");
  EXPECT_EQ(*removePause(dir_, "jack"), true);
  EXPECT_EQ(*removePause(dir_, "jack"), false);
  EXPECT_FALSE(pauseOf(dir_, "jack", 150));
}

TEST_F(ABotPause, IsNoneWhenItsFileIsNotOneAndNeverForANameThatIsNotSafe) {
  ASSERT_TRUE(writePause(dir_, "jack", {1, 0, ""}).ok());
  std::ofstream(dir_ + "/bad.json") << "{ not json";
  std::ofstream(dir_ + "/big.json") << std::string(10000, ' ') << "{}";
  fs::create_symlink(dir_ + "/jack.json", dir_ + "/link.json");
  EXPECT_FALSE(pauseOf(dir_, "bad", 5));
  EXPECT_FALSE(pauseOf(dir_, "big", 5));
  EXPECT_FALSE(pauseOf(dir_, "link", 5)) << "a symlink is not followed";
  EXPECT_FALSE(pauseOf(dir_, "../paused/jack", 5));
  EXPECT_FALSE(writePause(dir_, "../x", {1, 0, ""}).ok());
  EXPECT_FALSE(removePause(dir_, "a/b").ok());
  EXPECT_EQ(pausesIn(dir_, 5).size(), 1u);
  EXPECT_TRUE(pausesIn(root_ + "/none", 5).empty());
}

}  // namespace
}  // namespace openclaw
