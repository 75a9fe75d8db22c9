// openclaw-acl-keeper: keeps POSIX ACLs right on trees shared with a container user.
#include "acl_keeper_config.h"
#include "openclaw/idle_agent.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  using aclkeeper::AclKeeperConfig;
  const AgentDefinition<AclKeeperConfig> agent{
      "acl-keeper", "Keeps POSIX ACLs on trees shared with a userns-remapped container user.",
      aclkeeper::loadAclKeeperConfig, [](DaemonContext&) {
        return std::make_unique<IdleAgent<AclKeeperConfig>>(
            [](const AclKeeperConfig& c) { return aclkeeper::describe(c); });
      }};
  return runDaemon(agent, argc, argv);
}
