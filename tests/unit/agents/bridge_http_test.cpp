// The bridge's HTTP server over real loopback sockets: the gate decides on the header before
// any of the body is read, answers may come later, and every bound holds (chunked bodies,
// oversize bodies, the connection cap).
#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "bridge_api.h"
#include "http_server.h"

namespace openclaw::bridge {
namespace {

using tcp = boost::asio::ip::tcp;

// A server whose gate wants "Bearer tok" and whose handler answers later (posted), echoing
// the body's length, on a loop of its own until destroyed.
class LoopbackServer {
 public:
  explicit LoopbackServer(ServerLimits limits = {})
      : server_(io_, ServerHooks{[](const HttpRequestView& r) -> std::optional<HttpAnswer> {
                                   if (r.authorization == "Bearer tok") return std::nullopt;
                                   return HttpAnswer{401, R"({"error":"token"})", std::nullopt};
                                 },
                                 [this](const HttpRequestView& r, Reply reply) {
                                   ++handled_;
                                   const std::string body = nlohmann::json{
                                       {"length", r.body.size()},
                                       {"id", std::string(
                                                  r.requestId)}}.dump();
                                   boost::asio::post(io_, [reply, body] {
                                     reply({200, body, std::nullopt});
                                   });
                                 }}) {
    server_.setLimits(limits);
    listening_ = server_.listen("127.0.0.1:0").ok();
    loop_ = std::thread([this] {
      auto guard = boost::asio::make_work_guard(io_);
      io_.run();
    });
  }
  ~LoopbackServer() {
    boost::asio::post(io_, [this] { server_.stop(); });
    io_.stop();
    loop_.join();
  }
  bool listening() const { return listening_; }
  unsigned short port() const { return server_.localPort(); }
  int handled() const { return handled_.load(); }
  std::size_t connections() {
    std::promise<std::size_t> p;
    boost::asio::post(io_, [&] { p.set_value(server_.connections()); });
    return p.get_future().get();
  }

