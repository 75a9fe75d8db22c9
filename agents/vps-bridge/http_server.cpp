#include "http_server.h"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <random>
#include <set>

namespace openclaw::bridge {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

class Connection;

struct HttpServer::Shared {
  explicit Shared(boost::asio::io_context& io) : sweep(io) {}
  ServerHooks hooks;
  // One coarse timer for every connection's deadline: a timer per read and write costs a
  // timerfd_settime each time the earliest one changes, which at tens of thousands of
  // requests a second was a fifth of the daemon's time.
  boost::asio::steady_timer sweep;
  bool sweeping = false;
  ServerLimits limits;
  std::set<Connection*> live;
  std::uint64_t served = 0;
  std::uint64_t refused = 0;
  bool stopped = false;
};

namespace {

// Requests are small JSON documents; a prompt over 1 MiB is a mistake or an attack.
constexpr std::size_t kBodyLimit = 1 << 20;
// Long enough for a slow client on a bad link, short enough that idle sockets go away.
constexpr std::chrono::seconds kRequestDeadline{30};
// After a failed accept (EMFILE, ENOBUFS): long enough not to spin, short enough to recover.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// How often deadlines are looked at: a slow client gets its deadline plus at most this.
constexpr std::chrono::seconds kSweepInterval{1};
// A client-chosen id is echoed into the journal: short and plain only.
constexpr std::size_t kMaxRequestIdBytes = 64;

HttpAnswer jsonError(unsigned status, std::string_view message) {
  std::string body = R"({"success":false,"error":")";
  body += message;  // callers pass fixed ASCII text
  body += "\"}";
  return {status, std::move(body), std::nullopt};
}

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::Shared> shared)
      : socket_(std::move(socket)), shared_(std::move(shared)) {
    shared_->live.insert(this);
  }
  ~Connection() { shared_->live.erase(this); }

  // `busy`: over the connection cap, the first request is answered 503 and the connection ends.
  void start(bool busy) {
    busy_ = busy;
    read();
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  // The header first: whether the body is read at all is decided on it.
  void read() {
    parser_.emplace();
    requestId_.clear();
    limitRequest(*parser_);
    deadline_ = std::chrono::steady_clock::now() + kRequestDeadline;
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              // A Content-Length over the limit fails the header itself.
                              if (ec == http::error::body_limit) return self->tooLarge();
                              if (ec) return self->close();
                              self->onHeader();
                            });
  }

  void onHeader() {
    requestId_ = requestIdOf(parser_->get());
    if (busy_) {
      HttpAnswer busy = jsonError(503, "too many connections: try again shortly");
      busy.retryAfterSec = kBusyRetryAfterSec;
      return write(toResponse(std::move(busy), parser_->get().version(), false, requestId_));
    }
    if (auto refusal = refuseBeforeBody(*parser_, shared_->hooks)) {
      refusal->set("X-Request-Id", requestId_);
      return write(std::move(*refusal));
    }
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == http::error::body_limit) return self->tooLarge();
                       if (ec) return self->close();
                       self->onRequest();
                     });
  }

  // Over the body limit, found on the header (its Content-Length) or while reading the body.
  void tooLarge() {
    if (requestId_.empty()) requestId_ = requestIdOf(parser_->get());
    write(toResponse(jsonError(413, "the body is over 1 MiB"), parser_->get().version(), false,
                     requestId_));
  }

  void onRequest() {
    request_ = parser_->release();
    deadline_.reset();  // the answer may take the call's whole deadline
    const HttpRequestView view = viewOf(request_, requestId_);
    auto self = shared_from_this();
    handling_ = true;
    shared_->hooks.handle(view, [self](HttpAnswer answer) {
      self->handling_ = false;
      if (!self->socket_.is_open()) return;
      if (self->shared_->stopped) return self->writeNow(std::move(answer));
      self->write(toResponse(std::move(answer), self->request_.version(),
                             self->request_.keep_alive(), self->requestId_));
    });
  }

  // A stopping server's loop ends at once, so an answer that comes then (a call cut short
  // says so) is written before returning: a few hundred bytes into an empty socket buffer.
  void writeNow(HttpAnswer answer) {
    HttpResponse response = toResponse(std::move(answer), request_.version(), false, requestId_);
    ++shared_->served;
    beast::error_code ignored;
    http::write(socket_, response, ignored);
    close();
  }

  void write(HttpResponse response) {
    response_.emplace(std::move(response));
    ++shared_->served;
    deadline_ = std::chrono::steady_clock::now() + kRequestDeadline;
    http::async_write(socket_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_->keep_alive() || self->shared_->stopped) {
                          return self->close();
                        }
                        self->read();
                      });
  }

 public:
  // Waiting for its answer: a stopping server lets it be written.
  bool handling() const { return handling_; }
  // Whether its deadline has passed (the server's sweep closes it then).
  bool expired(std::chrono::steady_clock::time_point now) const {
    return deadline_ && *deadline_ < now;
  }

 private:
  tcp::socket socket_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::shared_ptr<HttpServer::Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  HttpRequest request_;
  std::optional<HttpResponse> response_;
  std::string requestId_;
  bool busy_ = false;
  bool handling_ = false;
};

