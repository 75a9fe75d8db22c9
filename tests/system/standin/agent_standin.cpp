// A remote agent as far as openclaw-vps-bridge can tell, for system tests and the benchmark.
//
//   oc-agent-standin PORT [--token T] [--name N]
//
// Listens on 127.0.0.1:PORT (0: any free port) and prints the port on stdout's first line.
// Agent calls (counted in /hits):
//   POST /v1/chat/completions  openai: {"model","messages":[{"role","content"}..]} -> a
//     chat.completion whose message is "<N> heard: <last user content>"; the number of
//     messages is in the header X-History-Length and the field "history_length".
//   POST /call  json: {"prompt","session_id","history"} -> {"response":"<N> heard: <prompt>",
//     "history_length":<len of history>,"session_id":<as sent>}.
//   With --token, a call without "Authorization: Bearer T" is answered 401 (by_mode
//   "unauthorized") and does not use up a failure mode.  A body that does not parse, or lacks
//   the prompt / a user message, is answered 400 (by_mode "invalid").
// Control (no token needed):
//   POST /control {"mode": "ok|500|503|429|401|403|404|400|stall|reset|garbage|slow|bad-json",
//     "count": N (the next N calls, then ok; -1, the default, until changed),
//     "retry_after": "2" (Retry-After on 429 and 503), "delay_ms": M (slow; default 0)}.
//     stall reads the request and never answers, keeping the socket open while the peer does;
//     reset closes with RST; garbage writes bytes that are not HTTP and closes; bad-json is a
//     200 application/json that does not parse; slow answers ok after delay_ms.
//   GET /hits -> {"total","by_mode":{mode: n},"last_authorization_ok","last_body"} (last_body
//     of the last call: its JSON, or its text if it does not parse); POST /hits/reset.
// A heartbeat receiver (healthchecks.io's convention), also without a token:
//   POST /hc/<anything> -> 200 "OK", recorded; GET /hc-log -> [{"path","body"}..], the
//     last kMaxBeats of them, oldest first.
// Bounds: a body over 1 MiB gets 413, a chunked one 411, both closing the connection.  One
// thread, asynchronous, keep-alive; handlers catch everything, so no request stops the loop.
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "openclaw/json_text.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

// The contract's bound on a request body.
constexpr std::size_t kBodyLimit = 1 << 20;
// A test asking for more than ten minutes of delay has a bug, not a slow agent.
constexpr long kMaxDelayMs = 600'000;
// After a refused request: time for the peer to read the answer before the socket goes.
constexpr std::chrono::seconds kLingerBeforeClose{2};
// After a failed accept (EMFILE): not spinning, yet back soon.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
constexpr std::string_view kModes[] = {"ok",  "500",   "503",   "429",     "401",  "403",     "404",
                                       "400", "stall", "reset", "garbage", "slow", "bad-json"};

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The failure the next calls get.
struct FailurePlan {
  std::string mode = "ok";
  long count = 0;
  std::string retryAfter;
  long delayMs = 0;

  std::string take() {
    if (mode == "ok" || count == 0) return "ok";
    const std::string taken = mode;
    if (count > 0 && --count == 0) mode = "ok";
    return taken;
  }
};

struct Beat {
  std::string path;
  std::string body;
};

// Pings kept for GET /hc-log: a test reads them as they come.
constexpr std::size_t kMaxBeats = 1000;

struct Standin {
  std::vector<Beat> beats;
  std::string name = "standin";
  std::string token;
  FailurePlan plan;
  std::uint64_t total = 0;
  std::map<std::string, std::uint64_t> byMode;
  bool lastAuthorizationOk = false;
  json lastBody;
};

// What a connection does once a request is read.
struct Action {
  enum Kind { kAnswer, kAnswerLater, kStall, kReset, kGarbage } kind = kAnswer;
  Response response;
  long delayMs = 0;
};

Response answer(unsigned status, const json& body) {
  Response r{static_cast<http::status>(status), 11};
  r.set(http::field::server, "oc-agent-standin");
  r.set(http::field::content_type, "application/json");
  r.body() = openclaw::toJsonText(body);
  return r;
}

