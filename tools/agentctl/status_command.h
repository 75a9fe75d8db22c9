// `openclaw-agentctl status [--json]`: every agent's unit state and STATUS line, read from
// systemd over D-Bus, so it is right after any restart of any daemon.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int statusCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
