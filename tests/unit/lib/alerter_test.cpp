// Alerter::raise() writes alerts.jsonl whatever happens and queues to Telegram when it is
// configured; Telegram is a loopback stand-in (tests/fakes) answering "ok":true.  Repeats of
// one kind of alert are folded into one follow-up a window (RepeatThrottle, on fake time).
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
#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;
using namespace openclaw::testing;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

class AlerterTest : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(dir_ / "token") << "77:TOKEN\n"; }

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
  testing::TempFolder temp_{"openclaw-alerter"};
  const fs::path dir_ = temp_.path();
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
  EXPECT_EQ(logLines().size(), 1u);  // the repeat is counted, for the window's follow-up
}

TEST_F(AlerterTest, ConfigureChannelsSendsEachAlertToTelegramAndTheWebhook) {
  FakeTelegram telegram(io_, {});
  FakeTelegram hook(io_, {{200, ""}});
  Alerter alerter(io_, "disk-guard", dir_.string(), log());
  NotifyConfig notify;
  notify.telegram = settings(telegram);
  notify.webhook = WebhookSettings{hook.apiUrl() + "/alerts", ""};
  alerter.configureChannels(notify);
  alerter.raise({"critical", "", "disk-act", "/", "95% used", {{"used_pct", 95}}});
  EXPECT_EQ(alerter.outboxDepth(),
            (std::map<std::string, std::size_t>{{"telegram", 1}, {"webhook", 1}}));
  EXPECT_TRUE(fs::exists(dir_ / "webhook-outbox"));
  ASSERT_TRUE(runUntil(
      io_, [&] { return telegram.seen().size() == 1 && hook.seen().size() == 1; }, 10s));
  const auto& body = hook.seen()[0].body;
  EXPECT_EQ(hook.seen()[0].target, "/alerts");
  EXPECT_EQ(body["level"], "critical");
  EXPECT_EQ(body["agent"], "disk-guard");
  EXPECT_EQ(body["event"], "disk-act");
  EXPECT_EQ(body["target"], "/");
  EXPECT_EQ(body["message"], "95% used");
  EXPECT_EQ(body["details"]["used_pct"], 95);
  EXPECT_TRUE(body["ts"].is_string());
  EXPECT_EQ(body["text"], "[CRITICAL] disk-guard: 95% used");
  EXPECT_EQ(telegram.seen()[0].body["text"], "[CRITICAL] disk-guard: 95% used");
  ASSERT_TRUE(runUntil(
      io_, [&] { return alerter.channelStatus() == "telegram: 0 pending; webhook: 0 pending"; },
      10s));
}

TEST_F(AlerterTest, NotifyJsonsTelegramWinsOverTheAgentsOwnKey) {
  FakeTelegram suite(io_, {});
  FakeTelegram own(io_, {});
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  NotifyConfig notify;
  notify.telegram = settings(suite);
  alerter.configureChannels(notify, settings(own));
  alerter.raise(restoreFailed());
  ASSERT_TRUE(runUntil(
      io_, [&] { return suite.seen().size() == 1; }, 10s));
  EXPECT_TRUE(own.seen().empty());
  // Without notify.json's Telegram, the agent's own key is used.
  alerter.configureChannels(NotifyConfig{}, settings(own));
  alerter.raise({"warning", "", "other", "jack", "something else"});
  ASSERT_TRUE(runUntil(
      io_, [&] { return own.seen().size() == 1; }, 10s));
  EXPECT_EQ(alerter.outboxDepth().count("webhook"), 0u);
}

