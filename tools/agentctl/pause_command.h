// `openclaw-agentctl pause BOT [--for SPAN] [--reason TEXT]` and `resume BOT`: maintenance.
// While a bot is paused, jack-supervisor neither repairs nor restarts it and flag-watcher
// absorbs its revive flags (see lib/openclaw/bot_pause.h); a pause with --for ends by
// itself.  `status` shows the pauses in effect.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int pauseCommand(const std::vector<std::string>& args);
int resumeCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
