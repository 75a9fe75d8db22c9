#pragma once
// The one definition of the agents' config folder: every agent's <name>.json, notify.json
// beside them, vps-bridge's token file, and what openclaw-agentctl reads.  The package installs
// the default configs there too (OPENCLAW_CONFIG_DIR in cmake/packaging.cmake): keep them equal.

namespace openclaw {

inline constexpr char kConfigDirectory[] = "/etc/openclaw-agents";

}  // namespace openclaw
