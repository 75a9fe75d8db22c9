// A small HTTP/1.1 server on the daemon's io_context (Boost.Beast), for the bridge's REST.
//
// It serves on a listening socket systemd handed over (socket activation) or one it binds
// itself.  Each request is decided in two steps: `gate` sees the header alone and may answer
// before a byte of the body is read (the token check: a client without the token cannot make
// the bridge buffer a megabyte), then `handle` gets the whole request and answers whenever it
// is ready through `Reply` (a call to a remote agent takes seconds; the loop goes on).
//
// Bounded for a hostile or broken client: a deadline per request, a body limit, at most
// `maxConnections` connections (past that a connection is answered 503 with Retry-After and
// closed; past twice that it is closed at once), and a chunked body refused with 411 once the
// header is read, so Boost 1.74's chunk decoder never runs (it asserts on a final chunk that
// arrives in pieces, fixed in later Boost).  Each request carries an id: the client's
// X-Request-Id when it is short and plain, else one made here; it is echoed in the answer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclaw/result.h"

namespace openclaw::bridge {

struct HttpRequestView {
  std::string_view method;  // "GET"
  std::string_view target;  // "/api/vps/status?x=1"
  std::string_view authorization;
  std::string_view body;  // empty when the gate is asked
  std::string_view requestId;
};

// What a client refused for load (the connection cap, the calls-in-flight cap, a call cut
// short by a stop) is told to wait: calls end within seconds, and the caps free with them.
inline constexpr unsigned kBusyRetryAfterSec = 1;

struct HttpAnswer {
  unsigned status = 200;
  std::string body;  // JSON
  std::optional<unsigned> retryAfterSec;
};

// Answers a request once, on the loop, now or later.
using Reply = std::function<void(HttpAnswer)>;

struct ServerHooks {
  std::function<std::optional<HttpAnswer>(const HttpRequestView&)> gate;
  std::function<void(const HttpRequestView&, Reply)> handle;
};

struct ServerLimits {
  std::size_t maxConnections = 256;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerHooks hooks);
  ~HttpServer();

  // Serves on an already listening socket (from sd_listen_fds); takes ownership.
  Result<Ok> adopt(int listenFd);
  // Binds and listens on "address:port" (port 0: any free port, see localPort()).
  Result<Ok> listen(const std::string& addressPort);
  void setLimits(ServerLimits limits);
  // Stops accepting and closes every idle connection; an answer still pending is written
  // when it comes, and its connection ends after it.
  void stop();

  unsigned short localPort() const;
  std::uint64_t served() const;
  std::size_t connections() const;
  std::uint64_t refusedConnections() const;

  struct Shared;

 private:
  void accept(boost::asio::ip::tcp::acceptor& acceptor);

  boost::asio::io_context& io_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
};

// What a connection does with one request, apart from the socket: exposed so that raw bytes
// can be fed through the same parser and answers (fuzz/).
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
// Sets the limits every request is read with.
void limitRequest(RequestParser& parser);
// Once the header is read: the answer that ends the connection before any of the body is
// read (411 for a chunked body, or what the gate says), or nothing when the body is to be read.
std::optional<HttpResponse> refuseBeforeBody(const RequestParser& parser, const ServerHooks& hooks);
// The request as the hooks see it (the view points into `request` and `requestId`).
HttpRequestView viewOf(const HttpRequest& request, std::string_view requestId);
// The id a request is known by: the client's X-Request-Id when it is 1-64 of [A-Za-z0-9._-],
// else a new one.
std::string requestIdOf(const HttpRequest& request);
// An answer as it is written back, for a request of `version`.
HttpResponse toResponse(HttpAnswer answer, unsigned version, bool keepAlive,
                        std::string_view requestId);

}  // namespace openclaw::bridge
