// openclaw-vps-bridge: serves the VPS bridge (remote agents with retries, circuit breakers,
// fallbacks and sessions) as REST on a socket systemd hands over.
#include "bridge_config.h"
#include "openclaw/idle_agent.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using bridge::BridgeConfig;
  const AgentDefinition<BridgeConfig> agent{
      "vps-bridge",
      "Calls remote agents over HTTP with retries, circuit breakers and fallbacks; serves REST.",
      bridge::loadBridgeConfig, [](DaemonContext&) {
        return std::make_unique<IdleAgent<BridgeConfig>>(
            [](const BridgeConfig& c) { return bridge::describe(c); });
      }};
  return runDaemon(agent, argc, argv);
}
