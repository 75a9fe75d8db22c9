#include "openclaw/health_probe.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <charconv>
#include <string_view>

#include "openclaw/child_process.h"

namespace openclaw {
namespace {

namespace http = boost::beast::http;
using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kHttpScheme = "http://";
constexpr std::string_view kHttpsScheme = "https://";
// What a plain URL without a port means.
constexpr std::uint16_t kDefaultHttpPort = 80;

Unexpected<std::string> refuse(std::string why) {
  return {std::move(why)};
}

// "host:port" or "[v6]:port"; a missing port takes `defaultPort`, or is an error when 0.
Expected<ProbeEndpoint, std::string> parseAuthority(std::string_view text,
                                                    std::uint16_t defaultPort,
                                                    const std::string& whole) {
  ProbeEndpoint endpoint;
  std::string_view rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return refuse("'" + whole + "' has an unclosed '['");
    endpoint.host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
  } else {
    const auto colon = text.find(':');
    endpoint.host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (endpoint.host.empty()) return refuse("'" + whole + "' names no host");
  if (rest.empty()) {
    if (defaultPort == 0) return refuse("'" + whole + "' names no port (host:port)");
    endpoint.port = defaultPort;
    return endpoint;
  }
  unsigned port = 0;
  const auto digits = rest.substr(1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (rest[0] != ':' || digits.empty() || ec != std::errc{} ||
      end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return refuse("'" + whole + "' has no valid port (1-65535)");
  }
  endpoint.port = static_cast<std::uint16_t>(port);
  return endpoint;
}

// Error texts begin with a capital ("Connection refused"); a detail is a phrase.
std::string phrase(const boost::system::error_code& ec) {
  std::string text = ec.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string timedOutDetail(std::chrono::milliseconds limit) {
  return "timed out after " + std::to_string(limit.count()) + " ms";
}

}  // namespace

Expected<ProbeEndpoint, std::string> parseHttpProbeUrl(const std::string& url) {
  const std::string_view text(url);
  if (text.starts_with(kHttpsScheme)) {
    return refuse("https probes are not supported; use tcp or exec");
  }
  if (!text.starts_with(kHttpScheme)) return refuse("'" + url + "' is not an http:// URL");
  const auto rest = text.substr(kHttpScheme.size());
  const auto slash = rest.find('/');
  auto endpoint = parseAuthority(rest.substr(0, slash), kDefaultHttpPort, url);
  if (endpoint && slash != std::string_view::npos) endpoint->target = rest.substr(slash);
  return endpoint;
}

Expected<ProbeEndpoint, std::string> parseTcpProbeAddress(const std::string& address) {
  return parseAuthority(address, 0, address);
}

// One probe; pending handlers keep it alive, the handle only cancels it.
class ProbeRun : public std::enable_shared_from_this<ProbeRun> {
 public:
  ProbeRun(boost::asio::io_context& io, std::chrono::milliseconds timeout, ProbeCallback done)
      : io_(io),
        resolver_(io),
        socket_(io),
        timer_(io),
        timeout_(timeout),
        done_(std::move(done)) {}

  void start(const ProbeSpec& spec) {
    const int kinds = !spec.http.empty() + !spec.tcp.empty() + !spec.exec.empty();
    if (kinds != 1) return finishSoon("a probe sets exactly one of http, tcp, exec");
    if (!spec.exec.empty()) return startCommand(spec.exec);
    http_ = !spec.http.empty();
    auto endpoint = http_ ? parseHttpProbeUrl(spec.http) : parseTcpProbeAddress(spec.tcp);
    if (!endpoint) return finishSoon(endpoint.error());
    endpoint_ = std::move(endpoint.value());
    armDeadline();
    connect();
  }

  void cancel() {
    done_ = nullptr;
    finished_ = true;
    command_.reset();
    closeAll();
  }

 private:
  // The command has its own timeout and kills its process group when it passes.
  void startCommand(const std::vector<std::string>& argv) {
    // `this` is safe: the callback lives in command_, which this object owns.
    command_ = runCommand(io_, argv, {}, timeout_, [this](const CommandResult& result) {
      finish(result.ok(), result.timedOut ? timedOutDetail(timeout_) : result.describe());
    });
  }

  void armDeadline() {
    timer_.expires_after(timeout_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->finish(false, timedOutDetail(self->timeout_));
    });
  }

  // A numeric address needs no lookup; only names go through the resolver.
  void connect() {
    boost::system::error_code notNumeric;
    const auto address = boost::asio::ip::make_address(endpoint_.host, notNumeric);
    auto self = shared_from_this();
    if (!notNumeric) {
      socket_.async_connect(tcp::endpoint(address, endpoint_.port),
                            [self](const boost::system::error_code& ec) { self->onConnect(ec); });
      return;
    }
    resolver_.async_resolve(
        endpoint_.host, std::to_string(endpoint_.port),
        [self](const boost::system::error_code& ec, const tcp::resolver::results_type& found) {
          if (ec) return self->fail("cannot resolve '" + self->endpoint_.host + "'", ec);
          boost::asio::async_connect(self->socket_, found,
                                     [self](const boost::system::error_code& ec,
                                            const tcp::endpoint&) { self->onConnect(ec); });
        });
  }

  void onConnect(const boost::system::error_code& ec) {
    if (ec) return fail("", ec);
    if (!http_) return finish(true, "connected");
    request_.method(http::verb::get);
    request_.target(endpoint_.target);
    request_.version(11);
    request_.set(http::field::host, hostHeader());
    request_.set(http::field::user_agent, "openclaw-health-probe");
    request_.set(http::field::connection, "close");
    http::async_write(
        socket_, request_,
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec) return self->fail("no HTTP answer", ec);
          self->readStatus();
        });
  }

