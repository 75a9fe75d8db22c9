// The alert outbox against a stand-in for Telegram's Bot API (and for a webhook receiver) on a
// real loopback socket: delivery, retry timing for 429 and 5xx, surviving a dead server and a
// daemon restart, dedup, order, the bound, and a token that never leaks into errors.
#include "openclaw/alert_outbox.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fakes/fake_clock.h"
#include "fakes/fake_telegram.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;
using namespace openclaw::testing;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

// A port nothing listens on: bound, read, closed.
unsigned short closedPort(boost::asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return probe.local_endpoint().port();
}

class AlertOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { writeToken("123456:SECRET-token_x"); }

  void writeToken(const std::string& token) { std::ofstream(dir_ / "token") << token << "\n"; }
  std::unique_ptr<AlertChannel> settings(unsigned short port) const {
    return makeTelegramChannel(
        {(dir_ / "token").string(), "-100777", "http://127.0.0.1:" + std::to_string(port)});
  }
  std::unique_ptr<AlertChannel> webhook(unsigned short port, std::string tokenFile = "") const {
    return makeWebhookChannel(
        {"http://127.0.0.1:" + std::to_string(port) + "/hooks/alerts", std::move(tokenFile)});
  }
  std::string folder() const { return (dir_ / "outbox").string(); }
  std::size_t messageFiles() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(folder())) {
      n += e.path().filename().string().starts_with("msg-");
    }
    return n;
  }
  bool runUntil(const std::function<bool()>& done) { return openclaw::runUntil(io_, done, 10s); }

  boost::asio::io_context io_;
  testing::TempFolder temp_{"openclaw-outbox"};
  const fs::path dir_ = temp_.path();
  const OutboxTuning fast_{50ms, 400ms, 5000ms, 600s};
};

