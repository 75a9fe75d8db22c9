// `openclaw-agentctl alerts [--limit N] [--json]`: the newest alerts of every agent, oldest
// first, from /var/lib/openclaw-agents/alerts.jsonl.  Only the file's tail is read, so a
// long history costs nothing; a line that is not JSON is shown as it is.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int alertsCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
