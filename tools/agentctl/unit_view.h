// A unit's state as `openclaw-agentctl` shows it, read with blocking calls from the manager
// the unit lives in (the system's, or a user's: see systemd_scope.h).
#pragma once

#include <systemd/sd-bus.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "openclaw/handles.h"
#include "openclaw/systemd_scope.h"

namespace openclaw::agentctl {

struct UnitView {
  std::string unit;
  std::string loadState, activeState, subState, result, statusText;
  std::string unitFileState;  // "enabled", "disabled", "static", ...
  std::uint32_t mainPid = 0;
  std::uint32_t nRestarts = 0;
  std::uint64_t activeSinceUsec = 0;  // realtime
  std::string error;
};

// One connection per manager, opened on first use and kept for the command's life.
class ManagerConnections {
 public:
  // The connection to `scope`'s manager, or why there is none.
  Expected<sd_bus*, std::string> get(const ManagerScope& scope);

 private:
  std::map<ManagerScope, BusPtr> buses_;
  std::map<ManagerScope, std::string> errors_;
};

UnitView readUnit(sd_bus* bus, const std::string& unit);
// The unit's JSON members: unit, load_state, active_state, ..., and error when set.
nlohmann::json unitJson(const UnitView& v);
// "    state:  active (running) since ..., pid 42" and "    status: ..." lines.
void printUnitState(const UnitView& v);

}  // namespace openclaw::agentctl
