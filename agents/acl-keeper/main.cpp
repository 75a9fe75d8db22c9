// openclaw-acl-keeper: keeps POSIX ACLs right on trees shared with a container user.
#include "acl_keeper_config.h"
#include "acl_keeper_service.h"

int main(int argc, char** argv) {
  using namespace openclaw;
  const AgentDefinition<aclkeeper::AclKeeperConfig> agent{
      "acl-keeper", "Keeps POSIX ACLs on trees shared with a userns-remapped container user.",
      aclkeeper::loadAclKeeperConfig,
      [](DaemonContext& ctx) { return std::make_unique<aclkeeper::AclKeeperService>(ctx); }};
  return runDaemon(agent, argc, argv);
}
