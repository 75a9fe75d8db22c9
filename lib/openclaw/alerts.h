// The shared alert log: /var/lib/openclaw-agents/alerts.jsonl, one JSON object a line
// (ts, level, agent, event, target, message, details).  Each alert is one O_APPEND write,
// so lines from several agents never interleave.  Telegram delivery comes on top of this.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "openclaw/result.h"

namespace openclaw {

struct Alert {
  std::string level;  // info, warning, critical, recovered
  std::string agent;
  std::string event;
  std::string target;
  std::string message;
  nlohmann::json details = nlohmann::json::object();
};

inline constexpr const char* kAlertLog = "/var/lib/openclaw-agents/alerts.jsonl";

std::string alertLine(const Alert& alert, long long unixSeconds);
Result<Ok> appendAlert(const Alert& alert, const std::string& path = kAlertLog);

}  // namespace openclaw
