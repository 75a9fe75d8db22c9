// The shared alert log: /var/lib/openclaw-agents/alerts.jsonl, one JSON object a line
// (ts, level, agent, event, target, message, details).  Each alert is one O_APPEND write,
// so lines from several agents never interleave.  Telegram delivery comes on top of this.
//
// The log is rotated by size: once the live file reaches `maxBytes`, it becomes
// alerts.jsonl.1, .1 becomes .2, and so on; the oldest generation beyond `generations` is
// dropped.  Several agents (separate processes) append at once, so a rotation runs under an
// exclusive flock() on alerts.jsonl.lock, re-checks the size under it, and is skipped when
// another process holds the lock (a later append rotates).  Writers take no lock: a line
// written to a file that has just been renamed lands, whole, in alerts.jsonl.1.  What is not
// guaranteed: a writer that keeps its descriptor open across `generations` rotations (it
// holds it for one write) would write into a generation already dropped.  Readers take a
// shared lock, so they never see a rotation half done.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclaw/log.h"
#include "openclaw/result.h"

namespace openclaw {

struct Alert {
  std::string level;  // info, warning, critical, recovered
  std::string agent;
  std::string event;
  std::string target;
  std::string message;
  nlohmann::json details = nlohmann::json::object();
  // Extra fields of its journal entry only (OPENCLAW_COMPONENT, ...): not in alerts.jsonl.
  std::vector<LogField> journal = {};
};

inline constexpr const char* kAlertLog = "/var/lib/openclaw-agents/alerts.jsonl";

struct AlertLogLimits {
  // An alert line is 200 to 600 bytes and repeats are folded into one line a window
  // (Alerter), so even a bad day writes a few hundred lines: 1 MiB holds a few thousand,
  // weeks of a normal host.  Three generations keep the history of a month or more in at
  // most 4 MiB, small beside any disk these hosts have, and `agentctl alerts` reads all of
  // it (its --limit stops at 10 000 lines) in well under a second.
  off_t maxBytes = 1 << 20;
  int generations = 3;
};

// "<path>.<n>"; generation 0 is the live file itself.
std::string alertLogGeneration(const std::string& path, int n);

// The line as written, newline included.  Never throws: bytes that are not UTF-8 (paths,
// names) become U+FFFD.
std::string alertLine(const Alert& alert, long long unixSeconds);

struct AlertAppend {
  bool rotated = false;
  std::error_code rotateError;  // set when the log was due for rotation and could not be
};

// Appends the alert's line, then rotates the log if it has reached its size (see above).
// An error means the line was not written; a rotation that failed is reported beside the
// success and tried again at the next append.
Result<AlertAppend> appendAlert(const Alert& alert, const std::string& path = kAlertLog,
                                const AlertLogLimits& limits = {});

// Rotates `path` if it is a regular file of at least limits.maxBytes.  True when this call
// rotated; false when nothing was due or another process holds the lock.
Result<bool> rotateAlertLog(const std::string& path, const AlertLogLimits& limits = {});

// The newest `limit` lines of the log, oldest first, read across the live file and its
// generations (under the shared lock when the lock file exists).  Missing files are no
// alerts; a file that is not a regular file is an error naming it.
Expected<std::vector<std::string>, std::string> recentAlertLines(const std::string& path,
                                                                 std::size_t limit,
                                                                 const AlertLogLimits& limits = {});

}  // namespace openclaw
