#include "http_server.h"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace openclaw::bridge {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

// Requests are small JSON documents; a prompt over 1 MiB is a mistake or an attack.
constexpr std::size_t kBodyLimit = 1 << 20;
// Long enough for a slow client on a bad link, short enough that idle sockets go away.
constexpr std::chrono::seconds kRequestDeadline{30};
// After a failed accept (EMFILE, ENOBUFS): long enough not to spin, short enough to recover.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const HttpServer::Handler& handler, std::uint64_t& served)
      : stream_(std::move(socket)), handler_(handler), served_(served) {}

  void start() { read(); }

 private:
  // The header first: whether the body is read at all is decided on it.
  void read() {
    parser_.emplace();
    limitRequest(*parser_);
    stream_.expires_after(kRequestDeadline);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              if (auto refusal = refuseBeforeBody(*self->parser_)) {
                                return self->write(std::move(*refusal));
                              }
                              self->readBody();
                            });
  }

  void readBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->write(respond(self->parser_->get(), self->handler_));
                     });
  }

  void write(HttpResponse response) {
    response_.emplace(std::move(response));
    ++served_;
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<HttpResponse> response_;
  const HttpServer::Handler& handler_;
  std::uint64_t& served_;
};

}  // namespace

void limitRequest(RequestParser& parser) {
  parser.body_limit(kBodyLimit);
}

std::optional<HttpResponse> refuseBeforeBody(const RequestParser& parser) {
  // A chunked body is refused (RFC 9112 allows 411 for a body without a Content-Length): the
  // bridge's clients send small JSON documents with a length, and Boost 1.74's chunk decoder
  // asserts on a final chunk that arrives in pieces and bounds no chunk header's length.
  if (!parser.chunked()) return std::nullopt;
  HttpResponse response(http::status::length_required, parser.get().version());
  response.set(http::field::server, "openclaw-vps-bridge");
  response.set(http::field::content_type, "application/json");
  response.keep_alive(false);
  response.body() = R"({"error":"a request body needs a Content-Length"})";
  response.prepare_payload();
  return response;
}

HttpResponse respond(const HttpRequest& request, const HttpServer::Handler& handler) {
  const auto auth = request[http::field::authorization];
  const HttpRequestView view{
      std::string_view(request.method_string().data(), request.method_string().size()),
      std::string_view(request.target().data(), request.target().size()),
      std::string_view(auth.data(), auth.size())};
  HttpAnswer answer = handler(view);
  HttpResponse response(static_cast<http::status>(answer.status), request.version());
  response.set(http::field::server, "openclaw-vps-bridge");
  response.set(http::field::content_type, "application/json");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(answer.body);
  response.prepare_payload();
  return response;
}

HttpServer::HttpServer(boost::asio::io_context& io, Handler handler)
    : io_(io), handler_(std::move(handler)) {}

Result<Ok> HttpServer::adopt(int listenFd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(listenFd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return fromErrno();
  const tcp protocol = addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4();
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  boost::system::error_code ec;
  acceptor->assign(protocol, listenFd, ec);
  if (ec) return Unexpected<std::error_code>{std::error_code(ec.value(), std::system_category())};
  accept(*acceptor);
  acceptors_.push_back(std::move(acceptor));
  return Ok{};
}

Result<Ok> HttpServer::listen(const std::string& addressPort) {
  const auto colon = addressPort.rfind(':');
  boost::system::error_code ec;
  std::string host = addressPort.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return fromErrno(EINVAL);
  int port = 0;
  try {
    port = std::stoi(addressPort.substr(colon + 1));
  } catch (const std::exception&) {
    return fromErrno(EINVAL);
  }
  if (port < 0 || port > 65535) return fromErrno(EINVAL);
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Unexpected<std::error_code>{std::error_code(ec.value(), std::system_category())};
  accept(*acceptor);
  acceptors_.push_back(std::move(acceptor));
  return Ok{};
}

void HttpServer::accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([this, &acceptor](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (!ec) {
      std::make_shared<Connection>(std::move(socket), handler_, served_)->start();
      accept(acceptor);
      return;
    }
    // Out of descriptors or memory: retrying at once would spin; give the loop a breath.
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, kAcceptRetryDelay);
    timer->async_wait([this, &acceptor, timer](boost::system::error_code waitEc) {
      if (!waitEc) accept(acceptor);
    });
  });
}

unsigned short HttpServer::localPort() const {
  if (acceptors_.empty()) return 0;
  boost::system::error_code ec;
  return acceptors_.front()->local_endpoint(ec).port();
}

void HttpServer::stop() {
  for (auto& a : acceptors_) {
    boost::system::error_code ignored;
    a->cancel(ignored);
  }
}

}  // namespace openclaw::bridge
