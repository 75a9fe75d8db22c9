// runProbe against real loopback sockets and real commands: a tiny HTTP server in the test
// answers a canned response, or accepts and stays silent; closed ports refuse.
#include "openclaw/health_probe.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::tcp;

const auto kLoopback = boost::asio::ip::make_address("127.0.0.1");

// Accepts one connection on 127.0.0.1 and answers its request with `response`; with an empty
// response it stays silent and notices when the client hangs up.
class CannedHttpServer {
 public:
  CannedHttpServer(boost::asio::io_context& io, std::string response)
      : acceptor_(io, tcp::endpoint(kLoopback, 0)), socket_(io), response_(std::move(response)) {
    acceptor_.async_accept(socket_, [this](const boost::system::error_code& ec) {
      if (ec) return;
      accepted_ = true;
      boost::asio::async_read_until(
          socket_, boost::asio::dynamic_buffer(request_), "\r\n\r\n",
          [this](const boost::system::error_code& ec, std::size_t) { onRequest(ec); });
    });
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  const std::string& request() const { return request_; }
  bool accepted() const { return accepted_; }
  bool clientHungUp() const { return hungUp_; }

 private:
  void onRequest(const boost::system::error_code& ec) {
    if (ec) {
      hungUp_ = true;
      return;
    }
    if (response_.empty()) {
      boost::asio::async_read(
          socket_, boost::asio::dynamic_buffer(rest_),
          [this](const boost::system::error_code&, std::size_t) { hungUp_ = true; });
      return;
    }
    boost::asio::async_write(socket_, boost::asio::buffer(response_),
                             [this](const boost::system::error_code&, std::size_t) {
                               boost::system::error_code ignored;
                               socket_.close(ignored);
                             });
  }

  tcp::acceptor acceptor_;
  tcp::socket socket_;
  std::string response_;
  std::string request_;
  std::string rest_;
  bool accepted_ = false;
  bool hungUp_ = false;
};

// A loopback port nothing listens on: bound once to get a free number, then closed.
std::uint16_t closedPort(boost::asio::io_context& io) {
  tcp::acceptor probe(io, tcp::endpoint(kLoopback, 0));
  return probe.local_endpoint().port();
}

std::string url(std::uint16_t port, const std::string& target = "/healthz") {
  return "http://127.0.0.1:" + std::to_string(port) + target;
}

ProbeSpec httpProbe(const std::string& url, std::chrono::milliseconds timeout = 5000ms) {
  ProbeSpec spec;
  spec.http = url;
  spec.timeout = timeout;
  return spec;
}

ProbeSpec tcpProbe(const std::string& address) {
  ProbeSpec spec;
  spec.tcp = address;
  return spec;
}

ProbeSpec execProbe(std::vector<std::string> argv, std::chrono::milliseconds timeout = 5000ms) {
  ProbeSpec spec;
  spec.exec = std::move(argv);
  spec.timeout = timeout;
  return spec;
}

ProbeResult probe(boost::asio::io_context& io, const ProbeSpec& spec) {
  std::optional<ProbeResult> result;
  auto running = runProbe(io, spec, [&](const ProbeResult& r) {
    EXPECT_FALSE(result) << "callback ran twice";
    result = r;
  });
  EXPECT_TRUE(runUntil(
      io, [&] { return result.has_value(); }, 10s));
  return result.value_or(ProbeResult{false, "no result", {}});
}

TEST(HealthProbe, IsHealthyWhenTheServerAnswers200) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  const auto result = probe(io, httpProbe(url(server.port())));
  EXPECT_TRUE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 200");
  EXPECT_EQ(server.request().rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << server.request();
  EXPECT_NE(server.request().find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << server.request();
}

TEST(HealthProbe, IsUnhealthyWhenTheServerAnswers503) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
  const auto result = probe(io, httpProbe(url(server.port())));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "HTTP 503");
}

TEST(HealthProbe, JudgesByStatusWithoutReadingALargeBody) {
  boost::asio::io_context io;
  const std::string body(200000, 'x');
  CannedHttpServer server(io, "HTTP/1.1 204 No Content\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body);
  const auto result = probe(io, httpProbe(url(server.port(), "/")));
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_EQ(result.detail, "HTTP 204");
}

TEST(HealthProbe, ResolvesLocalhost) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  const auto result = probe(io, httpProbe("http://localhost:" + std::to_string(server.port())));
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_EQ(server.request().rfind("GET / HTTP/1.1\r\n", 0), 0u) << server.request();
}

TEST(HealthProbe, TimesOutOnAServerThatNeverAnswers) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "");
  const auto result = probe(io, httpProbe(url(server.port()), 300ms));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "timed out after 300 ms");
  EXPECT_GE(result.took, 300ms);
  EXPECT_LT(result.took, 2000ms);
  EXPECT_TRUE(server.accepted());
}

