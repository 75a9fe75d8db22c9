#include "alert_filter.h"

#include <array>
#include <charconv>

#include "openclaw/time_text.h"

namespace openclaw::agentctl {
namespace {

constexpr std::array<std::string_view, 4> kLevels = {"info", "warning", "critical", "recovered"};
// Ten years: anything older is a typo, and the arithmetic stays far from overflow.
constexpr long long kMaxAgoSec = 10LL * 366 * 86400;

std::string field(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// "D" digits at text[from..from+n), as a number; -1 when they are not all digits.
int digits(std::string_view text, std::size_t from, std::size_t n) {
  if (from + n > text.size()) return -1;
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// "YYYY-MM-DD[THH:MM[:SS]][Z]" to "YYYY-MM-DDTHH:MM:SSZ", or "" when it is not that.
std::string isoBound(std::string_view t) {
  if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
  const bool date = t.size() >= 10 && digits(t, 0, 4) >= 0 && t[4] == '-' && digits(t, 5, 2) >= 1 &&
                    digits(t, 5, 2) <= 12 && t[7] == '-' && digits(t, 8, 2) >= 1 &&
                    digits(t, 8, 2) <= 31;
  if (!date) return "";
  std::string out(t.substr(0, 10));
  if (t.size() == 10) return out + "T00:00:00Z";
  if ((t.size() != 16 && t.size() != 19) || (t[10] != 'T' && t[10] != ' ')) return "";
  const int h = digits(t, 11, 2), m = t[13] == ':' ? digits(t, 14, 2) : -1;
  const int s = t.size() == 19 ? (t[16] == ':' ? digits(t, 17, 2) : -1) : 0;
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60) return "";
  out += "T" + std::string(t.substr(11, 5)) + ":" +
         (t.size() == 19 ? std::string(t.substr(17, 2)) : "00") + "Z";
  return out;
}

}  // namespace

bool isAlertLevel(std::string_view level) {
  for (auto l : kLevels) {
    if (l == level) return true;
  }
  return false;
}

bool AlertFilter::matches(const nlohmann::json& alert) const {
  if (!any()) return true;
  if (!alert.is_object()) return false;
  if (!agent.empty() && field(alert, "agent") != agent) return false;
  if (!level.empty() && field(alert, "level") != level) return false;
  // "ts" is written as YYYY-MM-DDTHH:MM:SSZ, so text order is time order.
  return since.empty() || field(alert, "ts") >= since;
}

Expected<long long, std::string> parseSpan(std::string_view text) {
  const std::string accepted = "a span is a number and s, m, h or d: 90s, 30m, 2h, 7d";
  if (text.size() < 2) return Unexpected<std::string>{accepted};
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || n < 0) {
    return Unexpected<std::string>{accepted};
  }
  long long unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return Unexpected<std::string>{accepted};
  }
  if (n > kMaxAgoSec / unit) return Unexpected<std::string>{"a span of more than ten years"};
  return n * unit;
}

Expected<std::string, std::string> sinceBound(std::string_view text, std::time_t now) {
  if (std::string iso = isoBound(text); !iso.empty()) return iso;
  const auto span = parseSpan(text);
  if (!span) {
    return Unexpected<std::string>{
        "--since takes a time ago (90s, 30m, 2h, 7d) or a UTC date or time (2026-11-28, "
        "2026-11-28T14:00, 2026-11-28T14:00:05Z)"};
  }
  return isoUtc(static_cast<std::int64_t>(now) - *span);
}

}  // namespace openclaw::agentctl
