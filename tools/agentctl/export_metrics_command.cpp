#include "export_metrics_command.h"

#include <iostream>

#include "agent_table.h"
#include "openclaw/agent_report.h"
#include "openclaw/daemon.h"

namespace openclaw::agentctl {

int exportMetricsCommand(const std::vector<std::string>& args) {
  if (args.size() != 1 || findAgent(args[0]) == nullptr) {
    std::cerr << "openclaw-agentctl: export-metrics takes one agent's name\n";
    return 2;
  }
  const std::string agent = findAgent(args[0])->name;
  auto done = exportReportMetrics(stateDirectory(agent), kTextfileCollectorDir);
  if (!done) {
    std::cerr << "openclaw-agentctl: " << done.error() << "\n";
    return 1;
  }
  if (!*done) std::cout << kTextfileCollectorDir << " does not exist: nothing to do\n";
  return 0;
}

}  // namespace openclaw::agentctl
