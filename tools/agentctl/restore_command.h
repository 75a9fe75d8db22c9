// `openclaw-agentctl restore BOT [--dry-run] [--force]`: the supervisor's own restore, by
// hand.  Lists the live config and every restore candidate in the supervisor's order, with
// why each is or is not valid (the same checks and validator the supervisor runs); without
// --dry-run, installs the first valid one exactly as the supervisor would (broken file
// kept, owner and mode kept).  The supervisor sees the new config through inotify and, if
// it had given up on the bot, restarts it: one restart owner, even for the operator's hand.
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int restoreCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