TEST_F(AlerterTest, AWebhookBodyOverItsBoundLosesItsDetailsNotTheAlert) {
  const Alert big{"warning", "vps-bridge", "call-failed",
                  "john",    "m",          {{"output", std::string(40000, 'x')}}};
  const auto body = nlohmann::json::parse(webhookBody(big, 0));
  EXPECT_EQ(body["details"], nlohmann::json({{"truncated", true}}));
  EXPECT_EQ(body["message"], "m");
  EXPECT_EQ(body["ts"], "1970-01-01T00:00:00Z");
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

Alert refused(const std::string& target = "jack") {
  return {"warning",
          "",
          "revive-refused",
          target,
          "revive of " + target + " refused",
          {{"folder", "/flags"}}};
}

TEST_F(AlerterTest, AFloodOfOneKindIsOneLineAndOneFollowUpWithTheCount) {
  {
    Alerter alerter(io_, "flag-watcher", dir_.string(), log());
    for (int i = 0; i < 3000; ++i) alerter.raise(refused());
    EXPECT_EQ(logLines().size(), 1u);
  }  // the daemon stops before the window ends: the count is told then
  const auto lines = logLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["message"], "revive of jack refused");
  EXPECT_FALSE(lines[0]["details"].contains("repeats"));
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["event"], "revive-refused");
  EXPECT_EQ(lines[1]["target"], "jack");
  EXPECT_EQ(lines[1]["details"]["repeats"], 2999);
  EXPECT_EQ(lines[1]["details"]["folder"], "/flags");
  EXPECT_NE(lines[1]["message"].get<std::string>().find("repeated 2999 times"), std::string::npos)
      << lines[1]["message"];
}

TEST_F(AlerterTest, TheFollowUpComesWhenTheWindowEndsThroughEveryChannel) {
  FakeTelegram telegram(io_, {});
  AlerterTuning tuning;
  tuning.repeatWindow = 200ms;
  Alerter alerter(io_, "flag-watcher", dir_.string(), log(), tuning);
  alerter.configureTelegram(settings(telegram));
  for (int i = 0; i < 50; ++i) alerter.raise(refused());
  EXPECT_EQ(logLines().size(), 1u);
  ASSERT_TRUE(runUntil(
      io_, [&] { return logLines().size() == 2 && telegram.seen().size() == 2; }, 10s));
  EXPECT_EQ(logLines()[1]["details"]["repeats"], 49);
  EXPECT_EQ(telegram.seen()[1].body["text"],
            "[WARNING] flag-watcher: revive of jack refused (repeated 49 times in 0 s)");
  // A window without repeats ends silently; the next alert of the kind goes out at once.
  alerter.raise(refused());
  EXPECT_EQ(logLines().size(), 3u);
}

TEST_F(AlerterTest, KindsAreAgentEventTargetAndLevel) {
  Alerter alerter(io_, "flag-watcher", dir_.string(), log());
  alerter.raise(refused("jack"));
  alerter.raise(refused("john"));
  Alert failed = refused("jack");
  failed.event = "revive-failed";
  alerter.raise(failed);
  Alert critical = refused("jack");
  critical.level = "critical";
  alerter.raise(critical);
  Alert other = refused("jack");
  other.agent = "jack-supervisor";
  alerter.raise(other);
  alerter.raise(refused("jack"));
  alerter.raise(refused("john"));
  EXPECT_EQ(logLines().size(), 5u);
}

TEST_F(AlerterTest, ARecoveryIsNeverFoldedAndClosesItsTargetsWindowsFirst) {
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  const Alert crashLoop{"warning", "", "crash-loop", "jack", "jack is in a crash loop"};
  const Alert recovered{"recovered", "", "recovered", "jack", "jack is healthy again"};
  for (int i = 0; i < 3; ++i) alerter.raise(crashLoop);
  alerter.raise({"warning", "", "crash-loop", "john", "john is in a crash loop"});
  alerter.raise({"warning", "", "crash-loop", "john", "john is in a crash loop"});
  alerter.raise(recovered);
  alerter.raise(recovered);
  alerter.raise(crashLoop);  // a new incident: told at once
  const auto lines = logLines();
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0]["event"], "crash-loop");
  EXPECT_EQ(lines[1]["target"], "john");
  EXPECT_EQ(lines[2]["details"]["repeats"], 2);  // jack's crash loops, before the recovery
  EXPECT_EQ(lines[3]["level"], "recovered");
  EXPECT_EQ(lines[4]["level"], "recovered");
  EXPECT_EQ(lines[5]["event"], "crash-loop");
  EXPECT_FALSE(lines[5]["details"].contains("repeats"));
}

