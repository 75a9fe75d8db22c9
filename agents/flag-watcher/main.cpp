// openclaw-flag-watcher: restarts a unit or container when a bot drops a revive flag.
#include "flag_watcher_config.h"
#include "openclaw/idle_agent.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using flagwatcher::FlagWatcherConfig;
  const AgentDefinition<FlagWatcherConfig> agent{
      "flag-watcher",
      "Restarts a systemd unit or Docker container when a bot drops revive-<target>.flag.",
      flagwatcher::loadFlagWatcherConfig, [](DaemonContext&) {
        return std::make_unique<IdleAgent<FlagWatcherConfig>>(
            [](const FlagWatcherConfig& c) { return flagwatcher::describe(c); });
      }};
  return runDaemon(agent, argc, argv);
}
