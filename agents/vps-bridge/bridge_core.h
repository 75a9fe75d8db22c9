// The bridge's working parts on one loop, wired together: the agent directory, the HTTP
// client and the call runner on it, the session store, and the view the REST handlers get.
// The daemon's service owns one; unit tests and the fuzz target build one on a temporary
// folder and drive handle() through it, so they exercise the parts the daemon runs.
#pragma once

#include <boost/asio/io_context.hpp>
#include <string>

#include "agent_directory.h"
#include "bridge_api.h"
#include "call_runner.h"
#include "openclaw/http_client.h"
#include "session_store.h"

namespace openclaw::bridge {

struct BridgeCore {
  BridgeCore(boost::asio::io_context& io, const std::string& stateDir, CallEvents events = {});

  // Points `parts` at `config` (kept by the caller) and applies it to every part.
  void apply(const BridgeConfig& config);

  AgentDirectory agents;
  SystemRandom random;
  HttpClient http;
  CallRunner runner;
  SessionStore sessions;
  BridgeParts parts;  // token, server, alertLog and breakerReset are the owner's to set
};

}  // namespace openclaw::bridge
