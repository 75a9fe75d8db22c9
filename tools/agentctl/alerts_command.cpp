#include "alerts_command.h"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "openclaw/alerts.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr long kDefaultLimit = 20;
constexpr long kMaxLimit = 10000;

bool parseArgs(const std::vector<std::string>& args, long& limit, bool& json) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--limit" && i + 1 < args.size()) {
      char* end = nullptr;
      limit = std::strtol(args[++i].c_str(), &end, 10);
      if (*end != '\0' || limit < 1 || limit > kMaxLimit) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

std::string field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int alertsCommand(const std::vector<std::string>& args) {
  long limit = kDefaultLimit;
  bool json = false;
  if (!parseArgs(args, limit, json)) {
    std::cerr << "usage: openclaw-agentctl alerts [--limit N (1-" << kMaxLimit << ")] [--json]\n";
    return kExitUsage;
  }
  auto lines = recentAlertLines(kAlertLog, static_cast<std::size_t>(limit));
  if (!lines) {
    std::cerr << "openclaw-agentctl: cannot read the alerts: " << lines.error() << "\n";
    return 1;
  }
  if (lines->empty()) {
    std::cout << "no alerts yet (" << kAlertLog
              << " and its rotated generations are empty or missing)\n";
    return 0;
  }
  for (const auto& line : *lines) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json || !j.is_object()) {
      std::cout << line << "\n";
      continue;
    }
    std::cout << field(j, "ts") << "  " << upper(field(j, "level")) << "  " << field(j, "agent")
              << "  " << field(j, "target") << "  " << field(j, "event") << ": "
              << field(j, "message") << "\n";
  }
  return 0;
}

}  // namespace openclaw::agentctl
