// openclaw-vps-bridge: serves the VPS bridge (remote agents with retries, circuit breakers,
// fallbacks and sessions) as REST on a socket systemd hands over.
#include "bridge_config.h"
#include "bridge_service.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  const AgentDefinition<bridge::BridgeConfig> agent{
      "vps-bridge",
      "Calls remote agents over HTTP with retries, circuit breakers and fallbacks; serves REST.",
      bridge::loadBridgeConfig,
      [](DaemonContext& ctx) { return std::make_unique<bridge::BridgeService>(ctx); }};
  return runDaemon(agent, argc, argv);
}
