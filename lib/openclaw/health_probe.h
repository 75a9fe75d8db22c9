// One health check of a service, asynchronously on an io_context: an HTTP GET, a TCP
// connect, or a command.  No thread of ours, no blocking; one deadline bounds the whole probe.
//
// Exactly one of `http`, `tcp`, `exec` is set.  HTTP is plain HTTP/1.1 over TCP (Boost.Beast):
// healthy when the status is 2xx; only the status line and headers are read, so a large or
// endless body cannot hold the probe.  TCP is healthy when a connect succeeds.  Exec is healthy
// when the command exits 0 (runCommand, with the probe's timeout).  A numeric host is used as
// is; a name goes through Asio's async resolver, which looks it up on a thread of its own.
// `detail` is a short phrase for a log line: "HTTP 200", "HTTP 503", "connection refused",
// "timed out after 5000 ms", "exit 1: <first output line>".
//
// `done` runs exactly once, on `io`, never inside runProbe().  Destroying the handle first
// cancels the probe (closes the connection, kills the command) and drops `done`.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "openclaw/result.h"

namespace openclaw {

struct ProbeSpec {
  std::string http;               // "http://host:port/path"
  std::string tcp;                // "host:port"
  std::vector<std::string> exec;  // argv
  std::chrono::milliseconds timeout{5000};
};

struct ProbeResult {
  bool healthy = false;
  std::string detail;
  std::chrono::milliseconds took{0};
};

using ProbeCallback = std::function<void(const ProbeResult&)>;

class ProbeRun;

// Owns a probe in flight; see the contract above for what destroying it does.
class RunningProbe {
 public:
  explicit RunningProbe(std::shared_ptr<ProbeRun> run) : run_(std::move(run)) {}
  RunningProbe(const RunningProbe&) = delete;
  RunningProbe& operator=(const RunningProbe&) = delete;
  ~RunningProbe();

 private:
  std::shared_ptr<ProbeRun> run_;
};

std::unique_ptr<RunningProbe> runProbe(boost::asio::io_context& io, const ProbeSpec& spec,
                                       ProbeCallback done);

// Where a probe connects.  `target` is only used by HTTP probes.
struct ProbeEndpoint {
  std::string host;  // a name or a numeric address, without IPv6 brackets
  std::uint16_t port = 0;
  std::string target = "/";
};

// "http://127.0.0.1:18789/healthz" → host, port (default 80), target (default "/").  An
// https URL is refused with "https probes are not supported; use tcp or exec".
Expected<ProbeEndpoint, std::string> parseHttpProbeUrl(const std::string& url);
// "127.0.0.1:18789", "localhost:22" or "[::1]:8080"; the port is required.
Expected<ProbeEndpoint, std::string> parseTcpProbeAddress(const std::string& address);

}  // namespace openclaw