Response failure(unsigned status, const std::string& why) {
  return answer(status, {{"error", {{"message", why}, {"type", "standin"}}}});
}

const std::string* stringAt(const json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// The json protocol's answer, or nothing when the request is not one.
std::optional<Response> answerJsonCall(const Standin& s, const json& body) {
  const std::string* prompt = body.is_object() ? stringAt(body, "prompt") : nullptr;
  if (prompt == nullptr) return std::nullopt;
  const auto history = body.find("history");
  if (history != body.end() && !history->is_array() && !history->is_null()) return std::nullopt;
  const std::size_t length = history != body.end() && history->is_array() ? history->size() : 0;
  json out = {{"response", s.name + " heard: " + *prompt}, {"history_length", length}};
  if (const std::string* sid = stringAt(body, "session_id")) out["session_id"] = *sid;
  Response r = answer(200, out);
  r.set("X-History-Length", std::to_string(length));
  return r;
}

// The openai protocol's answer, or nothing when there is no user message to answer.
std::optional<Response> answerChat(const Standin& s, const json& body) {
  const auto messages = body.is_object() ? body.find("messages") : body.end();
  if (!body.is_object() || messages == body.end() || !messages->is_array()) return std::nullopt;
  const std::string* heard = nullptr;
  for (const json& m : *messages) {
    const std::string* role = m.is_object() ? stringAt(m, "role") : nullptr;
    if (role != nullptr && *role == "user" && stringAt(m, "content") != nullptr) {
      heard = stringAt(m, "content");
    }
  }
  if (heard == nullptr) return std::nullopt;
  const std::size_t n = messages->size();
  const std::string* model = stringAt(body, "model");
  // usage counts messages, not tokens: the bridge only passes it on.
  Response r = answer(
      200, {{"id", "chatcmpl-standin-" + std::to_string(s.total)},
            {"object", "chat.completion"},
            {"model", model != nullptr ? *model : "standin"},
            {"choices",
             json::array(
                 {{{"index", 0},
                   {"message", {{"role", "assistant"}, {"content", s.name + " heard: " + *heard}}},
                   {"finish_reason", "stop"}}})},
            {"usage", {{"prompt_tokens", n}, {"completion_tokens", 1}, {"total_tokens", n + 1}}},
            {"history_length", n}});
  r.set("X-History-Length", std::to_string(n));
  return r;
}

Action agentCall(Standin& s, const Request& req, bool openai) {
  ++s.total;
  const json body = json::parse(req.body(), nullptr, false);
  s.lastBody = body.is_discarded() ? json(req.body()) : body;
  s.lastAuthorizationOk = s.token.empty() || req[http::field::authorization] == "Bearer " + s.token;
  Action a;
  if (!s.lastAuthorizationOk) {
    ++s.byMode["unauthorized"];
    a.response = failure(401, "missing or wrong Authorization: Bearer token");
    a.response.set(http::field::www_authenticate, "Bearer");
    return a;
  }
  const std::string mode = s.plan.take();
  if (mode == "ok" || mode == "slow") {
    auto ok = openai ? answerChat(s, body) : answerJsonCall(s, body);
    ++s.byMode[ok ? mode : "invalid"];
    a.response = ok ? std::move(*ok) : failure(400, openai ? "no user message" : "no prompt");
    a.kind = ok && mode == "slow" ? Action::kAnswerLater : Action::kAnswer;
    a.delayMs = s.plan.delayMs;
    return a;
  }
  ++s.byMode[mode];
  if (mode == "stall") a.kind = Action::kStall;
  if (mode == "reset") a.kind = Action::kReset;
  if (mode == "garbage") a.kind = Action::kGarbage;
  if (mode == "bad-json") {
    a.response = answer(200, nullptr);
    a.response.body() = "{\"response\": \"cut off";
  } else if (a.kind == Action::kAnswer) {
    const unsigned status = static_cast<unsigned>(std::stoul(mode));
    a.response = failure(status, "stand-in failure mode " + mode);
    if ((status == 429 || status == 503) && !s.plan.retryAfter.empty()) {
      a.response.set(http::field::retry_after, s.plan.retryAfter);
    }
  }
  return a;
}

Response control(Standin& s, const std::string& text) {
  const json doc = json::parse(text, nullptr, false);
  const std::string* mode = doc.is_object() ? stringAt(doc, "mode") : nullptr;
  if (mode == nullptr ||
      std::find(std::begin(kModes), std::end(kModes), *mode) == std::end(kModes)) {
    return failure(400,
                   "mode must be one of ok|500|503|429|401|403|404|400|stall|reset|garbage|"
                   "slow|bad-json");
  }
  FailurePlan plan;
  plan.mode = *mode;
  plan.count = -1;
  const auto get = [&](const char* key) { return doc.contains(key) ? doc[key] : json(); };
  if (const json c = get("count"); c.is_number_integer()) plan.count = c.get<long>();
  if (const json d = get("delay_ms"); d.is_number_integer()) {
    plan.delayMs = std::clamp(d.get<long>(), 0L, kMaxDelayMs);
  }
  if (const json r = get("retry_after"); r.is_string() || r.is_number_integer()) {
    plan.retryAfter = r.is_string() ? r.get<std::string>() : std::to_string(r.get<long>());
  }
  s.plan = plan;
  return answer(200, {{"mode", plan.mode},
                      {"count", plan.count},
                      {"retry_after", plan.retryAfter},
                      {"delay_ms", plan.delayMs}});
}

Action handle(Standin& s, const Request& req) {
  std::string_view target(req.target().data(), req.target().size());
  target = target.substr(0, target.find('?'));
  const bool post = req.method() == http::verb::post;
  Action a;
  if ((target == "/call" || target == "/v1/chat/completions") && post) {
    return agentCall(s, req, target != "/call");
  } else if (target == "/control" && post) {
    a.response = control(s, req.body());
  } else if (target == "/hits" && req.method() == http::verb::get) {
    a.response = answer(200, {{"total", s.total},
                              {"by_mode", s.byMode},
                              {"last_authorization_ok", s.lastAuthorizationOk},
                              {"last_body", s.lastBody}});
  } else if (target.starts_with("/hc/") && post) {
    if (s.beats.size() >= kMaxBeats) s.beats.erase(s.beats.begin());
    s.beats.push_back({std::string(target), req.body().substr(0, 4096)});
    a.response = Response(http::status::ok, req.version());
    a.response.set(http::field::content_type, "text/plain");
    a.response.body() = "OK";
    a.response.prepare_payload();
  } else if (target == "/hc-log" && req.method() == http::verb::get) {
    json log = json::array();
    for (const auto& b : s.beats) log.push_back({{"path", b.path}, {"body", b.body}});
    a.response = answer(200, log);
  } else if (target == "/hits/reset" && post) {
    s.total = 0;
    s.byMode.clear();
    s.lastAuthorizationOk = false;
    s.lastBody = nullptr;
    a.response = answer(200, {{"reset", true}});
  } else {
    a.response = failure(404, "no such endpoint");
  }
  return a;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Standin& standin)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), standin_(standin) {}

  void start() {
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    readHeader();
  }

 private:
  void readHeader() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->refuse(ec);
                              // Boost 1.74's chunk decoder has asserts a test should not meet.
                              if (self->parser_->chunked()) {
                                return self->write(failure(411, "send a Content-Length"), true);
                              }
                              self->readBody();
                            });
  }

  void readBody() {
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->refuse(ec);
                       self->serve();
                     });
  }

  // A request that could not be read: answered when it broke a bound, else dropped.
  void refuse(beast::error_code ec) {
    if (ec == http::error::body_limit) return write(failure(413, "body over 1 MiB"), true);
    if (ec == http::error::header_limit) return write(failure(431, "header too large"), true);
    if (ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream) {
      return write(failure(400, "not HTTP/1.1: " + ec.message()), true);
    }
    beast::error_code ignored;
    socket_.close(ignored);
  }

  void serve() {
    Action a;
    try {
      a = handle(standin_, parser_->get());
    } catch (const std::exception& e) {
      a.response = failure(500, std::string("stand-in error: ") + e.what());
    }
    const bool close = !parser_->get().keep_alive();
    switch (a.kind) {
      case Action::kAnswer:
        return write(std::move(a.response), close);
      case Action::kAnswerLater:
        timer_.expires_after(std::chrono::milliseconds(a.delayMs));
        return timer_.async_wait(
            [self = shared_from_this(), r = std::move(a.response),
             close](beast::error_code) mutable { self->write(std::move(r), close); });
      case Action::kStall:
        return drain();
      case Action::kReset: {
        beast::error_code ignored;
        socket_.set_option(asio::socket_base::linger(true, 0), ignored);
        socket_.close(ignored);
        return;
      }
      case Action::kGarbage:
        return asio::async_write(socket_, asio::buffer(kGarbage),
                                 [self = shared_from_this()](beast::error_code, std::size_t) {
                                   beast::error_code ignored;
                                   self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
                                   self->socket_.close(ignored);
                                 });
    }
  }

  void write(Response response, bool close) {
    response_ = std::move(response);
    response_.keep_alive(!close);
    response_.prepare_payload();
    http::async_write(socket_, response_,
                      [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (!close) return self->readHeader();
                        // Half-close and read what the peer still sends, so that an unread
                        // body does not turn the close into an RST before the answer is read.
                        beast::error_code ignored;
                        self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        self->timer_.expires_after(kLingerBeforeClose);
                        self->timer_.async_wait([self](beast::error_code) {
                          beast::error_code ignored;
                          self->socket_.close(ignored);
                        });
                        self->drain();
                      });
  }

  // Reads and discards until the peer closes: the connection lives as long as the peer's end.
  void drain() {
    socket_.async_read_some(asio::buffer(sink_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec) return self->drain();
                              self->timer_.cancel();
                            });
  }

  static constexpr std::string_view kGarbage = "\x16\x03\x01 this is not HTTP \xff\xfe\r\n\r\n";

  tcp::socket socket_;
  asio::steady_timer timer_;
  Standin& standin_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  std::array<char, 4096> sink_{};
};

