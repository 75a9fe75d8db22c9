#include "openclaw/log.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "openclaw/events.h"
#include "openclaw/journal_catalog.h"

namespace openclaw {
namespace {

struct LogState {
  std::mutex mutex;
  std::string identifier = "openclaw";
  LogSink sink = LogSink::Stderr;
  int maxPriority = LOG_INFO;
};

LogState& state() {
  static LogState s;
  return s;
}

const char* levelName(int priority) {
  switch (priority) {
    case LOG_EMERG:
    case LOG_ALERT:
    case LOG_CRIT:
      return "critical";
    case LOG_ERR:
      return "error";
    case LOG_WARNING:
      return "warning";
    case LOG_NOTICE:
      return "notice";
    case LOG_INFO:
      return "info";
    default:
      return "debug";
  }
}

void writeJournal(const LogState& s, int priority, std::string_view message,
                  const std::vector<LogField>& fields) {
  std::vector<std::string> parts;
  parts.reserve(fields.size() + 3);
  parts.push_back("MESSAGE=" + std::string(message));
  parts.push_back("PRIORITY=" + std::to_string(priority));
  parts.push_back("SYSLOG_IDENTIFIER=" + s.identifier);
  bool hasId = false;
  bool isAlert = false;
  std::string_view event;
  for (const auto& f : fields) {
    parts.push_back(std::string(f.name) + "=" + f.value);
    hasId = hasId || f.name == "MESSAGE_ID";
    isAlert = isAlert || f.name == journal_key::kAlertLevel;
    if (f.name == journal_key::kEvent) event = f.value;
  }
  // An event the catalog explains carries its id, so `journalctl -x` shows the text; an
  // alert (the Alerter's entry) whose event has none carries the alerts' own.
  std::string_view id = messageIdOf(event);
  if (id.empty() && isAlert) id = kAlertMessageId;
  if (!hasId && !id.empty()) parts.push_back("MESSAGE_ID=" + std::string(id));
  std::vector<iovec> iov;
  iov.reserve(parts.size());
  for (auto& p : parts) iov.push_back({p.data(), p.size()});
  if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) {
    // The journal socket is gone (journald restarting): keep the entry on stderr,
    // which systemd still collects.
    std::string line = formatPlainLine(priority, message, fields) + "\n";
    (void)!::write(STDERR_FILENO, line.data(), line.size());
  }
}

}  // namespace

bool stderrIsJournal() {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == dev && st.st_ino == ino;
}

std::string formatPlainLine(int priority, std::string_view message,
                            const std::vector<LogField>& fields) {
  std::string line = levelName(priority);
  line += ": ";
  line += message;
  for (const auto& f : fields) {
    line += ' ';
    line += f.name;
    line += '=';
    line += f.value;
  }
  return line;
}

void Log::init(std::string identifier) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.identifier = std::move(identifier);
  s.sink = stderrIsJournal() ? LogSink::Journal : LogSink::Stderr;
}

void Log::setSink(LogSink sink) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.sink = sink;
}

LogSink Log::sink() {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  return s.sink;
}

void Log::setMaxPriority(int priority) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.maxPriority = priority;
}

void Log::write(int priority, std::string_view message, std::initializer_list<LogField> fields) {
  write(priority, message, std::vector<LogField>(fields));
}

void Log::write(int priority, std::string_view message, const std::vector<LogField>& fields) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  if (priority > s.maxPriority) return;
  if (s.sink == LogSink::Journal) {
    writeJournal(s, priority, message, fields);
    return;
  }
  std::string line = formatPlainLine(priority, message, fields) + "\n";
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace openclaw
