// `openclaw-agentctl recover-jobs DIR [--reason TEXT]`: marks the gateway's interrupted
// jobs failed so its runner retries them (see openclaw/job_recovery.h for the rules).
// Meant as the gateway unit's `ExecStartPre=`: it never waits on anything, and a folder
// that does not exist means nothing to recover (exit 0).  Exit 1 when a file could not be
// read or rewritten, 2 on a usage error.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int recoverJobsCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
