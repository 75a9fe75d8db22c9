// Unix times as text, in the few forms the suite prints: ISO 8601 UTC for files and JSON
// ("2026-11-23T01:50:04Z"), compact UTC stamps for file names ("20261123T015004Z"), and
// local wall-clock forms for people.  A time no calendar can hold prints as its number.
#pragma once

#include <cstdint>
#include <string>

namespace openclaw {

enum class Zone { Utc, Local };

// strftime(format) of `unixSeconds`; at most 63 characters.
std::string formatTime(std::int64_t unixSeconds, const char* format, Zone zone);

inline std::string isoUtc(std::int64_t unixSeconds) {
  return formatTime(unixSeconds, "%Y-%m-%dT%H:%M:%SZ", Zone::Utc);
}

}  // namespace openclaw
