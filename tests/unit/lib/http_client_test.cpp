// HttpClient against real loopback sockets: a scripted server on the same io_context answers,
// stalls, resets or babbles per path.  Waits are bounded by deadlines, never by sleeps.
#include "openclaw/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <optional>
#include <thread>

#include "loopback_http_server.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 10s;  // generous for sanitizer builds on a busy machine

class AnHttpClient : public ::testing::Test {
 protected:
  // Runs the loop until `done` holds; false if the deadline passed first.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline = kDeadline) {
    const auto end = Clock::now() + deadline;
    while (!done()) {
      if (Clock::now() >= end) return false;
      if (io_.stopped()) io_.restart();
      io_.run_one_for(10ms);
    }
    return true;
  }

  HttpClientRequest request(const std::string& path) {
    HttpClientRequest r;
    r.url = server_.url(path);
    r.body = R"({"hello":"world"})";
    r.headers = {"Content-Type: application/json", "X-Request-Id: req-1"};
    return r;
  }

  HttpClientResponse call(HttpClientRequest r) {
    std::optional<HttpClientResponse> got;
    client_->post(std::move(r), [&](HttpClientResponse response) { got = std::move(response); });
    EXPECT_TRUE(runUntil([&] { return got.has_value(); }));
    return got.value_or(HttpClientResponse{});
  }

  boost::asio::io_context io_;
  testing::LoopbackHttpServer server_{io_};
  std::optional<HttpClient> client_{std::in_place, io_};
  const std::thread::id testThread_ = std::this_thread::get_id();
};

