// The five agents as the operator CLI knows them: name, unit, config path and a checker.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "openclaw/config_reader.h"
#include "openclaw/daemon.h"

namespace openclaw::agentctl {

struct AgentEntry {
  std::string name;  // "flag-watcher"
  std::string unit() const { return "openclaw-" + name + ".service"; }
  std::string configPath() const { return defaultConfigPath(name); }
  std::function<ConfigIssues(const std::string& path)> check;
};

const std::vector<AgentEntry>& agentTable();
const AgentEntry* findAgent(const std::string& name);

}  // namespace openclaw::agentctl
