#include "status_command.h"

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agent_table.h"
#include "bot_status.h"
#include "openclaw/bot_pause.h"
#include "openclaw/daemon.h"
#include "openclaw/json_text.h"
#include "openclaw/time_text.h"
#include "unit_view.h"

namespace openclaw::agentctl {
namespace {

// Like `systemctl is-active`: 0 when everything is up, 3 when something is not.
constexpr int kExitAllUp = 0;
constexpr int kExitSomethingDown = 3;

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
  auto system = managers.get(ManagerScope{});
  if (!system) {
    std::cerr << "openclaw-agentctl: " << system.error() << "\n";
    return 1;
  }
  nlohmann::json agents = nlohmann::json::array();
  bool allUp = true;
  for (const auto& agent : agentTable()) {
    const UnitView v = readUnit(*system, agent.unit());
    allUp = allUp && v.activeState == "active";
    if (json) {
      agents.push_back(unitJson(v));
      agents.back()["agent"] = agent.name;
    } else {
      std::cout << "● " << agent.name << " (" << v.unit << ")\n";
      printUnitState(v);
      if (v.error.empty()) {
        std::cout << "    status: " << (v.statusText.empty() ? "-" : v.statusText) << "\n";
      }
    }
  }
  std::vector<BotView> bots = configuredBots(configDirectory());
  readBotStates(bots, managers);
  nlohmann::json botList = nlohmann::json::array();
  if (!json && !bots.empty()) std::cout << "\nBots:\n";
  for (const BotView& bot : bots) {
    allUp = allUp && botIsUp(bot);
    if (json) {
      botList.push_back(botJson(bot));
    } else {
      printBot(bot);
    }
  }
  // Pauses in effect: the bots every agent leaves alone now.
  nlohmann::json pauseList = nlohmann::json::array();
  const auto pauses = pausesIn(kPauseDir, static_cast<std::int64_t>(std::time(nullptr)));
  if (!json && !pauses.empty()) std::cout << "\nPaused (left alone by every agent):\n";
  for (const auto& [bot, pause] : pauses) {
    if (json) {
      pauseList.push_back({{"bot", bot},
                           {"since", isoUtc(pause.sinceSec)},
                           {"until", pause.untilSec == 0 ? "" : isoUtc(pause.untilSec)},
                           {"reason", pause.reason}});
    } else {
      std::cout << "  " << bot << " " << pause.describe() << "\n";
    }
  }
  if (json) {
    std::cout << toJsonText({{"agents", agents}, {"bots", botList}, {"paused", pauseList}}, 2)
              << "\n";
  }
  return allUp ? kExitAllUp : kExitSomethingDown;
}

}  // namespace openclaw::agentctl