namespace {

// Closes the connections whose deadline has passed, every kSweepInterval while any is open.
void sweepLater(const std::shared_ptr<HttpServer::Shared>& shared) {
  if (shared->sweeping || shared->stopped || shared->live.empty()) return;
  shared->sweeping = true;
  shared->sweep.expires_after(kSweepInterval);
  shared->sweep.async_wait([shared](boost::system::error_code ec) {
    shared->sweeping = false;
    if (ec || shared->stopped) return;
    const auto now = std::chrono::steady_clock::now();
    std::vector<Connection*> late;
    for (Connection* c : shared->live) {
      if (c->expired(now)) late.push_back(c);
    }
    for (Connection* c : late) c->close();
    sweepLater(shared);
  });
}

}  // namespace

void limitRequest(RequestParser& parser) {
  parser.body_limit(kBodyLimit);
}

HttpRequestView viewOf(const HttpRequest& request, std::string_view requestId) {
  const auto auth = request[http::field::authorization];
  return {std::string_view(request.method_string().data(), request.method_string().size()),
          std::string_view(request.target().data(), request.target().size()),
          std::string_view(auth.data(), auth.size()), std::string_view(request.body()), requestId};
}

std::string requestIdOf(const HttpRequest& request) {
  const auto given = request["X-Request-Id"];
  const bool plain =
      !given.empty() && given.size() <= kMaxRequestIdBytes &&
      std::all_of(given.begin(), given.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  if (plain) return std::string(given.data(), given.size());
  // Unique within a run and unlikely to repeat across restarts: a random prefix per process.
  static const std::string prefix = [] {
    std::random_device rd;
    char text[9];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(rd()));
    return std::string(text);
  }();
  static std::uint64_t next = 0;
  return prefix + "-" + std::to_string(++next);
}

std::optional<HttpResponse> refuseBeforeBody(const RequestParser& parser,
                                             const ServerHooks& hooks) {
  const auto& request = parser.get();
  // A chunked body is refused (RFC 9112 allows 411 for a body without a Content-Length): the
  // bridge's clients send small JSON documents with a length, and Boost 1.74's chunk decoder
  // asserts on a final chunk that arrives in pieces and bounds no chunk header's length.
  if (parser.chunked()) {
    return toResponse(jsonError(411, "a request body needs a Content-Length"), request.version(),
                      false, "");
  }
  if (!hooks.gate) return std::nullopt;
  auto answer = hooks.gate(viewOf(request, ""));
  if (!answer) return std::nullopt;
  // The body was not read: the connection cannot be reused.
  return toResponse(std::move(*answer), request.version(), false, "");
}

HttpResponse toResponse(HttpAnswer answer, unsigned version, bool keepAlive,
                        std::string_view requestId) {
  HttpResponse response(static_cast<http::status>(answer.status), version);
  response.set(http::field::server, "openclaw-vps-bridge");
  response.set(http::field::content_type, "application/json");
  if (!requestId.empty()) response.set("X-Request-Id", std::string(requestId));
  if (answer.retryAfterSec)
    response.set(http::field::retry_after, std::to_string(*answer.retryAfterSec));
  response.keep_alive(keepAlive);
  response.body() = std::move(answer.body);
  response.prepare_payload();
  return response;
}

HttpServer::HttpServer(boost::asio::io_context& io, ServerHooks hooks)
    : io_(io), shared_(std::make_shared<Shared>(io)) {
  shared_->hooks = std::move(hooks);
}

HttpServer::~HttpServer() {
  stop();
}

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

void HttpServer::setLimits(ServerLimits limits) {
  shared_->limits = limits;
}

void HttpServer::accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([this, &acceptor](boost::system::error_code ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || shared_->stopped) return;
    if (!ec) {
      const std::size_t live = shared_->live.size();
      const std::size_t cap = shared_->limits.maxConnections;
      if (live >= 2 * cap) {
        // Far over the cap: even reading a header is more than this client gets.
        ++shared_->refused;
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        if (live >= cap) ++shared_->refused;
        std::make_shared<Connection>(std::move(socket), shared_)->start(live >= cap);
        sweepLater(shared_);
      }
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

std::uint64_t HttpServer::served() const {
  return shared_->served;
}

std::size_t HttpServer::connections() const {
  return shared_->live.size();
}

std::uint64_t HttpServer::refusedConnections() const {
  return shared_->refused;
}

void HttpServer::stop() {
  shared_->stopped = true;
  shared_->sweep.cancel();
  for (auto& a : acceptors_) {
    boost::system::error_code ignored;
    a->cancel(ignored);
    a->close(ignored);
  }
  // Closing cancels each connection's pending read or write; its handler then lets it go.
  // One waiting for its answer is left to write it (the owner ends its work on stop).
  const std::vector<Connection*> live(shared_->live.begin(), shared_->live.end());
  for (Connection* c : live) {
    if (!c->handling()) c->close();
  }
}

}  // namespace openclaw::bridge
