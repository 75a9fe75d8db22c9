#include <gtest/gtest.h>

#include "openclaw/daemon.h"
#include "openclaw/log.h"
#include "openclaw/notifier.h"

namespace openclaw {
namespace {

TEST(DaemonArgs, DefaultToTheAgentsConfigUnderEtc) {
  const char* argv[] = {"x"};
  auto opts = parseDaemonArgs(1, argv, defaultConfigPath("flag-watcher"));
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->configPath, "/etc/openclaw-agents/flag-watcher.json");
  EXPECT_FALSE(opts->checkConfig);
}

TEST(DaemonArgs, AcceptBothConfigSpellingsAndTheFlags) {
  const char* argv[] = {"x", "--config", "/a.json", "--check-config"};
  auto opts = parseDaemonArgs(4, argv, "/d");
  ASSERT_TRUE(opts.ok());
  EXPECT_EQ(opts->configPath, "/a.json");
  EXPECT_TRUE(opts->checkConfig);
  const char* argv2[] = {"x", "--config=/b.json", "--version"};
  auto opts2 = parseDaemonArgs(3, argv2, "/d");
  ASSERT_TRUE(opts2.ok());
  EXPECT_EQ(opts2->configPath, "/b.json");
  EXPECT_TRUE(opts2->version);
}

TEST(DaemonArgs, RejectUnknownArgumentsAndAMissingPath) {
  const char* argv[] = {"x", "--frobnicate"};
  EXPECT_FALSE(parseDaemonArgs(2, argv, "/d").ok());
  const char* argv2[] = {"x", "--config"};
  EXPECT_FALSE(parseDaemonArgs(2, argv2, "/d").ok());
}

TEST(StateDirectoryOf, PrefersSystemdsStateDirectory) {
  ::setenv("STATE_DIRECTORY", "/var/lib/openclaw-agents/x:/other", 1);
  EXPECT_EQ(stateDirectory("x"), "/var/lib/openclaw-agents/x");
  ::unsetenv("STATE_DIRECTORY");
  EXPECT_EQ(stateDirectory("x"), "/var/lib/openclaw-agents/x");
}

TEST(StatusLine, FoldsNewlinesAndBoundsLength) {
  EXPECT_EQ(statusLine("a\nb"), "a b");
  EXPECT_EQ(statusLine(std::string(500, 'x')).size(), 200u);
}

TEST(PlainLogLine, CarriesLevelMessageAndFields) {
  EXPECT_EQ(formatPlainLine(LOG_WARNING, "refused", {{"OPENCLAW_EVENT", "revive"}}),
            "warning: refused OPENCLAW_EVENT=revive");
}

TEST(JournalDetection, IsOffWithoutJournalStream) {
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderrIsJournal());
  ::setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(stderrIsJournal());
  ::unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace openclaw
