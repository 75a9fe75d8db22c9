// The alert log itself: the line's form, and appends that never throw.
#include "openclaw/alerts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace openclaw {
namespace {

namespace fs = std::filesystem;

class AnAlertLog : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-alerts-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string log() const { return (dir_ / "alerts.jsonl").string(); }
  static std::vector<std::string> linesOf(const fs::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
};

TEST_F(AnAlertLog, LineReplacesBytesThatAreNotUtf8InsteadOfThrowing) {
  const Alert alert{"warning",  "flag-watcher",   "revive-refused",
                    "jack\xff", "in /flags/\xc3", {{"folder", "/flags/\xfe"}}};
  std::string line;
  ASSERT_NO_THROW(line = alertLine(alert, 0));
  ASSERT_EQ(line.back(), '\n');
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["target"], "jack\xEF\xBF\xBD");
  EXPECT_EQ(j["details"]["folder"], "/flags/\xEF\xBF\xBD");
  EXPECT_EQ(j["ts"], "1970-01-01T00:00:00Z");
}

TEST_F(AnAlertLog, AppendOfAnAlertWithBytesThatAreNotUtf8WritesOneLine) {
  ASSERT_NO_THROW(ASSERT_TRUE(
      appendAlert({"info", "acl-keeper", "acl-fix", "/srv/\x80", "fixed"}, log()).ok()));
  const auto lines = linesOf(log());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["target"], "/srv/\xEF\xBF\xBD");
}

}  // namespace
}  // namespace openclaw
