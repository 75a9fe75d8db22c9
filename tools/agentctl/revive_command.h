// `openclaw-agentctl revive TARGET`: asks flag-watcher for a revive exactly as a bot does,
// by dropping revive-TARGET.flag into a folder that allows TARGET, so the same coalescing
// and hourly budget apply; then follows the watcher's journal entry for the outcome.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int reviveCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