using Clock = RepeatThrottle::Clock;
const Clock::time_point t0{};

TEST(ARepeatThrottle, PassesTheFirstCountsTheRestAndSummarisesWhenTheWindowEnds) {
  RepeatThrottle throttle({10s, 1, 8});
  std::vector<RepeatThrottle::Summary> closed;
  EXPECT_TRUE(throttle.admit("a", t0, closed));
  EXPECT_FALSE(throttle.admit("a", t0 + 1s, closed));
  EXPECT_FALSE(throttle.admit("a", t0 + 9s, closed));
  EXPECT_TRUE(closed.empty());
  EXPECT_EQ(throttle.nextEnd(), t0 + 10s);
  EXPECT_TRUE(throttle.expire(t0 + 9s).empty());
  const auto ended = throttle.expire(t0 + 10s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].key, "a");
  EXPECT_EQ(ended[0].counted, 2u);
  EXPECT_EQ(ended[0].span, 10s);
  EXPECT_EQ(throttle.openWindows(), 0u);
  EXPECT_FALSE(throttle.nextEnd().has_value());
}

TEST(ARepeatThrottle, ClosesAnEndedWindowOnTheNextOccurrenceAndTellsThatOne) {
  RepeatThrottle throttle({10s, 1, 8});
  std::vector<RepeatThrottle::Summary> closed;
  EXPECT_TRUE(throttle.admit("a", t0, closed));
  EXPECT_FALSE(throttle.admit("a", t0 + 5s, closed));
  EXPECT_TRUE(throttle.admit("b", t0 + 6s, closed));
  EXPECT_TRUE(throttle.admit("a", t0 + 30s, closed));  // no timer ran: closed here
  ASSERT_EQ(closed.size(), 1u);  // "a" with its one repeat; "b" ended silently
  EXPECT_EQ(closed[0].key, "a");
  EXPECT_EQ(closed[0].counted, 1u);
  EXPECT_EQ(closed[0].span, 10s);  // the window's length, not the time until the next one
  EXPECT_EQ(throttle.openWindows(), 1u);
}

TEST(ARepeatThrottle, LetsAnAllowanceThroughEachWindow) {
  RepeatThrottle throttle({60s, 5, 8});
  std::vector<RepeatThrottle::Summary> closed;
  int told = 0;
  for (int i = 0; i < 100; ++i) told += throttle.admit("/flags", t0 + i * 100ms, closed) ? 1 : 0;
  EXPECT_EQ(told, 5);
  const auto ended = throttle.expire(t0 + 60s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].counted, 95u);
}

TEST(ARepeatThrottle, KeepsAtMostMaxKeysClosingTheOldestEarly) {
  RepeatThrottle throttle({10s, 1, 3});
  std::vector<RepeatThrottle::Summary> closed;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "k" + std::to_string(i);
    throttle.admit(key, t0 + i * 1ms, closed);
    throttle.admit(key, t0 + i * 1ms, closed);
    EXPECT_LE(throttle.openWindows(), 3u);
  }
  ASSERT_EQ(closed.size(), 997u);  // every early close still reports its repeat
  EXPECT_EQ(closed[0].key, "k0");
  EXPECT_EQ(closed[0].counted, 1u);
}

TEST(ARepeatThrottle, ClosesEveryKeyWithAPrefix) {
  RepeatThrottle throttle({10s, 1, 8});
  std::vector<RepeatThrottle::Summary> closed;
  for (const char* key : {"jack|a", "jack|b", "john|a", "jack|a"}) throttle.admit(key, t0, closed);
  const auto ended = throttle.closeMatching("jack|", t0 + 1s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].key, "jack|a");
  EXPECT_EQ(ended[0].span, 1s);
  EXPECT_EQ(throttle.openWindows(), 1u);
}

}  // namespace
}  // namespace openclaw
