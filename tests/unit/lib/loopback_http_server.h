// A scripted HTTP/1.1 server on 127.0.0.1 for the HTTP client's tests, on the test's own
// io_context (no thread).  What it does depends on the request path:
//   /ok          200, JSON body {"ok":true}, keep-alive    /echo   200, the request's body back
//   /ok-then-close  as /ok, then closes the connection (no Connection: close said)
//   /busy        429 with Retry-After: 7                   /moved  302 to /ok
//   /long-retry  429 with a 300-byte Retry-After           /stall  reads on, never answers
//   /reset       RST at once (SO_LINGER 0)                 /reset-mid  half an answer, then RST
//   /garbage     bytes that are not HTTP, then FIN
//   /big         4096-byte body with Content-Length        /big-chunked  the same, chunked
// It counts accepted connections, requests and connections the client hung up.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>
#include <vector>

namespace openclaw::testing {

class LoopbackHttpServer {
 public:
  static constexpr std::size_t kBigBodyBytes = 4096;

  explicit LoopbackHttpServer(boost::asio::io_context& io)
      : acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
  }
  ~LoopbackHttpServer() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->socket.close(ignored);
    }
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  int hangUps() const { return hangUps_; }
  const std::string& lastHead() const { return lastHead_; }
  const std::string& lastBody() const { return lastBody_; }

 private:
  struct Session {
    explicit Session(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
    boost::asio::ip::tcp::socket socket;
    std::string input;
    std::string output;
  };
  using SessionPtr = std::shared_ptr<Session>;

  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      ++connections_;
      auto session = std::make_shared<Session>(std::move(s));
      sessions_.push_back(session);
      readHead(session);
      accept();
    });
  }

  void readHead(const SessionPtr& session) {
    boost::asio::async_read_until(
        session->socket, boost::asio::dynamic_buffer(session->input), "\r\n\r\n",
        [this, session](boost::system::error_code ec, std::size_t headBytes) {
          if (ec) {
            if (ec != boost::asio::error::operation_aborted) ++hangUps_;
            return;
          }
          const std::size_t bodyBytes = contentLength(session->input.substr(0, headBytes));
          const std::size_t have = session->input.size() - headBytes;
          const std::size_t missing = bodyBytes > have ? bodyBytes - have : 0;
          boost::asio::async_read(
              session->socket, boost::asio::dynamic_buffer(session->input),
              boost::asio::transfer_exactly(missing),
              [this, session, headBytes, bodyBytes](boost::system::error_code ec, std::size_t) {
                if (ec) return;
                lastHead_ = session->input.substr(0, headBytes);
                lastBody_ = session->input.substr(headBytes, bodyBytes);
                session->input.erase(0, headBytes + bodyBytes);
                ++requests_;
                answer(session);
              });
        });
  }

  static std::size_t contentLength(const std::string& head) {
    std::string lower;
    for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 17));
  }

  void answer(const SessionPtr& session) {
    const std::string path = lastHead_.substr(5, lastHead_.find(' ', 5) - 5);  // after "POST "
    const std::string big(kBigBodyBytes, 'x');
    if (path == "/stall") return readHead(session);  // notices the hang-up, answers nothing
    if (path == "/reset") return reset(session);
    if (path == "/ok")
      return reply(session, "200 OK", "Content-Type: application/json", "{\"ok\":true}");
    if (path == "/ok-then-close") {
      return reply(session, "200 OK", "Content-Type: application/json", "{\"ok\":true}", false);
    }
    if (path == "/echo") return reply(session, "200 OK", "Content-Type: text/plain", lastBody_);
    if (path == "/busy") return reply(session, "429 Too Many Requests", "Retry-After: 7", "");
    if (path == "/long-retry") {
      return reply(session, "429 Too Many Requests", "Retry-After: " + std::string(300, '1'), "");
    }
    if (path == "/moved") return reply(session, "302 Found", "Location: /ok", "");
    if (path == "/big") return reply(session, "200 OK", "Content-Type: text/plain", big);
    if (path == "/garbage") return send(session, "\x01\x02 this is not HTTP \xff\r\n\r\n", false);
    if (path == "/reset-mid") {
      return send(session, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf", true);
    }
    if (path == "/big-chunked") {
      std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (int i = 0; i < 4; ++i) chunked += "400\r\n" + big.substr(0, 1024) + "\r\n";
      return send(session, chunked + "0\r\n\r\n", false, true);
    }
    reply(session, "404 Not Found", "Content-Type: text/plain", "no such path");
  }

  void reply(const SessionPtr& session, const std::string& status, const std::string& header,
             const std::string& body, bool keepAlive = true) {
    send(session,
         "HTTP/1.1 " + status + "\r\n" + header +
             "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
         false, keepAlive);
  }

  // Writes `bytes`, then resets, keeps the connection for the next request, or closes it.
  void send(const SessionPtr& session, std::string bytes, bool thenReset, bool keepAlive = false) {
    session->output = std::move(bytes);
    boost::asio::async_write(
        session->socket, boost::asio::buffer(session->output),
        [this, session, thenReset, keepAlive](boost::system::error_code ec, std::size_t) {
          if (ec) return;
          if (thenReset) return reset(session);
          if (keepAlive) return readHead(session);
          boost::system::error_code ignored;
          session->socket.shutdown(boost::asio::socket_base::shutdown_send, ignored);
        });
  }

  static void reset(const SessionPtr& session) {
    boost::system::error_code ignored;
    session->socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
    session->socket.close(ignored);
  }

  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::weak_ptr<Session>> sessions_;
  int connections_ = 0;
  int requests_ = 0;
  int hangUps_ = 0;
  std::string lastHead_;
  std::string lastBody_;
};

}  // namespace openclaw::testing