TEST_F(AnHttpClient, ReturnsStatusBodyAndContentTypeOfAnAnswer) {
  const HttpClientResponse r = call(request("/ok"));
  EXPECT_EQ(r.transport, HttpTransport::Ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(r.contentType, "application/json");
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(r.reusedConnection);
  EXPECT_GT(r.elapsed.count(), 0);
}

TEST_F(AnHttpClient, PostsBodyAndHeadersAsGivenWithoutExpect) {
  HttpClientRequest r = request("/echo");
  // Over curl's threshold for Expect: 100-continue (1 KiB before 7.87, 1 MiB since).
  const std::string body(3 << 19, 'b');
  r.body = body;
  r.maxResponseBytes = body.size();
  const HttpClientResponse answer = call(std::move(r));
  EXPECT_EQ(answer.status, 200);
  EXPECT_TRUE(answer.body == body);
  EXPECT_EQ(server_.lastHead().rfind("POST /echo HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(server_.lastHead().find("\r\nX-Request-Id: req-1\r\n"), std::string::npos);
  EXPECT_NE(server_.lastHead().find("\r\nContent-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(server_.lastHead().find("Expect"), std::string::npos);
}

TEST_F(AnHttpClient, ReusesOneConnectionForSequentialCallsToOneHost) {
  const HttpClientResponse first = call(request("/ok"));
  const HttpClientResponse second = call(request("/ok"));
  EXPECT_EQ(second.status, 200);
  EXPECT_FALSE(first.reusedConnection);
  EXPECT_TRUE(second.reusedConnection);
  EXPECT_EQ(server_.requests(), 2);
  EXPECT_EQ(server_.connections(), 1);
}

// The second call finds its cached connection closed by the server; the new socket usually
// gets the same descriptor number as the old one, which must not be mistaken for it.
TEST_F(AnHttpClient, OpensAFreshConnectionWhenTheServerClosedTheCachedOne) {
  EXPECT_EQ(call(request("/ok-then-close")).status, 200);
  ASSERT_TRUE(runUntil([&] { return server_.requests() == 1; }));
  const HttpClientResponse second = call(request("/ok"));
  EXPECT_EQ(second.transport, HttpTransport::Ok) << second.error;
  EXPECT_EQ(second.status, 200);
  EXPECT_FALSE(second.reusedConnection);
  EXPECT_EQ(server_.connections(), 2);
}

TEST_F(AnHttpClient, ReturnsA429WithItsRetryAfter) {
  const HttpClientResponse r = call(request("/busy"));
  EXPECT_EQ(r.transport, HttpTransport::Ok);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retryAfter, "7");
}

TEST_F(AnHttpClient, IgnoresARetryAfterLongerThanItsBound) {
  const HttpClientResponse r = call(request("/long-retry"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retryAfter, "");
}

TEST_F(AnHttpClient, ReturnsARedirectWithoutFollowingIt) {
  const HttpClientResponse r = call(request("/moved"));
  EXPECT_EQ(r.transport, HttpTransport::Ok);
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(server_.requests(), 1);
}

TEST_F(AnHttpClient, TimesOutAStalledCallNearItsPerTryTimeout) {
  HttpClientRequest r = request("/stall");
  r.timeout = 300ms;
  const HttpClientResponse answer = call(std::move(r));
  EXPECT_EQ(answer.transport, HttpTransport::Timeout) << answer.error;
  EXPECT_GE(answer.elapsed, 295ms);
  EXPECT_LE(answer.elapsed, 900ms);
  EXPECT_FALSE(answer.error.empty());
  EXPECT_TRUE(runUntil([&] { return server_.hangUps() == 1; }));
}

TEST_F(AnHttpClient, ReportsAResetBeforeTheAnswerAsConnection) {
  const HttpClientResponse r = call(request("/reset"));
  EXPECT_EQ(r.transport, HttpTransport::Connection) << r.error;
  EXPECT_EQ(r.status, 0);
}

TEST_F(AnHttpClient, ReportsAResetInTheMiddleOfTheAnswerAsConnection) {
  const HttpClientResponse r = call(request("/reset-mid"));
  EXPECT_EQ(r.transport, HttpTransport::Connection) << r.error;
  EXPECT_EQ(r.body, "");
}

TEST_F(AnHttpClient, ReportsARefusedConnectionAsConnection) {
  boost::asio::ip::tcp::acceptor closed(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = closed.local_endpoint().port();
  closed.close();
  HttpClientRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/ok";
  const HttpClientResponse answer = call(std::move(r));
  EXPECT_EQ(answer.transport, HttpTransport::Connection) << answer.error;
  EXPECT_EQ(answer.error, curl_easy_strerror(CURLE_COULDNT_CONNECT));
}

TEST_F(AnHttpClient, ReportsAnAnswerThatIsNotHttpAsOther) {
  const HttpClientResponse r = call(request("/garbage"));
  EXPECT_EQ(r.transport, HttpTransport::Other) << r.error;
  EXPECT_FALSE(r.error.empty());
}

TEST_F(AnHttpClient, AcceptsAnAnswerOfExactlyTheLimit) {
  HttpClientRequest r = request("/ok");
  r.maxResponseBytes = std::string(R"({"ok":true})").size();
  EXPECT_EQ(call(std::move(r)).transport, HttpTransport::Ok);
}

TEST_F(AnHttpClient, AbortsAnAnswerLongerThanTheLimitAsTooLarge) {
  for (const char* path : {"/ok", "/big", "/big-chunked"}) {
    HttpClientRequest r = request(path);
    r.maxResponseBytes = std::string(path) == "/ok" ? 10 : 1000;
    const HttpClientResponse answer = call(std::move(r));
    EXPECT_EQ(answer.transport, HttpTransport::TooLarge) << path << ": " << answer.error;
    EXPECT_EQ(answer.body, "") << path;
  }
}

TEST_F(AnHttpClient, CompletesTwoHundredConcurrentCallsOnOneThread) {
  constexpr int kCalls = 200;
  int ok = 0;
  int done = 0;
  bool otherThread = false;
  for (int i = 0; i < kCalls; ++i) {
    client_->post(request("/ok"), [&](HttpClientResponse r) {
      ++done;
      ok += r.transport == HttpTransport::Ok && r.status == 200 ? 1 : 0;
      otherThread |= std::this_thread::get_id() != testThread_;
    });
  }
  EXPECT_EQ(client_->inFlight(), static_cast<std::size_t>(kCalls));
  ASSERT_TRUE(runUntil([&] { return done == kCalls; }));
  EXPECT_EQ(ok, kCalls);
  EXPECT_FALSE(otherThread);
  EXPECT_EQ(client_->inFlight(), 0u);
  EXPECT_LE(server_.connections(), kCalls);
}

TEST_F(AnHttpClient, DeliversCancelledPromptlyWhenAStalledCallIsCancelled) {
  std::optional<HttpClientResponse> got;
  const auto id = client_->post(request("/stall"), [&](HttpClientResponse r) { got = r; });
  ASSERT_TRUE(runUntil([&] { return server_.requests() == 1; }));
  const auto cancelledAt = Clock::now();
  client_->cancel(id);
  EXPECT_FALSE(got.has_value());  // asynchronously, not from inside cancel()
  EXPECT_EQ(client_->inFlight(), 0u);
  ASSERT_TRUE(runUntil([&] { return got.has_value(); }, 1s));
  EXPECT_LT(Clock::now() - cancelledAt, 500ms);
  EXPECT_EQ(got->transport, HttpTransport::Cancelled);
  EXPECT_TRUE(runUntil([&] { return server_.hangUps() == 1; }));  // the connection is closed
}

TEST_F(AnHttpClient, CancelsEveryCallAndIgnoresUnknownIds) {
  std::vector<HttpTransport> got;
  for (int i = 0; i < 3; ++i) {
    client_->post(request("/stall"), [&](HttpClientResponse r) { got.push_back(r.transport); });
  }
  client_->cancel(12345);
  client_->cancelAll();
  EXPECT_EQ(client_->inFlight(), 0u);
  ASSERT_TRUE(runUntil([&] { return got.size() == 3; }));
  EXPECT_EQ(got, std::vector<HttpTransport>(3, HttpTransport::Cancelled));
}

TEST_F(AnHttpClient, CallsNoDoneWhenDestroyedWithCallsInFlight) {
  int dones = 0;
  for (int i = 0; i < 3; ++i)
    client_->post(request("/stall"), [&](HttpClientResponse) { ++dones; });
  client_->post(request("/ok"), [&](HttpClientResponse) { ++dones; });
  ASSERT_TRUE(runUntil([&] { return server_.requests() == 4; }));
  client_.reset();
  ASSERT_TRUE(runUntil([&] { return server_.hangUps() == 4; }));  // every socket closed
  io_.restart();
  io_.poll();  // anything the client left queued runs now
  EXPECT_EQ(dones, 0);
}

int openDescriptors() {
  return static_cast<int>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                                        std::filesystem::directory_iterator()));
}

TEST_F(AnHttpClient, LeavesNoDescriptorOpenOnceDestroyed) {
  client_.reset();
  const int before = openDescriptors();
  client_.emplace(io_);
  EXPECT_EQ(call(request("/ok")).status, 200);
  const auto stalled = client_->post(request("/stall"), [](HttpClientResponse) {});
  ASSERT_TRUE(runUntil([&] { return server_.requests() == 2; }));
  client_->cancel(stalled);
  client_->post(request("/stall"), [](HttpClientResponse) {});
  ASSERT_TRUE(runUntil([&] { return server_.requests() == 3; }));
  client_.reset();
  ASSERT_TRUE(runUntil([&] { return server_.hangUps() == server_.connections(); }));
  EXPECT_EQ(openDescriptors(), before);
}

TEST_F(AnHttpClient, RunsAPostMadeFromInsideDone) {
  std::optional<HttpClientResponse> second;
  client_->post(request("/busy"), [&](HttpClientResponse first) {
    EXPECT_EQ(first.status, 429);
    client_->post(request("/ok"), [&](HttpClientResponse r) { second = std::move(r); });
  });
  ASSERT_TRUE(runUntil([&] { return second.has_value(); }));
  EXPECT_EQ(second->status, 200);
  EXPECT_TRUE(second->reusedConnection);
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(AnHttpClient, MayBeDestroyedFromInsideDone) {
  int dones = 0;
  client_->post(request("/stall"), [&](HttpClientResponse) { ++dones; });
  client_->post(request("/ok"), [&](HttpClientResponse) {
    ++dones;
    client_.reset();
  });
  ASSERT_TRUE(runUntil([&] { return !client_.has_value(); }));
  ASSERT_TRUE(runUntil([&] { return server_.hangUps() == server_.connections(); }));
  io_.restart();
  io_.poll();
  EXPECT_EQ(dones, 1);
}

TEST_F(AnHttpClient, RefusesOtherSchemesWithoutConnectingAndNeverFromInsidePost) {
  for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/"}) {
    std::optional<HttpClientResponse> got;
    HttpClientRequest r;
    r.url = url;
    client_->post(std::move(r), [&](HttpClientResponse answer) { got = std::move(answer); });
    EXPECT_FALSE(got.has_value()) << url;
    ASSERT_TRUE(runUntil([&] { return got.has_value(); })) << url;
    EXPECT_EQ(got->transport, HttpTransport::Other) << url;
    EXPECT_FALSE(got->error.empty()) << url;
  }
}

TEST_F(AnHttpClient, RefusesAHeaderLineWithALineBreak) {
  HttpClientRequest r = request("/ok");
  r.headers.push_back("X-Note: a\r\nX-Admin: yes");
  const HttpClientResponse answer = call(std::move(r));
  EXPECT_EQ(answer.transport, HttpTransport::Other);
  EXPECT_EQ(server_.requests(), 0);
}

TEST(HttpTransportNames, ReadAsWords) {
  EXPECT_STREQ(toString(HttpTransport::Ok), "ok");
  EXPECT_STREQ(toString(HttpTransport::TooLarge), "too-large");
  EXPECT_STREQ(toString(HttpTransport::Other), "other");
}

}  // namespace
}  // namespace openclaw
