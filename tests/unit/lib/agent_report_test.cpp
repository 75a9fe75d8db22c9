#include "openclaw/agent_report.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace openclaw {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class AnAgentReport : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/oc-report-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    state_ = root_ + "/state";
    textfile_ = root_ + "/node-exporter";
    fs::create_directory(state_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string root_, state_, textfile_;
  boost::asio::io_context io_;
};

TEST_F(AnAgentReport, WritesActionsAtOnceAndKeepsThemAcrossARestart) {
  {
    AgentReport r(io_, "jack-supervisor", state_, textfile_);
    r.metrics().add("openclaw_restores_total", {{"bot", "jack"}});
    r.action({"restore", "jack", "restored jack's config from a backup", 0});
    auto file = readAgentReport(state_);
    ASSERT_TRUE(file) << file.error();
    EXPECT_TRUE(file->up);
    EXPECT_EQ(file->last.event, "restore");
    EXPECT_GT(file->last.timeSec, 0);
    EXPECT_EQ(file->byTarget.at("jack").message, "restored jack's config from a backup");
    EXPECT_EQ(file->metric("openclaw_restores_total", {{"bot", "jack"}}), 1);
  }
  auto stopped = readAgentReport(state_);
  ASSERT_TRUE(stopped);
  EXPECT_FALSE(stopped->up) << "a clean stop says so";
  AgentReport again(io_, "jack-supervisor", state_, textfile_);
  EXPECT_EQ(again.lastAction().event, "restore") << "the last action outlives the process";
  again.metrics().add("openclaw_restores_total", {{"bot", "jack"}});
  again.flush();
  EXPECT_EQ(readAgentReport(state_)->metric("openclaw_restores_total", {{"bot", "jack"}}), 2)
      << "counters go on counting";
}

TEST_F(AnAgentReport, WritesThePromFileOnlyWhenTheCollectorFolderExists) {
  AgentReport r(io_, "disk-guard", state_, textfile_);
  r.flush();
  EXPECT_FALSE(fs::exists(r.promPath()));
  fs::create_directory(textfile_);
  r.metrics().set("openclaw_disk_used_ratio", {{"mount", "/"}}, 0.5);
  r.flush();
  const std::string text = slurp(textfile_ + "/openclaw-disk-guard.prom");
  EXPECT_NE(text.find("openclaw_agent_up{agent=\"disk-guard\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("openclaw_disk_used_ratio{agent=\"disk-guard\",mount=\"/\"} 0.5\n"),
            std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(r.promPath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "node_exporter runs as its own user";
  ASSERT_EQ(::stat(r.reportPath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AnAgentReport, CoalescesChangesIntoOneWriteOnTheLoop) {
  AgentReport r(io_, "vps-bridge", state_, textfile_);
  r.flush();
  const auto before = fs::last_write_time(r.reportPath());
  for (int i = 0; i < 1000; ++i) {
    r.metrics().add("openclaw_bridge_calls_total", {{"agent", "a"}, {"result", "ok"}});
    r.changed();
  }
  EXPECT_EQ(readAgentReport(state_)->metric("openclaw_bridge_calls_total",
                                            {{"agent", "a"}, {"result", "ok"}}),
            0)
      << "not written per change";
  const auto written = [&] {
    return readAgentReport(state_)->metric("openclaw_bridge_calls_total",
                                           {{"agent", "a"}, {"result", "ok"}}) == 1000;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!written() && std::chrono::steady_clock::now() < deadline)
    io_.run_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(written()) << "written by the loop within the coalescing delay";
  EXPECT_NE(fs::last_write_time(r.reportPath()), before);
}

TEST_F(AnAgentReport, IsExportedByAnotherProcessGaugesIncluded) {
  {
    AgentReport r(io_, "vps-bridge", state_, "");  // a dynamic user: no collector folder
    r.metrics().add("openclaw_bridge_calls_total", {{"remote", "a"}, {"result", "ok"}}, 7);
    r.metrics().set("openclaw_bridge_breaker_state", {{"remote", "a"}}, 2);
    r.flush();
  }
  EXPECT_EQ(*exportReportMetrics(state_, textfile_), false) << "no folder, nothing to do";
  fs::create_directory(textfile_);
  ASSERT_EQ(*exportReportMetrics(state_, textfile_), true);
  const std::string text = slurp(textfile_ + "/openclaw-vps-bridge.prom");
  EXPECT_NE(text.find("openclaw_bridge_calls_total{agent=\"vps-bridge\",remote=\"a\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("openclaw_bridge_breaker_state{agent=\"vps-bridge\",remote=\"a\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("openclaw_agent_up{agent=\"vps-bridge\"} 0\n"), std::string::npos)
      << "it stopped: the export says so";
  std::ofstream(state_ + "/report.json", std::ios::trunc) << R"({"agent": "../../etc/x"})";
  EXPECT_FALSE(exportReportMetrics(state_, textfile_)) << "a name that is not an agent's";
}

TEST_F(AnAgentReport, ReadsADamagedReportAsEmpty) {
  std::ofstream(state_ + "/report.json") << "{not json";
  EXPECT_FALSE(readAgentReport(state_));
  std::ofstream(state_ + "/report.json", std::ios::trunc)
      << R"({"agent": 3, "last_action": {"event": 5, "time": "x"}, "targets": [1],
             "metrics": {"openclaw_restores_total": "x"}})";
  auto r = readAgentReport(state_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->last.event, "");
  EXPECT_EQ(r->metric("openclaw_restores_total"), 0);
  AgentReport report(io_, "x", state_, textfile_);  // and an agent starts on it
  EXPECT_EQ(report.lastAction().event, "");
}

TEST_F(AnAgentReport, KeepsABoundedNumberOfTargets) {
  AgentReport r(io_, "acl-keeper", state_, textfile_);
  for (std::size_t i = 0; i < AgentReport::kMaxTargets + 10; ++i)
    r.action({"acl-fix", "t" + std::to_string(i), "m", static_cast<std::int64_t>(1000 + i)});
  auto file = readAgentReport(state_);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->byTarget.size(), AgentReport::kMaxTargets);
  EXPECT_FALSE(file->byTarget.contains("t0")) << "the oldest went first";
  EXPECT_TRUE(file->byTarget.contains("t265"));
}

}  // namespace
}  // namespace openclaw
