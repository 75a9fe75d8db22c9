// Which alerts `openclaw-agentctl alerts` shows: by agent, level and age.  Pure.
#pragma once

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclaw/result.h"

namespace openclaw::agentctl {

struct AlertFilter {
  std::string agent;  // "" for any
  std::string level;  // "" for any, else info | warning | critical | recovered
  std::string since;  // "" for any, else the oldest "ts" shown, "YYYY-MM-DDTHH:MM:SSZ"

  bool any() const { return !agent.empty() || !level.empty() || !since.empty(); }
  // A line of alerts.jsonl (parsed) passes.  A line that is not an object passes only an
  // empty filter, as it cannot be judged.
  bool matches(const nlohmann::json& alert) const;
};

bool isAlertLevel(std::string_view level);

// A span as an operator writes it, "90s", "30m", "2h", "7d", in seconds (at most ten years);
// the error says what is accepted.
Expected<long long, std::string> parseSpan(std::string_view text);

// `--since` as an operator writes it, as the oldest "ts" to show: a time ago ("90s", "30m",
// "2h", "7d") from `now`, or a UTC date or time ("2026-11-28", "2026-11-28T14:00",
// "2026-11-28T14:00:05Z").  The error says what is accepted.
Expected<std::string, std::string> sinceBound(std::string_view text, std::time_t now);

}  // namespace openclaw::agentctl
