// A small HTTP/1.1 server on the daemon's io_context (Boost.Beast), for the bridge's REST.
//
// It serves on a listening socket systemd handed over (socket activation) or one it binds
// itself.  Each connection gets a deadline per request and a body limit, so a slow or
// hostile client costs a bounded amount; a chunked body is refused with 411 once the header
// is read, so Boost 1.74's chunk decoder never runs (it asserts on a final chunk that
// arrives in pieces, fixed in later Boost); answers come from a handler that is a pure
// function of the request.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bridge_routes.h"
#include "openclaw/result.h"

namespace openclaw::bridge {

class HttpServer {
 public:
  using Handler = std::function<HttpAnswer(const HttpRequestView&)>;

  HttpServer(boost::asio::io_context& io, Handler handler);

  // Serves on an already listening socket (from sd_listen_fds); takes ownership.
  Result<Ok> adopt(int listenFd);
  // Binds and listens on "address:port" (port 0: any free port, see localPort()).
  Result<Ok> listen(const std::string& addressPort);
  void stop();

  unsigned short localPort() const;
  std::uint64_t served() const { return served_; }

 private:
  void accept(boost::asio::ip::tcp::acceptor& acceptor);

  boost::asio::io_context& io_;
  Handler handler_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::uint64_t served_ = 0;
};

// What a connection does with one request, apart from the socket: exposed so that raw bytes
// can be fed through the same parser and answer (fuzz/).
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
// Sets the limits every request is read with.
void limitRequest(RequestParser& parser);
// Once the header is read: the answer that ends the connection before any of the body is
// read (411 for a chunked body), or nothing when the body is to be read.
std::optional<HttpResponse> refuseBeforeBody(const RequestParser& parser);
// The answer to a complete request, as it is written back.
HttpResponse respond(const HttpRequest& request, const HttpServer::Handler& handler);

}  // namespace openclaw::bridge
