// InotifyWatcher on a real folder: names come through, and a queue full of events does not
// keep the loop from running other work between batches.
#include "openclaw/inotify_watcher.h"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>

#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

class InotifyWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/oc-inotify-XXXXXX";
    ASSERT_NE(::mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  boost::asio::io_context io_;
  std::string dir_;
};

TEST_F(InotifyWatcherTest, DeliversEachNameOnce) {
  std::vector<std::string> names;
  auto w = InotifyWatcher::create(io_, [&](const InotifyEvent& e) { names.push_back(e.name); });
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->add(dir_, IN_CREATE | IN_ONLYDIR).ok());
  (*w)->start();
  std::ofstream(dir_ + "/revive-jack.flag");
  std::ofstream(dir_ + "/a-much-longer-name-than-sixteen-bytes");
  ASSERT_TRUE(runUntil(
      io_, [&] { return names.size() == 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(names, (std::vector<std::string>{"revive-jack.flag",
                                             "a-much-longer-name-than-sixteen-bytes"}));
}

TEST_F(InotifyWatcherTest, AFullQueueIsReadInBatchesWithTheLoopRunningBetween) {
  std::size_t seen = 0;
  auto w = InotifyWatcher::create(io_, [&](const InotifyEvent&) { ++seen; });
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->add(dir_, IN_CREATE | IN_ONLYDIR).ok());
  (*w)->start();
  constexpr std::size_t kFiles = 3000;  // more than one read buffer holds, fewer than the queue
  for (std::size_t i = 0; i < kFiles; ++i) {
    std::ofstream(dir_ + "/f" + std::to_string(i));
  }
  // A timer due at once stands for the watchdog's ping: it must not wait for every event.
  std::optional<std::size_t> seenWhenTimerRan;
  boost::asio::steady_timer timer(io_);
  timer.expires_after(std::chrono::milliseconds(0));
  timer.async_wait([&](const boost::system::error_code&) { seenWhenTimerRan = seen; });
  ASSERT_TRUE(runUntil(
      io_, [&] { return seen == kFiles; }, std::chrono::seconds(10)));
  ASSERT_TRUE(seenWhenTimerRan.has_value());
  EXPECT_LT(*seenWhenTimerRan, kFiles);
}

}  // namespace
}  // namespace openclaw
