// openclaw-agentctl: the operator's view of, and hand on, the agents.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "acl_verify_command.h"
#include "agent_table.h"
#include "alert_test_command.h"
#include "alerts_command.h"
#include "disk_report_command.h"
#include "doctor_command.h"
#include "export_metrics_command.h"
#include "openclaw/paths.h"
#include "pause_command.h"
#include "recover_jobs_command.h"
#include "restore_command.h"
#include "revive_command.h"
#include "status_command.h"

namespace {

using namespace openclaw::agentctl;

constexpr int kExitUsage = 2;

const std::string kUsage =
    "Usage: openclaw-agentctl COMMAND [ARGS]\n\n"
    "Commands:\n"
    "  status [--json]           every agent: unit state, STATUS line, last actions\n"
    "  check-config [AGENT]      check " +
    std::string(openclaw::kConfigDirectory) +
    "/<agent>.json (all agents by default)\n"
    "  revive TARGET             restart a flag-watcher target now\n"
    "  restore BOT [--dry-run] [--force]\n"
    "                            list a bot's backups and why each is valid; restore the first\n"
    "  acl-verify [--config PATH]  read-only ACL pass; lists drifted paths, exit 1 on drift\n"
    "  disk-report [--config PATH]  usage per mount and what each action could free\n"
    "  alerts [--limit N] [--json] [--agent A] [--level L] [--since 2h] [--follow]\n"
    "                            the newest alerts of every agent (20 by default)\n"
    "  alert-test [--config-dir DIR]\n"
    "                            send a test alert through every channel of notify.json\n"
    "  recover-jobs DIR          mark interrupted jobs failed\n"
    "  pause BOT [--for 2h] [--reason TEXT]\n"
    "                            leave a bot alone for maintenance (no repair, no revive)\n"
    "  resume BOT                end a pause\n"
    "  doctor [--json]           what a manual set-up left that works against the agents,\n"
    "                            and what to do about it (changes nothing)\n"
    "  export-metrics AGENT      write its openclaw-AGENT.prom for node_exporter from its report\n"
    "  --version, --help\n";

int checkConfig(const std::vector<std::string>& args) {
  if (args.size() > 1) {
    std::cerr << "openclaw-agentctl: check-config takes at most one agent\n";
    return kExitUsage;
  }
  std::vector<const AgentEntry*> agents;
  if (args.empty()) {
    for (const auto& a : agentTable()) agents.push_back(&a);
  } else if (const AgentEntry* a = findAgent(args[0])) {
    agents.push_back(a);
  } else {
    std::cerr << "openclaw-agentctl: no agent named '" << args[0] << "'\n";
    return kExitUsage;
  }
  int bad = 0;
  for (const AgentEntry* a : agents) {
    const auto issues = a->check(a->configPath());
    if (issues.empty()) {
      std::cout << a->name << ": ok (" << a->configPath() << ")\n";
      continue;
    }
    ++bad;
    std::cout << a->name << ": " << issues.size() << " problem(s)\n";
    for (const auto& i : issues) std::cout << "  " << i.text() << "\n";
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version") {
    std::cout << "openclaw-agentctl " << OPENCLAW_VERSION << "\n";
    return 0;
  }
  if (command == "status") return statusCommand(args);
  if (command == "check-config") return checkConfig(args);
  if (command == "revive") return reviveCommand(args);
  if (command == "restore") return restoreCommand(args);
  if (command == "recover-jobs") return recoverJobsCommand(args);
  if (command == "alerts") return alertsCommand(args);
  if (command == "alert-test") return alertTestCommand(args);
  if (command == "acl-verify") return aclVerifyCommand(args);
  if (command == "disk-report") return diskReportCommand(args);
  if (command == "doctor") return doctorCommand(args);
  if (command == "pause") return pauseCommand(args);
  if (command == "resume") return resumeCommand(args);
  if (command == "export-metrics") return exportMetricsCommand(args);
  std::cerr << "openclaw-agentctl: unknown command '" << command << "'\n" << kUsage;
  return kExitUsage;
}
