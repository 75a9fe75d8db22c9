// DockerEngine against a local socket that answers like an engine: the restart that Podman
// fails half-way ("container state improper") is finished with a start.
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>

#include "openclaw/docker_engine.h"

namespace openclaw {
namespace {

using boost::asio::local::stream_protocol;

// Answers each request by its first line ("POST /v1.41/containers/x/start"), and keeps them.
class FakeEngine {
 public:
  FakeEngine(boost::asio::io_context& io, std::map<std::string, std::string> answers)
      : io_(io), answers_(std::move(answers)) {
    char tmpl[] = "/tmp/openclaw-docker-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    acceptor_ = std::make_unique<stream_protocol::acceptor>(
        io_, stream_protocol::endpoint(dir_ + "/docker.sock"));
    accept();
  }
  ~FakeEngine() { std::filesystem::remove_all(dir_); }
  std::string socket() const { return dir_ + "/docker.sock"; }
  std::vector<std::string> asked;

 private:
  void accept() {
    auto peer = std::make_shared<stream_protocol::socket>(io_);
    acceptor_->async_accept(*peer, [this, peer](const boost::system::error_code& ec) {
      if (ec) return;
      auto in = std::make_shared<boost::asio::streambuf>();
      boost::asio::async_read_until(
          *peer, *in, "\r\n\r\n",
          [this, peer, in](const boost::system::error_code& e, std::size_t) {
            if (e) return;
            std::string head(boost::asio::buffers_begin(in->data()),
                             boost::asio::buffers_end(in->data()));
            const std::string line = head.substr(0, head.find(" HTTP/"));
            asked.push_back(line);
            auto it = answers_.find(line);
            const std::string status = it == answers_.end() ? "404 Not Found" : it->second;
            const std::string body = status.starts_with("500") ? R"({"message":"improper"})" : "";
            const std::string reply = "HTTP/1.1 " + status +
                                      "\r\nContent-Length: " + std::to_string(body.size()) +
                                      "\r\nConnection: close\r\n\r\n" + body;
            boost::asio::write(*peer, boost::asio::buffer(reply));
          });
      accept();
    });
  }

  boost::asio::io_context& io_;
  std::map<std::string, std::string> answers_;
  std::string dir_;
  std::unique_ptr<stream_protocol::acceptor> acceptor_;
};

// Runs a restart of "bot" and returns its result once it has come.
std::optional<Expected<Ok, std::string>> restart(boost::asio::io_context& io, FakeEngine& fake) {
  std::optional<Expected<Ok, std::string>> result;
  DockerEngine(io, fake.socket()).restartContainer("bot", 1, [&](const auto& r) { result = r; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!result && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
  }
  return result;
}

TEST(DockerEngineTest, ARestartThatLeftTheContainerStoppedIsFinishedWithAStart) {
  boost::asio::io_context io;
  FakeEngine fake(io, {{"POST /v1.41/containers/bot/restart?t=1", "500 Internal Server Error"},
                       {"POST /v1.41/containers/bot/start", "204 No Content"}});
  const auto result = restart(io, fake);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok()) << result->error();
  EXPECT_EQ(fake.asked, (std::vector<std::string>{"POST /v1.41/containers/bot/restart?t=1",
                                                  "POST /v1.41/containers/bot/start"}));
}

TEST(DockerEngineTest, ARestartThatFailedOnARunningContainerIsAFailure) {
  boost::asio::io_context io;
  FakeEngine fake(io, {{"POST /v1.41/containers/bot/restart?t=1", "500 Internal Server Error"},
                       {"POST /v1.41/containers/bot/start", "304 Not Modified"}});
  const auto result = restart(io, fake);
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->ok());
  EXPECT_NE(result->error().find("answered 500: improper"), std::string::npos) << result->error();
}

TEST(DockerEngineTest, AClientErrorIsNotRetriedAsAStart) {
  boost::asio::io_context io;
  FakeEngine fake(io, {{"POST /v1.41/containers/bot/restart?t=1", "409 Conflict"}});
  const auto result = restart(io, fake);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok());
  EXPECT_EQ(fake.asked.size(), 1u);
}

}  // namespace
}  // namespace openclaw
