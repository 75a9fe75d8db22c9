// Alerter::raise() writes alerts.jsonl whatever happens and queues to Telegram when it is
// configured; Telegram is a loopback stand-in (tests/fakes) answering "ok":true.
#include "openclaw/alerter.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>

#include "fakes/fake_telegram.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;
using namespace openclaw::testing;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

class AlerterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-alerter-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ / "token") << "77:TOKEN\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string log() const { return (dir_ / "alerts.jsonl").string(); }
  std::vector<nlohmann::json> logLines() const {
    std::vector<nlohmann::json> lines;
    std::ifstream in(log());
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
  TelegramSettings settings(const FakeTelegram& telegram) const {
    return {(dir_ / "token").string(), "5150", telegram.apiUrl()};
  }
  static Alert restoreFailed() {
    return {"critical", "", "restore-failed", "jack", "no valid backup", {{"tried", 3}}};
  }

  boost::asio::io_context io_;
  fs::path dir_;
};

TEST_F(AlerterTest, RaiseWritesOneAlertLineWithEveryField) {
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  alerter.raise(restoreFailed());
  const auto lines = logLines();
  ASSERT_EQ(lines.size(), 1u);
  const auto& line = lines[0];
  EXPECT_TRUE(line["ts"].is_string());
  EXPECT_EQ(line["level"], "critical");
  EXPECT_EQ(line["agent"], "jack-supervisor");
  EXPECT_EQ(line["event"], "restore-failed");
  EXPECT_EQ(line["target"], "jack");
  EXPECT_EQ(line["message"], "no valid backup");
  EXPECT_EQ(line["details"]["tried"], 3);
}

TEST_F(AlerterTest, TelegramStatusIsEmptyAndNoOutboxExistsWhileTelegramIsOff) {
  Alerter alerter(io_, "disk-guard", dir_.string(), log());
  alerter.configureTelegram(std::nullopt);
  alerter.raise({"warning", "", "disk-low", "/", "10% free"});
  EXPECT_EQ(alerter.telegramStatus(), "");
  EXPECT_FALSE(fs::exists(dir_ / "telegram-outbox"));
  EXPECT_EQ(logLines().size(), 1u);
}

TEST_F(AlerterTest, RaiseQueuesATelegramMessageWhenConfigured) {
  FakeTelegram telegram(io_, {});
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  alerter.configureTelegram(settings(telegram));
  alerter.raise(restoreFailed());
  EXPECT_EQ(alerter.telegramStatus(), "telegram: 1 pending");
  ASSERT_TRUE(runUntil(
      io_, [&] { return alerter.telegramStatus() == "telegram: 0 pending"; }, 10s));
  ASSERT_EQ(telegram.seen().size(), 1u);
  EXPECT_EQ(telegram.seen()[0].body["chat_id"], "5150");
  EXPECT_EQ(telegram.seen()[0].body["text"], "[CRITICAL] jack-supervisor: no valid backup");
  EXPECT_EQ(logLines().size(), 1u);
}

TEST_F(AlerterTest, RepeatsOfOneAlertWithinTheWindowReachTelegramOnce) {
  FakeTelegram telegram(io_, {});
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  alerter.configureTelegram(settings(telegram));
  alerter.raise(restoreFailed());
  alerter.configureTelegram(settings(telegram));  // a reload with the same settings
  alerter.raise(restoreFailed());
  EXPECT_EQ(alerter.telegramStatus(), "telegram: 1 pending");
  ASSERT_TRUE(runUntil(
      io_, [&] { return alerter.telegramStatus() == "telegram: 0 pending"; }, 10s));
  EXPECT_EQ(telegram.seen().size(), 1u);
  EXPECT_EQ(logLines().size(), 2u);
}

TEST_F(AlerterTest, StillQueuesToTelegramWhenTheAlertLogCannotBeWritten) {
  FakeTelegram telegram(io_, {});
  Alerter alerter(io_, "acl-keeper", dir_.string(), (dir_ / "missing" / "alerts.jsonl").string());
  alerter.configureTelegram(settings(telegram));
  alerter.raise({"warning", "", "acl-drift", "/srv", "fixed ACL"});
  ASSERT_TRUE(runUntil(
      io_, [&] { return telegram.seen().size() == 1; }, 10s));
  EXPECT_EQ(telegram.seen()[0].body["text"], "[WARNING] acl-keeper: fixed ACL");
}

TEST_F(AlerterTest, InvalidUtf8InAnAlertIsReplacedNotFatal) {
  Alerter alerter(io_, "flag-watcher", dir_.string(), log());
  alerter.raise({"info", "", "flag", "/tmp/\xff", "saw \xfe", {{"path", "\xc3"}}});
  const auto lines = logLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["message"], "saw \xEF\xBF\xBD");
}

}  // namespace
}  // namespace openclaw
