#include "status_command.h"

#include <iostream>

#include "host_status.h"
#include "openclaw/daemon.h"
#include "openclaw/json_text.h"
#include "status_read.h"

namespace openclaw::agentctl {
namespace {

// The agents' state folders, as their units' StateDirectory= makes them.
constexpr const char* kStateRoot = "/var/lib/openclaw-agents";

}  // namespace

int statusCommand(const std::vector<std::string>& args) {
  bool json = false;
  for (const auto& a : args) {
    if (a == "--json") {
      json = true;
    } else {
      std::cerr << "openclaw-agentctl: status takes only --json\n";
      return 2;
    }
  }
  ManagerConnections managers;
  const HostStatus host = readHostStatus(managers, configDirectory(), kStateRoot);
  const Judgement j = judge(host);
  if (json) {
    std::cout << toJsonText(hostStatusJson(host, j), 2) << "\n";
  } else {
    std::cout << hostStatusText(host, j);
  }
  return static_cast<int>(j.verdict);
}

}  // namespace openclaw::agentctl
