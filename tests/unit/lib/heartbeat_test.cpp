#include "openclaw/heartbeat.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>

#include "lib/loopback_http_server.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using testing::LoopbackHttpServer;
constexpr auto kDeadline = std::chrono::seconds(10);

class HeartbeatTest : public ::testing::Test {
 protected:
  bool run(const std::function<bool()>& done) { return runUntil(io_, done, kDeadline); }
  HeartbeatConfig every(const std::string& path, std::int64_t sec = 1) {
    return {server_.url(path), sec};
  }

  boost::asio::io_context io_;
  LoopbackHttpServer server_{io_};
  bool healthy_ = true;
  int changes_ = 0;
  Heartbeat heartbeat_{io_, [this] { return healthy_; }, [this] { ++changes_; }};
};

TEST_F(HeartbeatTest, PingsItsUrlEveryIntervalWhileEveryBotIsHealthy) {
  heartbeat_.configure(every("/ok"));
  ASSERT_TRUE(run([&] { return server_.requests() >= 2; }));
  EXPECT_TRUE(server_.lastHead().starts_with("POST /ok HTTP/1.1")) << server_.lastHead();
  EXPECT_TRUE(heartbeat_.status().starts_with("heartbeat ok since ")) << heartbeat_.status();
  EXPECT_EQ(changes_, 1) << "told once that the pings work, not at every ping";
}

TEST_F(HeartbeatTest, HoldsItsPingsWhileABotIsNotHealthy) {
  healthy_ = false;
  heartbeat_.configure(every("/ok"));
  ASSERT_TRUE(run([&] { return heartbeat_.status().find("held") != std::string::npos; }));
  EXPECT_EQ(server_.requests(), 0);
  healthy_ = true;
  ASSERT_TRUE(run([&] { return server_.requests() == 1; }));
}

TEST_F(HeartbeatTest, TellsTheFailUrlWhyOnAGiveUp) {
  heartbeat_.configure(every("/ok/", 3600));
  heartbeat_.fail("jack: stopped acting, no valid config");
  ASSERT_TRUE(run([&] { return server_.requests() == 1; }));
  EXPECT_TRUE(server_.lastHead().starts_with("POST /ok/fail HTTP/1.1")) << server_.lastHead();
  EXPECT_EQ(server_.lastBody(), "jack: stopped acting, no valid config");
}

TEST_F(HeartbeatTest, SaysSoWhenThePingsFailAndStopsWhenUnconfigured) {
  heartbeat_.configure(every("/busy"));
  ASSERT_TRUE(run([&] { return heartbeat_.status().find("FAILING") != std::string::npos; }));
  EXPECT_NE(heartbeat_.status().find("HTTP 429"), std::string::npos) << heartbeat_.status();
  heartbeat_.configure(std::nullopt);
  EXPECT_EQ(heartbeat_.status(), "");
  heartbeat_.fail("nobody hears this");
  const int before = server_.requests();
  io_.run_for(std::chrono::milliseconds(50));  // lets anything queued out; nothing is
  EXPECT_EQ(server_.requests(), before);
}

TEST(ANotifyConfig, IsEmptyWhenTheFileIsAbsent) {
  auto c = loadNotifyConfig("/nonexistent/notify.json");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->heartbeat);
  EXPECT_EQ(notifyConfigBeside("/etc/openclaw-agents/jack-supervisor.json"),
            "/etc/openclaw-agents/notify.json");
}

TEST(ANotifyConfig, ReadsTheHeartbeatAndRefusesABadOne) {
  const auto ok = parseNotifyConfig(
      nlohmann::json::parse(R"({"heartbeat": {"url": "https://hc-ping.com/abc"}})"), "n.json");
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(ok->heartbeat);
  EXPECT_EQ(ok->heartbeat->url, "https://hc-ping.com/abc");
  EXPECT_EQ(ok->heartbeat->intervalSec, 300);
  for (const char* bad :
       {R"({"heartbeat": {"url": "ftp://x"}})",
        R"({"heartbeat": {"url": "http://x", "interval_sec": 0}})", R"({"heartbeat": {}})",
        R"({"heartbeat": {"url": "http://x", "x": 1}})"}) {
    const auto r = parseNotifyConfig(nlohmann::json::parse(bad), "n.json");
    EXPECT_FALSE(r.ok()) << bad;
  }
}

}  // namespace
}  // namespace openclaw