  // The status decides; the body is never read, so its size cannot matter, and the header
  // is bounded by the parser's header limit.
  void readStatus() {
    http::async_read_header(
        socket_, buffer_, parser_,
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec) return self->fail("no HTTP answer", ec);
          const unsigned status = self->parser_.get().result_int();
          self->finish(status >= 200 && status < 300, "HTTP " + std::to_string(status));
        });
  }

  std::string hostHeader() const {
    const bool v6 = endpoint_.host.find(':') != std::string::npos;
    std::string host = v6 ? "[" + endpoint_.host + "]" : endpoint_.host;
    if (endpoint_.port != kDefaultHttpPort) host += ":" + std::to_string(endpoint_.port);
    return host;
  }

  void fail(const std::string& what, const boost::system::error_code& ec) {
    finish(false, what.empty() ? phrase(ec) : what + ": " + phrase(ec));
  }

  // `done` runs on the loop even for a spec that is refused at once.
  void finishSoon(std::string detail) {
    boost::asio::post(io_, [self = shared_from_this(), detail = std::move(detail)] {
      self->finish(false, detail);
    });
  }

  void finish(bool healthy, std::string detail) {
    if (finished_) return;
    finished_ = true;
    // `done` may destroy the handle, the only other owner.
    auto self = shared_from_this();
    closeAll();
    const auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(ProbeResult{healthy, std::move(detail), took});
  }

  void closeAll() {
    timer_.cancel();
    resolver_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  boost::asio::io_context& io_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds timeout_;
  ProbeCallback done_;
  Clock::time_point started_ = Clock::now();
  ProbeEndpoint endpoint_;
  bool http_ = false;
  bool finished_ = false;
  std::unique_ptr<RunningCommand> command_;
  http::request<http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  http::response_parser<http::empty_body> parser_;
};

RunningProbe::~RunningProbe() {
  run_->cancel();
}

std::unique_ptr<RunningProbe> runProbe(boost::asio::io_context& io, const ProbeSpec& spec,
                                       ProbeCallback done) {
  auto run = std::make_shared<ProbeRun>(io, spec.timeout, std::move(done));
  run->start(spec);
  return std::make_unique<RunningProbe>(std::move(run));
}

}  // namespace openclaw
