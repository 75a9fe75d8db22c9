#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <thread>

#include "openclaw/daemon.h"
#include "openclaw/http_client.h"
#include "openclaw/life_token.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;

// A loopback server on its own loop and thread that reads a request and never answers: the
// daemon's loop holds nothing of it, so only the client's call is in flight there.
class SilentServer {
 public:
  SilentServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}), peer_(io_) {
    acceptor_.async_accept(peer_, [this](boost::system::error_code ec) {
      if (ec) return;
      peer_.async_read_some(boost::asio::buffer(input_),
                            [this](boost::system::error_code, std::size_t) { asked_ = true; });
    });
    thread_ = std::jthread([this] { io_.run(); });
  }
  ~SilentServer() {
    io_.stop();
    thread_.join();
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/stall";
  }
  bool asked() const { return asked_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::socket peer_;
  std::array<char, 1024> input_{};
  std::atomic<bool> asked_ = false;
  std::jthread thread_;
};

// A service with a timer an hour away and an HTTP call that is never answered.  It counts
// every callback of its own that runs after stop(): the contract says there are none.
class BusyService {
 public:
  BusyService(boost::asio::io_context& io, bool releasesTimer)
      : timer_(io), http_(io), releasesTimer_(releasesTimer) {}

  void start(const std::string& url) {
    timer_.expires_after(1h);
    timer_.async_wait(life_.guard([this](boost::system::error_code) { ran(); }));
    HttpClientRequest request;
    request.url = url;
    request.body = "{}";
    http_.post(request, life_.guard([this](const HttpClientResponse&) { ran(); }));
  }
  void stop() {
    stopped_ = true;
    if (releasesTimer_) timer_.cancel();
    http_.cancelAll();
    life_.renew();
  }
  bool calling() const { return http_.inFlight() > 0; }
  int ranAfterStop() const { return ranAfterStop_; }

 private:
  void ran() {
    if (stopped_) ++ranAfterStop_;
  }

  boost::asio::steady_timer timer_;
  HttpClient http_;
  bool releasesTimer_;
  bool stopped_ = false;
  int ranAfterStop_ = 0;
  LifeToken life_;
};

class ADaemonLoop : public ::testing::Test {
 protected:
  DaemonHooks hooksFor(BusyService& service) {
    DaemonHooks hooks;
    hooks.loadAndStart = [](const std::string&) { return ConfigIssues{}; };
    hooks.loadAndReload = [this](const std::string&) {
      ++reloads_;
      return ConfigIssues{};
    };
    hooks.status = [] { return std::string("busy"); };
    hooks.stop = [this, &service] {
      ++stops_;
      service.stop();
    };
    return hooks;
  }

  // Runs the loop until the server holds the service's request (the call is on the wire).
  bool runUntilAsked(const SilentServer& server) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server.asked() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(10ms);
    return server.asked();
  }

  boost::asio::io_context io_;
  Notifier notifier_{io_};
  DaemonContext ctx_{io_, notifier_, "test", "/nonexistent", systemClock()};
  int reloads_ = 0;
  int stops_ = 0;
};

TEST_F(ADaemonLoop, StopEndsTheLoopByItselfWithWorkInFlight) {
  SilentServer server;
  BusyService service(io_, /*releasesTimer=*/true);
  DaemonHooks hooks = hooksFor(service);
  DaemonLoop loop(ctx_, hooks, "unused.json", 5s);
  loop.listen();
  service.start(server.url());
  ASSERT_TRUE(runUntilAsked(server)) << "the call never reached the server";
  ASSERT_TRUE(service.calling());

  loop.stop("test");
  const auto before = std::chrono::steady_clock::now();
  io_.run();
  const auto took = std::chrono::steady_clock::now() - before;

  EXPECT_FALSE(loop.forced()) << "the bound had to end the loop";
  EXPECT_LT(took, 2s);
  EXPECT_EQ(service.ranAfterStop(), 0);
  EXPECT_FALSE(service.calling());
  EXPECT_EQ(stops_, 1);
}

TEST_F(ADaemonLoop, TheBoundEndsALoopTheServiceCannotRelease) {
  SilentServer server;
  BusyService service(io_, /*releasesTimer=*/false);  // its timer holds the loop for an hour
  DaemonHooks hooks = hooksFor(service);
  DaemonLoop loop(ctx_, hooks, "unused.json", 100ms);
  service.start(server.url());

  loop.stop("test");
  const auto before = std::chrono::steady_clock::now();
  io_.run();
  const auto took = std::chrono::steady_clock::now() - before;

  EXPECT_TRUE(loop.forced());
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(service.ranAfterStop(), 0);
}

TEST_F(ADaemonLoop, StopsOnceAndReloadsNoMoreOnceStopping) {
  SilentServer server;
  BusyService service(io_, /*releasesTimer=*/true);
  DaemonHooks hooks = hooksFor(service);
  DaemonLoop loop(ctx_, hooks, "unused.json", 5s);
  loop.reload();
  EXPECT_EQ(reloads_, 1);
  loop.stop("test");
  loop.stop("again");
  loop.reload();
  EXPECT_EQ(stops_, 1);
  EXPECT_EQ(reloads_, 1);
  io_.run();
  EXPECT_FALSE(loop.forced());
}

}  // namespace
}  // namespace openclaw
