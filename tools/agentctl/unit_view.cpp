#include "unit_view.h"

#include <iostream>

#include "openclaw/systemd_manager.h"
#include "openclaw/time_text.h"

namespace openclaw::agentctl {
namespace {

constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kUnitIface = "org.freedesktop.systemd1.Unit";
constexpr const char* kServiceIface = "org.freedesktop.systemd1.Service";

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

std::string isoTime(std::uint64_t usec) {
  if (usec == 0) return {};
  return isoUtc(static_cast<std::int64_t>(usec / 1000000));
}

}  // namespace

Expected<sd_bus*, std::string> ManagerConnections::get(const ManagerScope& scope) {
  if (auto it = buses_.find(scope); it != buses_.end()) return it->second.get();
  if (auto it = errors_.find(scope); it != errors_.end())
    return Unexpected<std::string>{it->second};
  std::string why;
  auto endpoints = managerEndpoints(scope);
  if (!endpoints) {
    why = endpoints.error();
  } else {
    for (const ManagerEndpoint& endpoint : *endpoints) {
      auto bus = connectEndpoint(endpoint);
      if (bus) {
        sd_bus* raw = bus->get();
        buses_[scope] = std::move(bus).value();
        return raw;
      }
      why += (why.empty() ? "" : "; ") + endpoint.label + ": " + bus.error().message();
    }
  }
  errors_[scope] = "cannot reach " + scope.describe() + " (" + why + ")";
  return Unexpected<std::string>{errors_[scope]};
}

UnitView readUnit(sd_bus* bus, const std::string& unit) {
  UnitView v;
  v.unit = unit;
  const std::string path = unitObjectPath(unit);
  if (path.empty()) {
    v.error = "cannot encode unit path";
    return v;
  }
  v.loadState = getString(bus, path.c_str(), kUnitIface, "LoadState");
  v.activeState = getString(bus, path.c_str(), kUnitIface, "ActiveState");
  v.subState = getString(bus, path.c_str(), kUnitIface, "SubState");
  v.unitFileState = getString(bus, path.c_str(), kUnitIface, "UnitFileState");
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

nlohmann::json unitJson(const UnitView& v) {
  nlohmann::json j = {{"unit", v.unit},
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

void printUnitState(const UnitView& v) {
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
  std::cout << "\n";
}

}  // namespace openclaw::agentctl
