// A loopback stand-in for Telegram's Bot API (and any JSON receiver: a webhook), for unit
// tests of the outbox and the alerter:
// speaks just enough HTTP/1.1 for libcurl, answers from a script, records every request.
// It proves the client's behaviour over a real socket; it is not Telegram.
#pragma once

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace openclaw::testing {

using boost::asio::ip::tcp;

struct Answer {
  int status;
  std::string body;
  std::string headers = "";  // extra header lines, each ending in \r\n
};
struct SeenRequest {
  std::string target;
  nlohmann::json body;
  std::string headers;  // the request's header block, as sent
  std::chrono::steady_clock::time_point at;
};

inline const Answer kOk{200, R"({"ok":true,"result":{}})"};

// Speaks just enough HTTP/1.1 for libcurl: one request per connection, answered from
// `script` in order (the last answer repeats), every request recorded.
class FakeTelegram {
 public:
  FakeTelegram(boost::asio::io_context& io, std::vector<Answer> script, unsigned short port = 0)
      : acceptor_(io), script_(std::move(script)) {
    const tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(at.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen();
    accept();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::string apiUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }
  const std::vector<SeenRequest>& seen() const { return seen_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      serve(std::make_shared<tcp::socket>(std::move(socket)));
      accept();
    });
  }

  void serve(std::shared_ptr<tcp::socket> s) {
    auto in = std::make_shared<std::string>();
    boost::asio::async_read_until(
        *s, boost::asio::dynamic_buffer(*in), "\r\n\r\n",
        [this, s, in](boost::system::error_code ec, std::size_t headerEnd) {
          if (ec) return;
          const auto cl = in->find("Content-Length: ");
          const std::size_t length = cl < headerEnd ? std::stoul(in->substr(cl + 16)) : 0;
          const std::size_t have = in->size() - headerEnd;
          auto done = [this, s, in, headerEnd](boost::system::error_code e, std::size_t) {
            if (!e) {
              answer(s, in->substr(0, in->find(' ', 5)).substr(5), in->substr(0, headerEnd),
                     in->substr(headerEnd));
            }
          };
          if (have >= length) return done({}, 0);
          boost::asio::async_read(*s, boost::asio::dynamic_buffer(*in),
                                  boost::asio::transfer_exactly(length - have), done);
        });
  }

  void answer(std::shared_ptr<tcp::socket> s, std::string target, std::string headers,
              const std::string& body) {
    seen_.push_back({std::move(target), nlohmann::json::parse(body, nullptr, false),
                     std::move(headers), std::chrono::steady_clock::now()});
    const Answer& a = script_.empty() ? kOk : script_[std::min(seen_.size(), script_.size()) - 1];
    auto out = std::make_shared<std::string>(
        "HTTP/1.1 " + std::to_string(a.status) +
        " Scripted\r\nContent-Type: application/json\r\nConnection: close\r\n" + a.headers +
        "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n" + a.body);
    boost::asio::async_write(*s, boost::asio::buffer(*out), [s, out](auto, auto) {
      boost::system::error_code ignored;
      s->shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  tcp::acceptor acceptor_;
  std::vector<Answer> script_;
  std::vector<SeenRequest> seen_;
};

}  // namespace openclaw::testing
