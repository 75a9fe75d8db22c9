// The Docker Engine API over its unix socket (Docker, or Podman's compatible service),
// asynchronous on the daemon's io_context (Boost.Beast over a local stream socket): no
// thread, no blocking, every request bounded by a deadline.  Errors are sentences an
// operator can act on ("no such container 'john'", "Docker engine not reachable at
// /var/run/docker.sock: No such file or directory").
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "openclaw/result.h"

namespace openclaw {

struct DockerReply {
  unsigned status = 0;
  std::string body;
};

class DockerEngine {
 public:
  using ReplyCallback = std::function<void(const Expected<DockerReply, std::string>&)>;
  using DoneCallback = std::function<void(const Expected<Ok, std::string>&)>;
  using InspectCallback = std::function<void(const Expected<nlohmann::json, std::string>&)>;

  DockerEngine(boost::asio::io_context& io, std::string socketPath)
      : io_(io), socket_(std::move(socketPath)) {}

  // POST /containers/{name}/restart?t=stopTimeoutSec: 204 is success.
  void restartContainer(const std::string& name, int stopTimeoutSec, DoneCallback done);
  // GET /containers/{name}/json.
  void inspectContainer(const std::string& name, InspectCallback done);
  // Any request; `target` is the path after the API version, e.g. "/containers/json".
  void request(const std::string& method, const std::string& target, std::chrono::seconds timeout,
               ReplyCallback done);

  const std::string& socketPath() const { return socket_; }

 private:
  boost::asio::io_context& io_;
  std::string socket_;
};

}  // namespace openclaw
