// openclaw-jack-supervisor: keeps the bots alive: detects crash loops and failed health,
// repairs the bot's config from backups, restarts, and alerts.
#include "supervisor_config.h"
#include "supervisor_service.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using supervisor::SupervisorConfig;
  const AgentDefinition<SupervisorConfig> agent{
      "jack-supervisor",
      "Keeps each bot alive: detects crash loops and failed health probes, restores a valid "
      "config, restarts, alerts.",
      supervisor::loadSupervisorConfig,
      [](DaemonContext& ctx) { return std::make_unique<supervisor::SupervisorService>(ctx); }};
  return runDaemon(agent, argc, argv);
}
