// Unix times as text, in the few forms the suite prints: ISO 8601 UTC for files and JSON
// ("2026-11-23T01:50:04Z"), compact UTC stamps for file names ("20261123T015004Z"), and
// local wall-clock forms for people.  A time no calendar can hold prints as its number.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

namespace openclaw {

enum class Zone { Utc, Local };

// strftime(format) of `unixSeconds`; at most 63 characters.
std::string formatTime(std::int64_t unixSeconds, const char* format, Zone zone);

inline std::string isoUtc(std::int64_t unixSeconds) {
  return formatTime(unixSeconds, "%Y-%m-%dT%H:%M:%SZ", Zone::Utc);
}

// CLOCK_MONOTONIC in microseconds: the clock of sd-bus timeouts and of systemd's
// *TimestampMonotonic properties.
inline std::uint64_t monotonicUsec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace openclaw