 private:
  boost::asio::io_context io_;
  HttpServer server_;
  bool listening_ = false;
  std::atomic<int> handled_{0};
  std::thread loop_;
};

// A blocking client connection with a deadline on every read.
class Client {
 public:
  explicit Client(unsigned short port) : socket_(io_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    connected_ = !ec;
    timeval tv{10, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
  }
  // Everything until the server closes (or 10 s pass).
  std::string readAll() {
    std::string out;
    boost::system::error_code ec;
    boost::asio::read(socket_, boost::asio::dynamic_buffer(out), ec);
    return out;
  }
  // One answer on a kept-alive connection: up to the end of its body.
  std::string readAnswer() {
    std::string out;
    char buf[4096];
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec) return out;
      out.append(buf, n);
      const auto end = out.find("\r\n\r\n");
      const auto len = out.find("Content-Length: ");
      if (end != std::string::npos && len != std::string::npos &&
          out.size() >= end + 4 + std::stoul(out.substr(len + 16))) {
        return out;
      }
    }
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  bool connected_ = false;
};

std::string post(const std::string& auth, const std::string& body, const std::string& extra = "") {
  return "POST /api/vps/call HTTP/1.1\r\nHost: x\r\n" + auth + extra +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST(BridgeGate, RefusesEveryRequestWithoutTheRightBearerToken) {
  BridgeParts parts;
  parts.token = "s3cret";
  auto status = [&](const char* auth) {
    const auto answer = gate({"GET", "/api/vps/status", auth, "", ""}, parts);
    return answer ? answer->status : 200u;
  };
  EXPECT_EQ(status(""), 401u);
  EXPECT_EQ(status("Bearer wrong!"), 401u);
  EXPECT_EQ(status("Bearer s3cre"), 401u);
  EXPECT_EQ(status("Basic s3cret"), 401u);
  EXPECT_EQ(status("Bearer s3cret"), 200u);
  parts.token.clear();
  EXPECT_EQ(status("Bearer "), 503u);
}

TEST(BridgeHttpServer, AnswersLaterOverARealSocketAndEchoesTheRequestId) {
  LoopbackServer server;
  ASSERT_TRUE(server.listening());
  Client client(server.port());
  ASSERT_TRUE(client.connected());
  client.send(post("Authorization: Bearer tok\r\n", R"({"a":1})", "X-Request-Id: abc-1\r\n"));
  const std::string first = client.readAnswer();
  EXPECT_EQ(first.rfind("HTTP/1.1 200 ", 0), 0u) << first;
  EXPECT_NE(first.find("X-Request-Id: abc-1"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("length":7)"), std::string::npos) << first;
  // Kept alive: a second request on the same connection, with an id made by the server.
  client.send(post("Authorization: Bearer tok\r\n", "{}", "X-Request-Id: not plain!\r\n"));
  const std::string second = client.readAnswer();
  EXPECT_EQ(second.rfind("HTTP/1.1 200 ", 0), 0u) << second;
  EXPECT_EQ(second.find("not plain"), std::string::npos) << second;
  EXPECT_NE(second.find("X-Request-Id: "), std::string::npos) << second;
  EXPECT_EQ(server.handled(), 2);
}

// `bytes` sent on a fresh connection to a fresh server: the answer starts with `statusLine`
// and the handler never saw the request.
void expectRefusedBeforeTheHandler(const std::string& bytes, const std::string& statusLine) {
  LoopbackServer server;
  ASSERT_TRUE(server.listening());
  Client client(server.port());
  client.send(bytes);
  const std::string answer = client.readAll();
  EXPECT_EQ(answer.rfind(statusLine, 0), 0u) << answer.substr(0, 300);
  EXPECT_EQ(server.handled(), 0);
}

TEST(BridgeHttpServer, RefusesAWrongTokenBeforeReadingAnyOfTheBody) {
  // The header promises a megabyte that never comes: the answer must not wait for it.
  expectRefusedBeforeTheHandler(
      "POST /api/vps/call HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
      "Content-Length: 1000000\r\n\r\n",
      "HTTP/1.1 401 ");
}

TEST(BridgeHttpServer, RefusesABodyOverTheLimitWith413) {
  expectRefusedBeforeTheHandler(
      post("Authorization: Bearer tok\r\n", std::string((1 << 20) + 1, 'x')), "HTTP/1.1 413 ");
}

TEST(BridgeHttpServer, AnswersAChunkedRequest411AndCloses) {
  // Found by the HTTP request fuzz target: Boost 1.74's chunk decoder asserts when a final
  // chunk arrives in pieces; the server no longer hands it a chunked body at all.
  expectRefusedBeforeTheHandler(
      "GET /api/vps/status HTTP/1.1\r\nAuthorization: Bearer tok\r\nConnection: close\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "HTTP/1.1 411 ");
}

TEST(BridgeHttpServer, AnswersAConnectionOverTheCap503WithRetryAfter) {
  LoopbackServer server(ServerLimits{2});
  ASSERT_TRUE(server.listening());
  Client a(server.port()), b(server.port());
  // Both held open: wait (with a deadline) until the server has counted them.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server.connections() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(server.connections(), 2u);
  Client c(server.port());
  c.send(post("Authorization: Bearer tok\r\n", "{}"));
  const std::string answer = c.readAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 503 ", 0), 0u) << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos) << answer;
  EXPECT_EQ(server.handled(), 0);
}

TEST(ABridgeRequest, WithAChunkedBodyIsRefusedBeforeTheBodyIsRead) {
  RequestParser parser;
  limitRequest(parser);
  const std::string_view bytes =
      "POST /api/vps/call HTTP/1.1\r\nAuthorization: Bearer t\r\nTransfer-Encoding: "
      "chunked\r\n\r\n";
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  ASSERT_TRUE(parser.is_header_done());
  const auto refusal = refuseBeforeBody(parser, ServerHooks{});
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->result_int(), 411u);
  EXPECT_FALSE(refusal->keep_alive());
  EXPECT_TRUE(nlohmann::json::accept(refusal->body()));
}

}  // namespace
}  // namespace openclaw::bridge
