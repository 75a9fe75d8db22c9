#include "openclaw/time_text.h"

#include <ctime>

namespace openclaw {

std::string formatTime(std::int64_t unixSeconds, const char* format, Zone zone) {
  const auto t = static_cast<std::time_t>(unixSeconds);
  std::tm tm{};
  const bool ok =
      zone == Zone::Utc ? ::gmtime_r(&t, &tm) != nullptr : ::localtime_r(&t, &tm) != nullptr;
  char text[64];
  if (!ok || std::strftime(text, sizeof text, format, &tm) == 0) return std::to_string(unixSeconds);
  return text;
}

}  // namespace openclaw
