// openclaw-disk-guard: keeps disks under their thresholds by removing only expendable data.
#include "disk_guard_config.h"
#include "disk_guard_service.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  const AgentDefinition<diskguard::DiskGuardConfig> agent{
      "disk-guard",
      "Keeps disks under their thresholds: prunes old files, vacuums the journal, prunes Docker.",
      diskguard::loadDiskGuardConfig,
      [](DaemonContext& ctx) { return std::make_unique<diskguard::DiskGuardService>(ctx); }};
  return runDaemon(agent, argc, argv);
}
