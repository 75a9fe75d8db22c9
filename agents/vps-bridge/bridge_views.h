// The JSON the bridge shows of its agents: health, breaker, counters.  Shared by the REST
// answers and the daemon's status.
#pragma once

#include <nlohmann/json.hpp>

#include "agent_directory.h"

namespace openclaw::bridge {

nlohmann::json healthJson(const AgentSlot& slot, SteadyTime now);
nlohmann::json breakerJson(const AgentSlot& slot, SteadyTime now);
nlohmann::json agentJson(const AgentSlot& slot, SteadyTime now);
// "healthy" when every agent is healthy (or not yet called), "unhealthy" when none that was
// called is healthy or degraded, "degraded" in between.
const char* overallHealth(const AgentDirectory& agents, SteadyTime now);

}  // namespace openclaw::bridge
