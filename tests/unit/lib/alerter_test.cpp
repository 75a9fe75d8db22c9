// Alerter::raise() writes alerts.jsonl whatever happens and queues to Telegram when it is
// configured; Telegram is a loopback stand-in that answers every request with "ok":true.
#include "openclaw/alerter.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>

#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

// One request per connection; records each body and answers 200 {"ok":true}.
class OkTelegram {
 public:
  explicit OkTelegram(boost::asio::io_context& io)
      : acceptor_(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
  }
  std::string apiUrl() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  const std::vector<nlohmann::json>& bodies() const { return bodies_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      serve(std::make_shared<tcp::socket>(std::move(socket)));
      accept();
    });
  }
  void serve(std::shared_ptr<tcp::socket> s) {
    auto in = std::make_shared<std::string>();
    boost::asio::async_read_until(
        *s, boost::asio::dynamic_buffer(*in), "\r\n\r\n",
        [this, s, in](boost::system::error_code ec, std::size_t headerEnd) {
          if (ec) return;
          const auto cl = in->find("Content-Length: ");
          const std::size_t length = cl < headerEnd ? std::stoul(in->substr(cl + 16)) : 0;
          auto done = [this, s, in, headerEnd](boost::system::error_code e, std::size_t) {
            if (e) return;
            bodies_.push_back(nlohmann::json::parse(in->substr(headerEnd), nullptr, false));
            static const std::string ok =
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}";
            boost::asio::async_write(*s, boost::asio::buffer(ok), [s](auto, auto) {});
          };
          const std::size_t have = in->size() - headerEnd;
          if (have >= length) return done({}, 0);
          boost::asio::async_read(*s, boost::asio::dynamic_buffer(*in),
                                  boost::asio::transfer_exactly(length - have), done);
        });
  }

  tcp::acceptor acceptor_;
  std::vector<nlohmann::json> bodies_;
};

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
  TelegramSettings settings(const OkTelegram& telegram) const {
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
  OkTelegram telegram(io_);
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  alerter.configureTelegram(settings(telegram));
  alerter.raise(restoreFailed());
  EXPECT_EQ(alerter.telegramStatus(), "telegram: 1 pending");
  ASSERT_TRUE(runUntil(
      io_, [&] { return alerter.telegramStatus() == "telegram: 0 pending"; }, 10s));
  ASSERT_EQ(telegram.bodies().size(), 1u);
  EXPECT_EQ(telegram.bodies()[0]["chat_id"], "5150");
  EXPECT_EQ(telegram.bodies()[0]["text"], "[CRITICAL] jack-supervisor: no valid backup");
  EXPECT_EQ(logLines().size(), 1u);
}

TEST_F(AlerterTest, RepeatsOfOneAlertWithinTheWindowReachTelegramOnce) {
  OkTelegram telegram(io_);
  Alerter alerter(io_, "jack-supervisor", dir_.string(), log());
  alerter.configureTelegram(settings(telegram));
  alerter.raise(restoreFailed());
  alerter.configureTelegram(settings(telegram));  // a reload with the same settings
  alerter.raise(restoreFailed());
  EXPECT_EQ(alerter.telegramStatus(), "telegram: 1 pending");
  ASSERT_TRUE(runUntil(
      io_, [&] { return alerter.telegramStatus() == "telegram: 0 pending"; }, 10s));
  EXPECT_EQ(telegram.bodies().size(), 1u);
  EXPECT_EQ(logLines().size(), 2u);
}

TEST_F(AlerterTest, StillQueuesToTelegramWhenTheAlertLogCannotBeWritten) {
  OkTelegram telegram(io_);
  Alerter alerter(io_, "acl-keeper", dir_.string(), (dir_ / "missing" / "alerts.jsonl").string());
  alerter.configureTelegram(settings(telegram));
  alerter.raise({"warning", "", "acl-drift", "/srv", "fixed ACL"});
  ASSERT_TRUE(runUntil(
      io_, [&] { return telegram.bodies().size() == 1; }, 10s));
  EXPECT_EQ(telegram.bodies()[0]["text"], "[WARNING] acl-keeper: fixed ACL");
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
