#include "openclaw/docker_engine.h"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "openclaw/events.h"
#include "openclaw/log.h"

namespace openclaw {
namespace {

namespace http = boost::beast::http;
using boost::asio::local::stream_protocol;

// The API version both Docker 20.10+ and Podman 4 serve.
constexpr const char* kApiPrefix = "/v1.41";
// An answer larger than this is not one we asked for.
constexpr std::uint64_t kMaxBody = 4 << 20;

std::string engineMessage(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    return j["message"].get<std::string>();
  }
  return body.substr(0, 200);
}

// One request on its own connection; it keeps itself alive until it has answered once.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(boost::asio::io_context& io, std::string socketPath, DockerEngine::ReplyCallback done)
      : socket_(io), timer_(io), path_(std::move(socketPath)), done_(std::move(done)) {}

  void start(const std::string& method, const std::string& target, std::chrono::seconds limit) {
    request_.method_string(method);
    request_.target(kApiPrefix + target);
    request_.version(11);
    request_.set(http::field::host, "docker");
    request_.prepare_payload();
    parser_.body_limit(kMaxBody);
    auto self = shared_from_this();
    timer_.expires_after(limit);
    timer_.async_wait([self](const boost::system::error_code& ec) {
      if (ec) return;
      self->timedOut_ = true;
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    });
    socket_.async_connect(stream_protocol::endpoint(path_),
                          [self](const boost::system::error_code& ec) {
                            if (ec) return self->fail("not reachable", ec);
                            self->write();
                          });
  }

 private:
  void write() {
    auto self = shared_from_this();
    http::async_write(socket_, request_, [self](const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->fail("write failed", ec);
      self->read();
    });
  }

  void read() {
    auto self = shared_from_this();
    http::async_read(socket_, buffer_, parser_,
                     [self](const boost::system::error_code& ec, std::size_t) {
                       if (ec) return self->fail("answer unreadable", ec);
                       self->timer_.cancel();
                       const auto& res = self->parser_.get();
                       self->answer(DockerReply{res.result_int(), res.body()});
                     });
  }

  void fail(const char* what, const boost::system::error_code& ec) {
    timer_.cancel();
    const std::string why = timedOut_ ? "no answer in time" : ec.message();
    answer(Unexpected<std::string>{std::string("Docker engine ") + what + " at " + path_ + ": " +
                                   why});
  }

  void answer(const Expected<DockerReply, std::string>& reply) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(reply);
  }

  stream_protocol::socket socket_;
  boost::asio::steady_timer timer_;
  std::string path_;
  DockerEngine::ReplyCallback done_;
  http::request<http::empty_body> request_;
  boost::beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool timedOut_ = false;
};

}  // namespace

void DockerEngine::request(const std::string& method, const std::string& target,
                           std::chrono::seconds timeout, ReplyCallback done) {
  std::make_shared<Exchange>(io_, socket_, std::move(done))->start(method, target, timeout);
}

void DockerEngine::restartContainer(const std::string& name, int stopTimeoutSec,
                                    DoneCallback done) {
  // The engine waits up to t seconds for the stop, then starts: allow for both.
  request("POST", "/containers/" + name + "/restart?t=" + std::to_string(stopTimeoutSec),
          std::chrono::seconds(stopTimeoutSec + 60),
          [io = &io_, socket = socket_, name,
           done = std::move(done)](const Expected<DockerReply, std::string>& reply) mutable {
            if (!reply) return done(Unexpected<std::string>{reply.error()});
            if (reply->status == 204) return done(Ok{});
            if (reply->status == 404) {
              return done(Unexpected<std::string>{"no such container '" + name + "'"});
            }
            std::string why = "Docker engine answered " + std::to_string(reply->status) + ": " +
                              engineMessage(reply->body);
            if (reply->status < 500) return done(Unexpected<std::string>{why});
            // A restart can fail half-way: Podman answers 500 ("container state improper")
            // when the container exits on SIGTERM while it is about to kill it, and leaves it
            // stopped.  Start it: 204 means it was stopped and runs again; 304 means it was
            // running all along, so the restart did not happen.
            DockerEngine(*io, socket)
                .request("POST", "/containers/" + name + "/start", std::chrono::seconds(60),
                         [name, why, done = std::move(done)](
                             const Expected<DockerReply, std::string>& started) {
                           if (started && started->status == 204) {
                             Log::warning("restart of container " + name + " failed (" + why +
                                              "); it was stopped, so it was started",
                                          {{journal_key::kEvent, event::kDockerRestartStarted},
                                           {journal_key::kTarget, name}});
                             return done(Ok{});
                           }
                           done(Unexpected<std::string>{why});
                         });
          });
}

void DockerEngine::inspectContainer(const std::string& name, InspectCallback done) {
  request("GET", "/containers/" + name + "/json", std::chrono::seconds(30),
          [name, done = std::move(done)](const Expected<DockerReply, std::string>& reply) {
            if (!reply) return done(Unexpected<std::string>{reply.error()});
            if (reply->status == 404) {
              return done(Unexpected<std::string>{"no such container '" + name + "'"});
            }
            if (reply->status != 200) {
              return done(Unexpected<std::string>{"Docker engine answered " +
                                                  std::to_string(reply->status) + ": " +
                                                  engineMessage(reply->body)});
            }
            auto j = nlohmann::json::parse(reply->body, nullptr, false);
            if (j.is_discarded()) {
              return done(Unexpected<std::string>{"Docker engine answered non-JSON"});
            }
            done(j);
          });
}

}  // namespace openclaw
