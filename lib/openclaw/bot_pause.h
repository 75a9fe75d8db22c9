// A bot paused for maintenance: `openclaw-agentctl pause BOT [--for 30m]` writes
// <kPauseDir>/<bot>.json, `resume BOT` removes it, and every agent that acts on that bot
// (jack-supervisor's repairs, flag-watcher's revives) leaves it alone meanwhile.  A pause with
// an end expires by itself; one without lasts until resumed.  The folder is root's (the
// package creates it), so no container can pause or resume a bot; its files are still read
// without following a symlink and bounded in size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "openclaw/result.h"

namespace openclaw {

inline constexpr const char* kPauseDir = "/var/lib/openclaw-agents/paused";

struct BotPause {
  std::int64_t sinceSec = 0;  // wall clock, when it was paused
  std::int64_t untilSec = 0;  // wall clock, when it ends by itself; 0: until resumed
  std::string reason;         // the operator's words, may be empty

  // "until 14:30:00 (maintenance)", "until resumed", for logs and status.
  std::string describe() const;
};

// The pause of `bot` in effect at `nowSec`; nullopt when there is none, it has ended, or its
// file cannot be read as one (an unreadable pause must not stop repairs).
std::optional<BotPause> pauseOf(const std::string& dir, const std::string& bot,
                                std::int64_t nowSec);
// Every pause in effect at `nowSec`, by bot name.
std::vector<std::pair<std::string, BotPause>> pausesIn(const std::string& dir, std::int64_t nowSec);
// Writes `bot`'s pause durably (creating `dir`); `bot` must be a safe name.
Expected<Ok, std::string> writePause(const std::string& dir, const std::string& bot,
                                     const BotPause& pause);
// Removes `bot`'s pause; false when there was none.
Expected<bool, std::string> removePause(const std::string& dir, const std::string& bot);

}  // namespace openclaw
