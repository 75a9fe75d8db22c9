// The bots the agents act on, as their configs name them, with each bot's state now: a
// unit's from the manager it lives in (the system's or a user's), a container's from the
// Docker engine.  A config that does not load names no bots (check-config says why).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclaw/systemd_scope.h"
#include "unit_view.h"

namespace openclaw::agentctl {

struct BotView {
  std::string name;
  std::string unit;  // exactly one of unit and container
  ManagerScope scope;
  std::string container;
  std::string dockerSocket;         // containers: the engine the naming config uses
  std::vector<std::string> agents;  // the agents that act on it: "jack-supervisor", ...
  UnitView state;                   // units
  std::string containerState;       // containers: "running", "exited", ...
  std::string containerHealth;      // "healthy", "unhealthy", "" without a healthcheck
  std::string error;                // containers: why the state is unknown
};

// Bots from flag-watcher's targets and jack-supervisor's bots, merged by name.
std::vector<BotView> configuredBots(const std::string& configDir);
// Fills each bot's state: units over `managers`, containers from their engine.
void readBotStates(std::vector<BotView>& bots, ManagerConnections& managers);
bool botIsUp(const BotView& bot);
nlohmann::json botJson(const BotView& bot);
void printBot(const BotView& bot);

}  // namespace openclaw::agentctl
