// The five agents as the operator CLI knows them: name, unit, config path and a checker.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "openclaw/config_reader.h"

namespace openclaw::agentctl {

struct AgentEntry {
  std::string name;  // "flag-watcher"
  std::string unit() const { return "openclaw-" + name + ".service"; }
  std::string configPath() const { return "/etc/openclaw-agents/" + name + ".json"; }
  std::function<ConfigIssues(const std::string& path)> check;
};

const std::vector<AgentEntry>& agentTable();
const AgentEntry* findAgent(const std::string& name);

}  // namespace openclaw::agentctl
