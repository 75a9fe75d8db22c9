// Fills a HostStatus (host_status.h) from the host: the units over systemd's D-Bus, the
// containers from Docker, the agents' configs, ledgers (state.json) and reports
// (report.json), the pause folder, the disks named in disk-guard's config and the alert
// outboxes.  Reading never changes anything.
#pragma once

#include <string>

#include "host_status.h"

namespace openclaw::agentctl {

// The agents' state folders are `stateRoot`/<agent> (/var/lib/openclaw-agents).
HostStatus readHostStatus(ManagerConnections& managers, const std::string& configDir,
                          const std::string& stateRoot);

}  // namespace openclaw::agentctl