TEST(HealthProbe, FailsQuicklyWhenTheConnectionIsRefused) {
  boost::asio::io_context io;
  const auto result = probe(io, httpProbe(url(closedPort(io)), 5000ms));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "connection refused");
  EXPECT_LT(result.took, 1000ms);
}

TEST(HealthProbe, RefusesHttps) {
  boost::asio::io_context io;
  const auto result = probe(io, httpProbe("https://127.0.0.1:443/"));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "https probes are not supported; use tcp or exec");
}

TEST(HealthProbe, RefusesASpecWithoutExactlyOneKind) {
  boost::asio::io_context io;
  EXPECT_FALSE(probe(io, {}).healthy);
  auto both = tcpProbe("127.0.0.1:1");
  both.exec = {"/bin/true"};
  EXPECT_EQ(probe(io, both).detail, "a probe sets exactly one of http, tcp, exec");
}

TEST(HealthProbe, TcpIsHealthyWhenSomethingListens) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "");
  const auto result = probe(io, tcpProbe("127.0.0.1:" + std::to_string(server.port())));
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_EQ(result.detail, "connected");
}

TEST(HealthProbe, TcpIsUnhealthyOnAClosedPort) {
  boost::asio::io_context io;
  const auto result = probe(io, tcpProbe("127.0.0.1:" + std::to_string(closedPort(io))));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "connection refused");
}

TEST(HealthProbe, ExecIsHealthyWhenTheCommandExitsZero) {
  boost::asio::io_context io;
  const auto result = probe(io, execProbe({"/bin/true"}));
  EXPECT_TRUE(result.healthy) << result.detail;
  EXPECT_EQ(result.detail, "exit 0");
}

TEST(HealthProbe, ExecIsUnhealthyWhenTheCommandFails) {
  boost::asio::io_context io;
  const auto result = probe(io, execProbe({"/bin/false"}));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "exit 1");
}

TEST(HealthProbe, ExecTimesOutLikeTheOtherKinds) {
  boost::asio::io_context io;
  const auto result = probe(io, execProbe({"sleep", "30"}, 300ms));
  EXPECT_FALSE(result.healthy);
  EXPECT_EQ(result.detail, "timed out after 300 ms");
}

TEST(HealthProbe, ClosesTheConnectionAndNeverCallsBackWhenTheHandleIsDropped) {
  boost::asio::io_context io;
  CannedHttpServer server(io, "");
  bool called = false;
  auto running =
      runProbe(io, httpProbe(url(server.port())), [&](const ProbeResult&) { called = true; });
  ASSERT_TRUE(runUntil(
      io, [&] { return server.accepted(); }, 10s));
  running.reset();
  EXPECT_TRUE(runUntil(
      io, [&] { return server.clientHungUp(); }, 10s));
  io.poll();
  EXPECT_FALSE(called);
}

TEST(HealthProbeUrl, SplitsHostPortAndTarget) {
  const auto endpoint = parseHttpProbeUrl("http://127.0.0.1:18789/healthz?full=1");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, 18789);
  EXPECT_EQ(endpoint->target, "/healthz?full=1");
}

TEST(HealthProbeUrl, DefaultsToPort80AndTheRoot) {
  const auto endpoint = parseHttpProbeUrl("http://gateway");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "gateway");
  EXPECT_EQ(endpoint->port, 80);
  EXPECT_EQ(endpoint->target, "/");
}

TEST(HealthProbeUrl, AcceptsABracketedIpv6Address) {
  const auto endpoint = parseHttpProbeUrl("http://[::1]:8080/x");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 8080);
}

TEST(HealthProbeUrl, RefusesWhatItCannotProbe) {
  EXPECT_EQ(parseHttpProbeUrl("https://x/").error(),
            "https probes are not supported; use tcp or exec");
  EXPECT_FALSE(parseHttpProbeUrl("ftp://x/").ok());
  EXPECT_FALSE(parseHttpProbeUrl("http://:80/").ok());
  EXPECT_FALSE(parseHttpProbeUrl("http://x:0/").ok());
  EXPECT_FALSE(parseHttpProbeUrl("http://x:65536/").ok());
  EXPECT_FALSE(parseHttpProbeUrl("http://x:80a/").ok());
}

TEST(HealthProbeUrl, RequiresAPortForTcp) {
  EXPECT_FALSE(parseTcpProbeAddress("localhost").ok());
  const auto endpoint = parseTcpProbeAddress("localhost:22");
  ASSERT_TRUE(endpoint.ok()) << endpoint.error();
  EXPECT_EQ(endpoint->host, "localhost");
  EXPECT_EQ(endpoint->port, 22);
}

}  // namespace
}  // namespace openclaw
