#include "openclaw/alerts.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>

#include "openclaw/handles.h"
#include "openclaw/json_text.h"
#include "openclaw/time_text.h"

namespace openclaw {

std::string alertLine(const Alert& a, long long unixSeconds) {
  nlohmann::json j = {{"ts", isoUtc(unixSeconds)}, {"level", a.level},   {"agent", a.agent},
                      {"event", a.event},          {"target", a.target}, {"message", a.message},
                      {"details", a.details}};
  // Messages quote paths and names from folders a container writes: a plain dump() would
  // throw on their bytes that are not UTF-8 and lose the alert.
  return toJsonText(j) + "\n";
}

Result<Ok> appendAlert(const Alert& alert, const std::string& path) {
  const std::string line = alertLine(alert, static_cast<long long>(std::time(nullptr)));
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640));
  if (!fd) return fromErrno();
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return fromErrno();
  }
  return Ok{};
}

}  // namespace openclaw
