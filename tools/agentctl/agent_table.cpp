#include "agent_table.h"

#include "acl_keeper_config.h"
#include "bridge_config.h"
#include "disk_guard_config.h"
#include "flag_watcher_config.h"
#include "supervisor_config.h"

namespace openclaw::agentctl {
namespace {

template <class Loader>
std::function<ConfigIssues(const std::string&)> checker(Loader load) {
  return [load](const std::string& path) {
    auto loaded = load(path);
    return loaded ? ConfigIssues{} : loaded.error();
  };
}

}  // namespace

const std::vector<AgentEntry>& agentTable() {
  static const std::vector<AgentEntry> table = {
      {"jack-supervisor", checker(supervisor::loadSupervisorConfig)},
      {"flag-watcher", checker(flagwatcher::loadFlagWatcherConfig)},
      {"acl-keeper", checker(aclkeeper::loadAclKeeperConfig)},
      {"disk-guard", checker(diskguard::loadDiskGuardConfig)},
      {"vps-bridge", checker(bridge::loadBridgeConfig)},
  };
  return table;
}

const AgentEntry* findAgent(const std::string& name) {
  for (const auto& a : agentTable()) {
    if (a.name == name || "openclaw-" + a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace openclaw::agentctl
