// Stand-ins for the outside parts the system tests need, one binary, two roles:
//
//   oc-standin gateway CONFIG PORT
//     An OpenClaw gateway as far as supervision can tell: refuses to start (exit 1) when
//     CONFIG does not parse or lacks /gateway/mode, as the real one does; otherwise answers
//     GET /healthz with 200 on 127.0.0.1:PORT until killed.
//   oc-standin telegram PORT LOG [N_429 [RETRY_AFTER]]
//     Telegram's Bot API as far as sendMessage goes: appends each request's line and body
//     to LOG (after the Unix time in ms; GETs are answered 404 and not logged), answers the first
//     N_429 requests 429 with parameters.retry_after, then 200.
//
// Deliberately simple and blocking: one connection at a time, Connection: close.
#include <utility>

#include <boost/asio.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "openclaw/durable_file.h"
#include "openclaw/json_text.h"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct Request {
  std::string line;
  std::string body;
};

Request readRequest(tcp::socket& s) {
  asio::streambuf buf;
  asio::read_until(s, buf, "\r\n\r\n");
  std::istream in(&buf);
  Request r;
  std::getline(in, r.line);
  std::size_t length = 0;
  for (std::string h; std::getline(in, h) && h != "\r";) {
    if (h.rfind("Content-Length:", 0) == 0 || h.rfind("content-length:", 0) == 0) {
      length = std::stoul(h.substr(15));
    }
  }
  r.body.assign(std::istreambuf_iterator<char>(in), {});
  if (r.body.size() < length) {
    std::string rest(length - r.body.size(), '\0');
    asio::read(s, asio::buffer(rest));
    r.body += rest;
  }
  return r;
}

void answer(tcp::socket& s, int status, const std::string& body) {
  const std::string text =
      "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Error") +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body;
  boost::system::error_code ec;
  asio::write(s, asio::buffer(text), ec);
}

tcp::acceptor listen(asio::io_context& io, unsigned short port) {
  tcp::acceptor a(io);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  a.open(ep.protocol());
  a.set_option(tcp::acceptor::reuse_address(true));
  a.bind(ep);
  a.listen();
  return a;
}

int gateway(const std::string& config, unsigned short port) {
  auto text = openclaw::readSmallFile(config, 1 << 20);
  if (!text) {
    std::cerr << "gateway: cannot read " << config << ": " << text.error() << "\n";
    return 1;
  }
  auto doc = openclaw::parseRelaxedJson(*text);
  if (!doc || !doc->contains(nlohmann::json::json_pointer("/gateway/mode"))) {
    std::cerr << "gateway: refusing to start: " << (doc ? "gateway.mode is not set" : doc.error())
              << "\n";
    return 1;
  }
  asio::io_context io;
  auto acceptor = listen(io, port);
  std::cout << "gateway: listening on 127.0.0.1:" << port << std::endl;
  for (;;) {
    tcp::socket s(io);
    acceptor.accept(s);
    try {
      const Request r = readRequest(s);
      answer(s, r.line.rfind("GET /healthz", 0) == 0 ? 200 : 404, "{\"ok\":true}");
    } catch (const std::exception&) {
      // A probe that connects and goes away (a tcp probe) is not an error.
    }
  }
}

int telegram(unsigned short port, const std::string& log, int first429, int retryAfter) {
  asio::io_context io;
  auto acceptor = listen(io, port);
  std::cout << "telegram: listening on 127.0.0.1:" << port << std::endl;
  // Only POSTs count and are logged: a readiness check (any GET) is answered and forgotten.
  for (int posts = 0;;) {
    tcp::socket s(io);
    acceptor.accept(s);
    try {
      const Request r = readRequest(s);
      if (r.line.rfind("POST ", 0) != 0) {
        answer(s, 404, "{}");
        continue;
      }
      const bool refuse = posts++ < first429;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
      std::ofstream(log, std::ios::app)
          << ms << (refuse ? " 429 " : " 200 ") << r.line.substr(0, r.line.find(" HTTP")) << " "
          << r.body << "\n";
      if (refuse) {
        answer(s, 429,
               nlohmann::json{
                   {"ok", false},
                   {"error_code", 429},
                   {"description", "Too Many Requests: retry after " + std::to_string(retryAfter)},
                   {"parameters", {{"retry_after", retryAfter}}}}
                   .dump());
      } else {
        answer(s, 200, R"({"ok":true,"result":{"message_id":1}})");
      }
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string role = argc > 1 ? argv[1] : "";
  if (role == "gateway" && argc == 4) {
    return gateway(argv[2], static_cast<unsigned short>(std::stoi(argv[3])));
  }
  if (role == "telegram" && argc >= 4) {
    return telegram(static_cast<unsigned short>(std::stoi(argv[2])), argv[3],
                    argc > 4 ? std::stoi(argv[4]) : 0, argc > 5 ? std::stoi(argv[5]) : 1);
  }
  std::cerr << "usage: oc-standin gateway CONFIG PORT | telegram PORT LOG [N_429 [RETRY_AFTER]]\n";
  return 2;
}
