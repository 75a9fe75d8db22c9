// `openclaw-agentctl alerts [--limit N] [--json]`: the newest alerts of every agent, oldest
// first, from /var/lib/openclaw-agents/alerts.jsonl and its rotated generations
// (alerts.jsonl.1, .2, ...), read under the log's shared lock so that a rotation cannot move
// lines away mid-read.  A line that is not JSON is shown as it is.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int alertsCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
