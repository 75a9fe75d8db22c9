// `openclaw-agentctl doctor [--json] [--docker-socket PATH]`: finds what a host's manual
// set-up left behind that now works against the agents (see doctor_checks.h) and says what
// to do about each.  Reads cron files, asks systemd for the seeds' revive path units and
// Docker for live-restore; changes nothing.  Exit 0 when nothing is found, 1 when something
// is, 2 on bad arguments.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int doctorCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
