// `openclaw-agentctl alerts [--limit N] [--json] [--agent A] [--level L] [--since T]
// [--follow]`: the newest alerts of every agent, oldest first, from
// /var/lib/openclaw-agents/alerts.jsonl and its rotated generations (alerts.jsonl.1, .2, ...),
// read under the log's shared lock so that a rotation cannot move lines away mid-read.  A
// line that is not JSON is shown as it is, unless a filter is given (alert_filter.h).
// --follow then prints each new alert as an agent appends it, across rotations (inotify on
// the folder, no polling), until interrupted; an alert appended as the command starts may
// be shown twice, never missed.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int alertsCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
