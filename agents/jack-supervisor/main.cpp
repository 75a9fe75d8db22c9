// openclaw-jack-supervisor: keeps the bots alive: detects crash loops and failed health,
// repairs the bot's config from backups, restarts, and alerts.
#include "openclaw/idle_agent.h"
#include "supervisor_config.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using supervisor::SupervisorConfig;
  const AgentDefinition<SupervisorConfig> agent{
      "jack-supervisor",
      "Keeps each bot alive: detects crash loops and failed health probes, restores a valid "
      "config, restarts, alerts.",
      supervisor::loadSupervisorConfig, [](DaemonContext&) {
        return std::make_unique<IdleAgent<SupervisorConfig>>(
            [](const SupervisorConfig& c) { return supervisor::describe(c); });
      }};
  return runDaemon(agent, argc, argv);
}
