// What a Docker prune would remove now: the stopped containers the filter allows (see
// docker_containers.h) and the dangling images, as the Engine API lists them.  Used by
// disk-guard's dry run and `openclaw-agentctl disk-report`; the build cache has no listing
// that Podman's API answers, so it is not counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "docker_containers.h"
#include "openclaw/docker_engine.h"

namespace openclaw::diskguard {

struct DockerPrunable {
  struct Item {
    std::string name;  // a container's first name, or an image's short id
    std::uint64_t bytes = 0;
  };
  std::vector<Item> containers;  // bytes: the container's own layer (SizeRw)
  std::vector<Item> images;      // bytes: the image's size
  std::string kept;              // the stopped containers the filter keeps ("" when none)
  std::string error;             // the engine could not be asked (the lists may be partial)

  std::uint64_t bytes() const;
  std::string summary() const;  // "2 stopped container(s), 1.0 MiB; 1 dangling image(s), 3.0 MiB"
};

// Asks the engine at `socket` (one request after another) and calls `done` once, on `io`.
// It holds its own client, so it may outlive whoever asked, but not `clock` (surveyContainers).
void listDockerPrunable(boost::asio::io_context& io, const std::string& socket,
                        const ContainerFilter& filter, std::chrono::seconds timeout,
                        const Clock& clock, std::function<void(const DockerPrunable&)> done);

}  // namespace openclaw::diskguard
