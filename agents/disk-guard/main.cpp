// openclaw-disk-guard: keeps disks under their thresholds by removing only expendable data.
#include "disk_guard_config.h"
#include "openclaw/idle_agent.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using diskguard::DiskGuardConfig;
  const AgentDefinition<DiskGuardConfig> agent{
      "disk-guard",
      "Keeps disks under their thresholds: prunes old files, vacuums the journal, prunes Docker.",
      diskguard::loadDiskGuardConfig, [](DaemonContext&) {
        return std::make_unique<IdleAgent<DiskGuardConfig>>(
            [](const DiskGuardConfig& c) { return diskguard::describe(c); });
      }};
  return runDaemon(agent, argc, argv);
}
