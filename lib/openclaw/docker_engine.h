// The Docker Engine API over its unix socket (Docker, or Podman's compatible service),
// through libcurl.  Calls block: daemons run them on a BackgroundWorker.  Errors are
// sentences an operator can act on ("no such container 'john'", "Docker engine not
// reachable at /var/run/docker.sock: ...").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "openclaw/result.h"

namespace openclaw {

struct DockerReply {
  long status = 0;
  std::string body;
};

class DockerEngine {
 public:
  explicit DockerEngine(std::string socketPath) : socket_(std::move(socketPath)) {}

  // POST /containers/{name}/restart?t=stopTimeoutSec: 204 is success.
  Expected<Ok, std::string> restartContainer(const std::string& name, int stopTimeoutSec) const;
  // GET /containers/{name}/json.
  Expected<nlohmann::json, std::string> inspectContainer(const std::string& name) const;

  Expected<DockerReply, std::string> request(const std::string& method, const std::string& path,
                                             long timeoutSec) const;

 private:
  std::string socket_;
};

}  // namespace openclaw