TEST_F(AlertOutboxTest, DeliversOnceWithTheChatIdAndTextToTheTokenPath) {
  FakeTelegram telegram(io_, {kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  EXPECT_TRUE(outbox.enqueue("disk full on /", "critical|disk-full|/"));
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  ASSERT_EQ(telegram.seen().size(), 1u);
  EXPECT_EQ(telegram.seen()[0].target, "/bot123456:SECRET-token_x/sendMessage");
  EXPECT_EQ(telegram.seen()[0].body["chat_id"], "-100777");
  EXPECT_EQ(telegram.seen()[0].body["text"], "disk full on /");
  EXPECT_EQ(outbox.pending(), 0u);
  EXPECT_EQ(messageFiles(), 0u);
  EXPECT_EQ(outbox.lastError(), "");
}

TEST_F(AlertOutboxTest, WaitsForTheRetryAfterTelegramNamesOn429) {
  FakeTelegram telegram(
      io_, {{429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":1}})"}, kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  outbox.enqueue("slow down", "");
  ASSERT_TRUE(runUntil([&] { return !outbox.lastError().empty(); }));
  EXPECT_EQ(outbox.summary(), "1 pending (HTTP 429, retry in 1 s)");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  ASSERT_EQ(telegram.seen().size(), 2u);
  EXPECT_GE(telegram.seen()[1].at - telegram.seen()[0].at, 900ms);
}

TEST_F(AlertOutboxTest, RetriesServerErrorsWithGrowingBackoffThenDeliversOnce) {
  FakeTelegram telegram(io_, {{500, R"({"ok":false})"}, {502, ""}, kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  outbox.enqueue("flaky", "");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  const auto& seen = telegram.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_GE(seen[1].at - seen[0].at, 50ms);
  EXPECT_GE(seen[2].at - seen[1].at, 100ms);
  EXPECT_EQ(seen[2].body["text"], "flaky");
}

TEST_F(AlertOutboxTest, KeepsTheMessageOnDiskWhileTheServerIsDown) {
  AlertOutbox outbox(io_, folder(), settings(closedPort(io_)), fast_);
  outbox.enqueue("nobody listens", "");
  ASSERT_TRUE(runUntil([&] { return !outbox.lastError().empty(); }));
  EXPECT_TRUE(outbox.lastError().starts_with("Telegram unreachable: ")) << outbox.lastError();
  EXPECT_EQ(outbox.pending(), 1u);
  EXPECT_EQ(messageFiles(), 1u);
}

TEST_F(AlertOutboxTest, ANewOutboxOnTheSameFolderDeliversWhatTheLastRunLeft) {
  const unsigned short port = closedPort(io_);
  {
    AlertOutbox before(io_, folder(), settings(port), fast_);
    before.enqueue("first", "");
    before.enqueue("second", "");
    ASSERT_TRUE(runUntil([&] { return !before.lastError().empty(); }));
  }
  ASSERT_EQ(messageFiles(), 2u);
  FakeTelegram telegram(io_, {kOk}, port);
  AlertOutbox after(io_, folder(), settings(port), fast_);
  EXPECT_EQ(after.pending(), 2u);
  ASSERT_TRUE(runUntil([&] { return after.delivered() == 2; }));
  ASSERT_EQ(telegram.seen().size(), 2u);
  EXPECT_EQ(telegram.seen()[0].body["text"], "first");
  EXPECT_EQ(telegram.seen()[1].body["text"], "second");
  EXPECT_EQ(messageFiles(), 0u);
}

TEST_F(AlertOutboxTest, SuppressesTheSameKeyWithinTheWindowAcrossRestarts) {
  FakeTelegram telegram(io_, {kOk});
  {
    AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
    EXPECT_TRUE(outbox.enqueue("restore failed", "critical|restore-failed|jack"));
    EXPECT_FALSE(outbox.enqueue("restore failed again", "critical|restore-failed|jack"));
    EXPECT_TRUE(outbox.enqueue("other bot", "critical|restore-failed|jill"));
    ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 2; }));
  }
  AlertOutbox restarted(io_, folder(), settings(telegram.port()), fast_);
  EXPECT_FALSE(restarted.enqueue("restore failed", "critical|restore-failed|jack"));
  EXPECT_EQ(restarted.pending(), 0u);  // nothing queued, so nothing more can reach the server
  EXPECT_EQ(telegram.seen().size(), 2u);
}

TEST_F(AlertOutboxTest, TheDedupWindowEndsByTheOutboxsClockNotByWaiting) {
  FakeTelegram telegram(io_, {kOk});
  FakeClock clock;
  OutboxTuning tuning = fast_;
  tuning.clock = &clock;
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), tuning);
  EXPECT_TRUE(outbox.enqueue("restore failed", "critical|restore-failed|jack"));
  clock.advance(599s);
  EXPECT_FALSE(outbox.enqueue("still failing", "critical|restore-failed|jack"));
  clock.advance(1s);
  EXPECT_TRUE(outbox.enqueue("failing ten minutes on", "critical|restore-failed|jack"))
      << "ten minutes after the first, the same key is sent again";
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 2; }));
}

TEST_F(AlertOutboxTest, DeliversInTheOrderMessagesWereEnqueued) {
  FakeTelegram telegram(io_, {kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  for (const char* text : {"one", "two", "three"}) outbox.enqueue(text, "");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 3; }));
  ASSERT_EQ(telegram.seen().size(), 3u);
  EXPECT_EQ(telegram.seen()[0].body["text"], "one");
  EXPECT_EQ(telegram.seen()[1].body["text"], "two");
  EXPECT_EQ(telegram.seen()[2].body["text"], "three");
}

