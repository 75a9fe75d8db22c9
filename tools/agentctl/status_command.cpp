#include "status_command.h"

#include <systemd/sd-bus.h>

#include <cstring>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agent_table.h"
#include "openclaw/handles.h"
#include "openclaw/time_text.h"

namespace openclaw::agentctl {
namespace {

constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kUnitIface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceIface = "org.freedesktop.systemd1.Service";

struct UnitView {
  std::string unit;
  std::string loadState, activeState, subState, result, statusText;
  std::uint32_t mainPid = 0;
  std::uint32_t nRestarts = 0;
  std::uint64_t activeSinceUsec = 0;  // realtime
  std::string error;
};

std::string getString(sd_bus* bus, const char* path, const char* iface, const char* name) {
  BusError err;
  char* value = nullptr;
  if (sd_bus_get_property_string(bus, kSystemd, path, iface, name, err.get(), &value) < 0) {
    return {};
  }
  std::string out(value);
  free(value);
  return out;
}

template <class T>
T getTrivial(sd_bus* bus, const char* path, const char* iface, const char* name, char type) {
  BusError err;
  T value{};
  sd_bus_get_property_trivial(bus, kSystemd, path, iface, name, err.get(), type, &value);
  return value;
}

UnitView readUnit(sd_bus* bus, const std::string& unit) {
  UnitView v;
  v.unit = unit;
  char* raw = nullptr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", unit.c_str(), &raw) < 0) {
    v.error = "cannot encode unit path";
    return v;
  }
  const std::string path(raw);
  free(raw);
  v.loadState = getString(bus, path.c_str(), kUnitIface, "LoadState");
  v.activeState = getString(bus, path.c_str(), kUnitIface, "ActiveState");
  v.subState = getString(bus, path.c_str(), kUnitIface, "SubState");
  v.activeSinceUsec =
      getTrivial<std::uint64_t>(bus, path.c_str(), kUnitIface, "ActiveEnterTimestamp", 't');
  if (unit.ends_with(".service")) {
    v.result = getString(bus, path.c_str(), kServiceIface, "Result");
    v.statusText = getString(bus, path.c_str(), kServiceIface, "StatusText");
    v.mainPid = getTrivial<std::uint32_t>(bus, path.c_str(), kServiceIface, "MainPID", 'u');
    v.nRestarts = getTrivial<std::uint32_t>(bus, path.c_str(), kServiceIface, "NRestarts", 'u');
  }
  if (v.loadState.empty()) v.error = "no answer from systemd";
  return v;
}

std::string isoTime(std::uint64_t usec) {
  if (usec == 0) return {};
  return isoUtc(static_cast<std::int64_t>(usec / 1000000));
}

nlohmann::json toJson(const std::string& agent, const UnitView& v) {
  nlohmann::json j = {{"agent", agent},
                      {"unit", v.unit},
                      {"load_state", v.loadState},
                      {"active_state", v.activeState},
                      {"sub_state", v.subState},
                      {"result", v.result},
                      {"status", v.statusText},
                      {"main_pid", v.mainPid},
                      {"restarts", v.nRestarts},
                      {"active_since", isoTime(v.activeSinceUsec)}};
  if (!v.error.empty()) j["error"] = v.error;
  return j;
}

void printHuman(const std::string& agent, const UnitView& v) {
  std::cout << "● " << agent << " (" << v.unit << ")\n";
  if (!v.error.empty()) {
    std::cout << "    error:  " << v.error << "\n";
    return;
  }
  std::cout << "    state:  " << v.activeState << " (" << v.subState << ")";
  if (v.loadState != "loaded") std::cout << ", " << v.loadState;
  if (v.activeState == "active") std::cout << " since " << isoTime(v.activeSinceUsec);
  if (v.mainPid != 0) std::cout << ", pid " << v.mainPid;
  if (v.nRestarts != 0) std::cout << ", " << v.nRestarts << " automatic restart(s)";
  if (!v.result.empty() && v.result != "success") std::cout << ", last result " << v.result;
  std::cout << "\n    status: " << (v.statusText.empty() ? "-" : v.statusText) << "\n";
}

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
  sd_bus* raw = nullptr;
  if (int r = sd_bus_open_system(&raw); r < 0) {
    std::cerr << "openclaw-agentctl: cannot reach systemd's bus: " << std::strerror(-r) << "\n";
    return 1;
  }
  BusPtr bus(raw);
  nlohmann::json all = nlohmann::json::array();
  bool allActive = true;
  for (const auto& agent : agentTable()) {
    const UnitView v = readUnit(bus.get(), agent.unit());
    allActive = allActive && v.activeState == "active";
    if (json) {
      all.push_back(toJson(agent.name, v));
    } else {
      printHuman(agent.name, v);
    }
  }
  if (json) std::cout << nlohmann::json{{"agents", all}}.dump(2) << "\n";
  // Like `systemctl is-active`: scripts can test the exit status.
  return allActive ? 0 : 3;
}

}  // namespace openclaw::agentctl
