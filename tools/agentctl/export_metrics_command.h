// `openclaw-agentctl export-metrics AGENT`: writes the agent's openclaw-<agent>.prom into
// node_exporter's textfile folder from its report.json.  For the vps-bridge, whose dynamic
// user cannot write there; its timer runs this every 15 s.  The other agents write their
// own files.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int exportMetricsCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
