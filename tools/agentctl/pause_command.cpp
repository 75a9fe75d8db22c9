#include "pause_command.h"

#include <ctime>
#include <iostream>

#include "alert_filter.h"
#include "openclaw/bot_pause.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr const char* kPauseUsage =
    "usage: openclaw-agentctl pause BOT [--for SPAN (90s, 30m, 2h, 7d)] [--reason TEXT]\n";
constexpr const char* kResumeUsage = "usage: openclaw-agentctl resume BOT\n";

}  // namespace

int pauseCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0].starts_with("-")) {
    std::cerr << kPauseUsage;
    return kExitUsage;
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  BotPause pause;
  pause.sinceSec = now;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--for" && i + 1 < args.size()) {
      const auto span = parseSpan(args[++i]);
      if (!span || *span == 0) {
        std::cerr << "openclaw-agentctl: --for: " << (span ? "a pause of no time" : span.error())
                  << "\n"
                  << kPauseUsage;
        return kExitUsage;
      }
      pause.untilSec = now + *span;
    } else if (args[i] == "--reason" && i + 1 < args.size()) {
      pause.reason = args[++i].substr(0, 200);
    } else {
      std::cerr << kPauseUsage;
      return kExitUsage;
    }
  }
  if (auto r = writePause(kPauseDir, args[0], pause); !r) {
    std::cerr << "openclaw-agentctl: " << r.error() << "\n";
    return 1;
  }
  std::cout << args[0] << " paused " << pause.describe()
            << ": jack-supervisor will not repair or restart it, flag-watcher will absorb its "
               "revive flags\n";
  return 0;
}

int resumeCommand(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].starts_with("-")) {
    std::cerr << kResumeUsage;
    return kExitUsage;
  }
  const auto removed = removePause(kPauseDir, args[0]);
  if (!removed) {
    std::cerr << "openclaw-agentctl: " << removed.error() << "\n";
    return 1;
  }
  std::cout << args[0] << (*removed ? " resumed: the agents act on it again" : " was not paused")
            << "\n";
  return 0;
}

}  // namespace openclaw::agentctl
