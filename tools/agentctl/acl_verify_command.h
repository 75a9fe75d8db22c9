// `openclaw-agentctl acl-verify [--config PATH]`: the acl-keeper's walk, read-only.  Prints
// each path whose ACL differs from its rule (what it has, what it should have) and each path
// that could not be checked; a tree whose root is missing or reached only through a symlink
// is "refused", naming the component, as the daemon refuses it.  Exits 0 when every tree is
// right, 1 on any drift or refused tree, 78 when the config does not load.  It writes
// nothing, so it is safe next to the running daemon (which would repair a drift within
// milliseconds: stop it to see one).
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int aclVerifyCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
