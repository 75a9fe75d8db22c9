#include "alerts_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <iostream>
#include <nlohmann/json.hpp>

#include "openclaw/alerts.h"
#include "openclaw/handles.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr long kDefaultLimit = 20;
constexpr long kMaxLimit = 10000;
// Alerts are a few hundred bytes; the last 4 MiB hold far more than kMaxLimit of them.
constexpr off_t kTailBytes = 4 << 20;

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
  UniqueFd fd(::open(kAlertLog, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd && errno == ENOENT) {
    std::cout << "no alerts yet (" << kAlertLog << " does not exist)\n";
    return 0;
  }
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::cerr << "openclaw-agentctl: cannot read " << kAlertLog << ": "
              << (fd ? "not a regular file" : std::strerror(errno)) << "\n";
    return 1;
  }
  const off_t from = std::max<off_t>(0, st.st_size - kTailBytes);
  std::string tail(static_cast<std::size_t>(st.st_size - from), '\0');
  const ssize_t n = ::pread(fd.get(), tail.data(), tail.size(), from);
  tail.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  std::deque<std::string> lines;
  std::size_t start = 0;
  // Reading from the middle of the file: the first line is a fragment.
  if (from > 0) start = tail.find('\n') == std::string::npos ? tail.size() : tail.find('\n') + 1;
  while (start < tail.size()) {
    std::size_t end = tail.find('\n', start);
    if (end == std::string::npos) end = tail.size();
    if (end > start) lines.push_back(tail.substr(start, end - start));
    if (lines.size() > static_cast<std::size_t>(limit)) lines.pop_front();
    start = end + 1;
  }
  for (const auto& line : lines) {
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
