// flag-watcher's bound on journal lines per folder: the first few of a kind in a window one
// by one, then one summary with the count, and nothing lost when the daemon stops.
#include "folder_noise.h"

#include <gtest/gtest.h>
#include <syslog.h>

#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw::flagwatcher {
namespace {

using namespace std::chrono_literals;

const NoiseKind kRemoved{"flag-rejected", "/flags", "", "removed", LOG_WARNING};
const NoiseKind kStuck{"flag-rejected", "/flags", "", "could not be removed", LOG_WARNING};

TEST(FolderNoiseLines, FirstFiveOfAKindThenOneSummaryWithTheCountWhenTheWindowEnds) {
  boost::asio::io_context io;
  std::vector<NoiseSummary> summaries;
  FolderNoise noise(io, [&](const NoiseSummary& s) { summaries.push_back(s); }, {100ms, 5, 64});
  int written = 0;
  for (int i = 0; i < 3000; ++i) written += noise.admit(kRemoved) ? 1 : 0;
  EXPECT_EQ(written, 5);
  EXPECT_TRUE(noise.admit(kStuck));  // a failed removal is its own kind: never hidden
  EXPECT_TRUE(summaries.empty());
  ASSERT_TRUE(runUntil(
      io, [&] { return !summaries.empty(); }, 10s));
  // Until no window is open (the timer is then left unarmed): kStuck's ends silently,
  // nothing of it was held back.
  io.restart();
  io.run();
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].suppressed, 2995u);
  EXPECT_EQ(summaries[0].kind.what, "removed");
  EXPECT_EQ(summaryText(summaries[0]),
            "flag-rejected: 2995 more entries in /flags (removed) in the last 0 s, not logged "
            "one by one");
  EXPECT_TRUE(noise.admit(kRemoved));  // a new window
}

TEST(FolderNoiseLines, FoldersAndTargetsAreCountedApart) {
  boost::asio::io_context io;
  FolderNoise noise(io, [](const NoiseSummary&) {});
  int written = 0;
  for (int i = 0; i < 100; ++i) {
    written += noise.admit({"revive-refused", "/a", "jack", "refused", LOG_WARNING}) ? 1 : 0;
    written += noise.admit({"revive-refused", "/a", "john", "refused", LOG_WARNING}) ? 1 : 0;
    written += noise.admit({"revive-refused", "/b", "jack", "refused", LOG_WARNING}) ? 1 : 0;
  }
  EXPECT_EQ(written, 15);
}

TEST(FolderNoiseLines, CountsStillOpenAreToldWhenTheDaemonStops) {
  boost::asio::io_context io;
  std::vector<NoiseSummary> summaries;
  {
    FolderNoise noise(io, [&](const NoiseSummary& s) { summaries.push_back(s); });
    for (int i = 0; i < 12; ++i) (void)noise.admit(kRemoved);
  }
  ASSERT_EQ(summaries.size(), 1u);
  EXPECT_EQ(summaries[0].suppressed, 7u);
}

}  // namespace
}  // namespace openclaw::flagwatcher
