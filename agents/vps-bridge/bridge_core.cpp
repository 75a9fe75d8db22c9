#include "bridge_core.h"

namespace openclaw::bridge {

BridgeCore::BridgeCore(boost::asio::io_context& io, const std::string& stateDir, CallEvents events)
    : agents(stateDir),
      http(io),
      runner(io, http, random, std::move(events)),
      sessions(io, stateDir + "/sessions", SessionLimits{}) {
  parts.agents = &agents;
  parts.runner = &runner;
  parts.sessions = &sessions;
}

void BridgeCore::apply(const BridgeConfig& config) {
  agents.applyConfig(config);
  runner.setSettings({std::chrono::seconds(config.callDeadlineSec), BackoffSchedule{}});
  SessionLimits limits;
  limits.maxMessages = static_cast<std::size_t>(config.maxSessionMessages);
  limits.maxBytes = static_cast<std::size_t>(config.maxSessionBytes);
  limits.maxSessions = static_cast<std::size_t>(config.maxSessions);
  limits.ttl = std::chrono::hours(config.sessionTtlHours);
  sessions.setLimits(limits);
  parts.config = &config;
}

}  // namespace openclaw::bridge
