// openclaw-flag-watcher: restarts a unit or container when a bot drops a revive flag.
#include "flag_watcher_config.h"
#include "flag_watcher_service.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  const AgentDefinition<flagwatcher::FlagWatcherConfig> agent{
      "flag-watcher",
      "Restarts a systemd unit or Docker container when a bot drops revive-<target>.flag.",
      flagwatcher::loadFlagWatcherConfig,
      [](DaemonContext& ctx) { return std::make_unique<flagwatcher::FlagWatcherService>(ctx); }};
  return runDaemon(agent, argc, argv);
}