TEST_F(AlertOutboxTest, NeverPutsTheTokenInLastError) {
  FakeTelegram telegram(io_, {{401, R"({"ok":false,"description":"Unauthorized"})"}});
  AlertOutbox refused(io_, folder(), settings(telegram.port()), fast_);
  refused.enqueue("hello", "");
  ASSERT_TRUE(runUntil([&] { return !refused.lastError().empty(); }));
  EXPECT_TRUE(refused.lastError().starts_with("Telegram refused: HTTP 401 Unauthorized"))
      << refused.lastError();
  EXPECT_EQ(refused.lastError().find("SECRET"), std::string::npos);

  AlertOutbox unreachable(io_, (dir_ / "other").string(), settings(closedPort(io_)), fast_);
  unreachable.enqueue("hello", "");
  ASSERT_TRUE(runUntil([&] { return !unreachable.lastError().empty(); }));
  EXPECT_EQ(unreachable.lastError().find("SECRET"), std::string::npos);
}

TEST_F(AlertOutboxTest, RetriesRefusalsAtTheLongestIntervalAndPicksUpARotatedToken) {
  FakeTelegram telegram(io_, {{401, R"({"ok":false})"}, kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  outbox.enqueue("hello", "");
  ASSERT_TRUE(runUntil([&] { return !outbox.lastError().empty(); }));
  writeToken("999:ROTATED");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  ASSERT_EQ(telegram.seen().size(), 2u);
  EXPECT_GE(telegram.seen()[1].at - telegram.seen()[0].at, fast_.maxRetry);
  EXPECT_EQ(telegram.seen()[1].target, "/bot999:ROTATED/sendMessage");
}

TEST_F(AlertOutboxTest, KeepsMessagesWhileTheTokenFileIsMissing) {
  fs::remove(dir_ / "token");
  FakeTelegram telegram(io_, {kOk});
  AlertOutbox outbox(io_, folder(), settings(telegram.port()), fast_);
  outbox.enqueue("waiting for a token", "");
  EXPECT_TRUE(outbox.lastError().starts_with("Telegram token file ")) << outbox.lastError();
  EXPECT_EQ(outbox.summary(), "1 pending (no token, retry in 1 s)");
  writeToken("   \n");
  ASSERT_TRUE(runUntil([&] { return outbox.lastError().find("is empty") != std::string::npos; }));
  writeToken("42:LATE");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  EXPECT_EQ(telegram.seen().size(), 1u);
}

TEST_F(AlertOutboxTest, DropsTheOldestMessagesBeyondTheBound) {
  fs::remove(dir_ / "token");  // nothing goes out, so the queue only grows
  OutboxTuning small = fast_;
  small.maxPending = 3;
  AlertOutbox outbox(io_, folder(), settings(closedPort(io_)), small);
  for (int i = 1; i <= 5; ++i) outbox.enqueue("message " + std::to_string(i), "");
  EXPECT_EQ(outbox.pending(), 3u);
  EXPECT_EQ(messageFiles(), 3u);
  EXPECT_FALSE(fs::exists(folder() + "/msg-00000000000000000001.json"));
  EXPECT_TRUE(fs::exists(folder() + "/msg-00000000000000000005.json"));
}

TEST_F(AlertOutboxTest, WebhookPostsTheMessageAsItsBodyWithTheBearerToken) {
  FakeTelegram receiver(io_, {{204, ""}});
  std::ofstream(dir_ / "hook-token") << "s3cr3t-Hook.token\n";
  AlertOutbox outbox(io_, folder(), webhook(receiver.port(), (dir_ / "hook-token").string()),
                     fast_);
  EXPECT_TRUE(outbox.enqueue(R"({"level":"warning","agent":"disk-guard"})", "k"));
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  ASSERT_EQ(receiver.seen().size(), 1u);
  EXPECT_EQ(receiver.seen()[0].target, "/hooks/alerts");
  EXPECT_EQ(receiver.seen()[0].body["agent"], "disk-guard");
  EXPECT_NE(receiver.seen()[0].headers.find("Authorization: Bearer s3cr3t-Hook.token\r\n"),
            std::string::npos);
  EXPECT_NE(receiver.seen()[0].headers.find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(messageFiles(), 0u);
  EXPECT_EQ(outbox.channelName(), "webhook");
}

TEST_F(AlertOutboxTest, WebhookWithoutATokenFileSendsNoAuthorization) {
  FakeTelegram receiver(io_, {{200, "ok"}});
  AlertOutbox outbox(io_, folder(), webhook(receiver.port()), fast_);
  outbox.enqueue(R"({"n":1})", "");
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  EXPECT_EQ(receiver.seen()[0].headers.find("Authorization"), std::string::npos);
}

TEST_F(AlertOutboxTest, WebhookRetriesA500AndWaitsTheRetryAfterOfA429) {
  FakeTelegram receiver(io_, {{500, ""}, {429, "", "Retry-After: 1\r\n"}, {200, ""}});
  AlertOutbox outbox(io_, folder(), webhook(receiver.port()), fast_);
  outbox.enqueue(R"({"n":1})", "");
  ASSERT_TRUE(runUntil([&] { return receiver.seen().size() == 2; }));
  ASSERT_TRUE(runUntil([&] { return outbox.delivered() == 1; }));
  ASSERT_EQ(receiver.seen().size(), 3u);
  // fast_ retries in 50..400 ms; only the receiver's Retry-After explains a second's wait.
  EXPECT_GE(receiver.seen()[2].at - receiver.seen()[1].at, 900ms);
  EXPECT_EQ(messageFiles(), 0u);
}

TEST_F(AlertOutboxTest, WebhookKeepsARefusedMessageAndNeverShowsItsToken) {
  FakeTelegram receiver(io_, {{401, ""}});
  std::ofstream(dir_ / "hook-token") << "hidden-token-value\n";
  AlertOutbox outbox(io_, folder(), webhook(receiver.port(), (dir_ / "hook-token").string()),
                     fast_);
  outbox.enqueue(R"({"n":1})", "");
  ASSERT_TRUE(runUntil([&] { return !outbox.lastError().empty(); }));
  EXPECT_EQ(outbox.lastError(), "the webhook refused: HTTP 401 Unauthorized");
  EXPECT_EQ(outbox.pending(), 1u);
  EXPECT_EQ(messageFiles(), 1u);
}

TEST_F(AlertOutboxTest, WebhookWaitsWhileItsTokenFileIsMissing) {
  FakeTelegram receiver(io_, {{200, ""}});
  AlertOutbox outbox(io_, folder(), webhook(receiver.port(), (dir_ / "absent").string()), fast_);
  outbox.enqueue(R"({"n":1})", "");
  EXPECT_NE(outbox.lastError().find("webhook token file"), std::string::npos);
  EXPECT_EQ(outbox.summary().rfind("1 pending (no token", 0), 0u);
  EXPECT_TRUE(receiver.seen().empty());
}

TEST_F(AlertOutboxTest, PendingMessagesCountsRegularMessageFilesOnly) {
  {
    AlertOutbox outbox(io_, folder(), webhook(closedPort(io_)), fast_);
    outbox.enqueue(R"({"n":1})", "");
    outbox.enqueue(R"({"n":2})", "");
  }
  std::ofstream(fs::path(folder()) / "notes.txt") << "not a message\n";
  fs::create_symlink("/etc/passwd", fs::path(folder()) / "msg-00000000000000000099.json");
  fs::create_directory(fs::path(folder()) / "msg-00000000000000000098.json");
  EXPECT_EQ(pendingAlertMessages(folder()), 2u);
  EXPECT_EQ(pendingAlertMessages(folder(), 1), 1u);
  EXPECT_EQ(pendingAlertMessages((dir_ / "missing").string()), 0u);
  fs::create_directory_symlink(folder(), dir_ / "link");
  EXPECT_EQ(pendingAlertMessages((dir_ / "link").string()), 0u);
}

}  // namespace
}  // namespace openclaw