void accept(tcp::acceptor& acceptor, asio::steady_timer& retry, Standin& standin) {
  acceptor.async_accept([&](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      std::make_shared<Connection>(std::move(socket), standin)->start();
      return accept(acceptor, retry, standin);
    }
    retry.expires_after(kAcceptRetryDelay);
    retry.async_wait([&](beast::error_code) { accept(acceptor, retry, standin); });
  });
}

// PORT [--token T] [--name N], in any order; -1 when they do not read so.
long parseArgs(int argc, char** argv, Standin& standin) {
  long port = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--token" || arg == "--name") && i + 1 < argc) {
      (arg == "--token" ? standin.token : standin.name) = argv[++i];
    } else if (port < 0 && !arg.empty() && arg.size() <= 5 &&
               arg.find_first_not_of("0123456789") == std::string::npos &&
               std::stol(arg) <= 65535) {
      port = std::stol(arg);
    } else {
      return -1;
    }
  }
  return port;
}

}  // namespace

int main(int argc, char** argv) {
  Standin standin;
  const long port = parseArgs(argc, argv, standin);
  if (port < 0) {
    std::cerr << "usage: oc-agent-standin PORT [--token T] [--name N]\n";
    return 2;
  }
  asio::io_context io(1);
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), static_cast<unsigned short>(port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "oc-agent-standin: cannot listen on 127.0.0.1:" << port << ": " << ec.message()
              << "\n";
    return 1;
  }
  std::cout << acceptor.local_endpoint().port() << std::endl;
  asio::steady_timer retry(io);
  accept(acceptor, retry, standin);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { io.stop(); });
  io.run();
  return 0;
}
