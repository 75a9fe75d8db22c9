// `openclaw-agentctl disk-report [--config PATH]`: each of disk-guard's mounts, its usage
// and thresholds, and what each action could free now: the prune folders' old files (the
// same scan the daemon makes, from roots reached the same way: a root behind a symlink is
// reported refused, naming the component), the journal's size against journal_vacuum_size,
// Docker's stopped containers and dangling images.  Read-only; exit 0, 78 when the config
// does not load.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int diskReportCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
