#include "bot_status.h"

#include <boost/asio/io_context.hpp>
#include <iostream>

#include "flag_watcher_config.h"
#include "openclaw/docker_engine.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "supervisor_config.h"

namespace openclaw::agentctl {
namespace {

// Docker answers an inspect in milliseconds; a hung engine must not hang the command.
constexpr auto kInspectWithin = std::chrono::seconds(5);

BotView& botNamed(std::vector<BotView>& bots, const std::string& name) {
  for (auto& b : bots) {
    if (b.name == name) return b;
  }
  bots.push_back(BotView{});
  bots.back().name = name;
  return bots.back();
}

void addAgent(BotView& bot, const std::string& agent) {
  if (std::find(bot.agents.begin(), bot.agents.end(), agent) == bot.agents.end()) {
    bot.agents.push_back(agent);
  }
}

void readContainer(BotView& bot) {
  boost::asio::io_context io;
  DockerEngine engine(io, bot.dockerSocket);
  bool done = false;
  engine.inspectContainer(bot.container, [&](const Expected<nlohmann::json, std::string>& r) {
    done = true;
    if (!r) {
      bot.error = r.error();
      return;
    }
    const nlohmann::json& state = r->value("State", nlohmann::json::object());
    bot.containerState = state.value("Status", std::string("unknown"));
    if (state.contains("Health") && state["Health"].is_object()) {
      bot.containerHealth = state["Health"].value("Status", std::string());
    }
  });
  if (!runUntil(
          io, [&] { return done; }, kInspectWithin)) {
    bot.error = "no answer from the Docker engine at " + bot.dockerSocket;
  }
}

}  // namespace

std::vector<BotView> configuredBots(const std::string& configDir) {
  std::vector<BotView> bots;
  if (auto js = supervisor::loadSupervisorConfig(configDir + "/jack-supervisor.json")) {
    for (const auto& b : js->bots) {
      BotView& bot = botNamed(bots, b.name);
      bot.unit = b.unit;
      bot.scope = b.scope;
      bot.container = b.container;
      bot.dockerSocket = js->dockerSocket;
      addAgent(bot, "jack-supervisor");
    }
  }
  if (auto fw = flagwatcher::loadFlagWatcherConfig(configDir + "/flag-watcher.json")) {
    for (const auto& [name, t] : fw->targets) {
      BotView& bot = botNamed(bots, name);
      if (bot.unit.empty() && bot.container.empty()) {
        bot.unit = t.unit;
        bot.scope = t.scope;
        bot.container = t.container;
        bot.dockerSocket = fw->dockerSocket;
      }
      addAgent(bot, "flag-watcher");
    }
  }
  return bots;
}

void readBotStates(std::vector<BotView>& bots, ManagerConnections& managers) {
  for (BotView& bot : bots) {
    if (!bot.container.empty()) {
      readContainer(bot);
      continue;
    }
    bot.state.unit = bot.unit;
    auto bus = managers.get(bot.scope);
    if (!bus) {
      bot.state.error = bus.error();
      continue;
    }
    bot.state = readUnit(*bus, bot.unit);
  }
}

bool botIsUp(const BotView& bot) {
  if (!bot.container.empty())
    return bot.containerState == "running" && bot.containerHealth != "unhealthy";
  return bot.state.activeState == "active";
}

nlohmann::json botJson(const BotView& bot) {
  nlohmann::json j = {{"name", bot.name}, {"agents", bot.agents}};
  if (!bot.container.empty()) {
    j["container"] = bot.container;
    j["state"] = bot.containerState;
    j["health"] = bot.containerHealth;
    if (!bot.error.empty()) j["error"] = bot.error;
    return j;
  }
  j.update(unitJson(bot.state));
  j["manager"] = bot.scope.isSystem() ? "system" : "user";
  j["user"] = bot.scope.user;
  return j;
}

void printBot(const BotView& bot) {
  std::cout << "● " << bot.name << " (";
  if (!bot.container.empty()) {
    std::cout << "container " << bot.container << ")\n";
    if (!bot.error.empty()) {
      std::cout << "    error:  " << bot.error << "\n";
    } else {
      std::cout << "    state:  " << bot.containerState
                << (bot.containerHealth.empty() ? "" : ", " + bot.containerHealth) << "\n";
    }
  } else {
    std::cout << bot.unit << (bot.scope.isSystem() ? "" : " in " + bot.scope.describe()) << ")\n";
    printUnitState(bot.state);
  }
  std::string by;
  for (const auto& a : bot.agents) by += (by.empty() ? "" : ", ") + a;
  std::cout << "    by:     " << by << "\n";
}

}  // namespace openclaw::agentctl
