// Logging for the daemons: journald with structured fields, or plain stderr.
//
// Under systemd with its output going to the journal (JOURNAL_STREAM names our stderr), each
// entry is sent natively with SYSLOG_IDENTIFIER, PRIORITY and the caller's fields
// (OPENCLAW_EVENT=, OPENCLAW_TARGET=, ...), so `journalctl -o verbose` shows them and
// `journalctl OPENCLAW_EVENT=revive` filters on them.  Anywhere else (a terminal, a test) a
// line "<level>: message KEY=value ..." goes to stderr.  Library code logs at debug at most;
// the daemon that decides logs once.
#pragma once

#include <syslog.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openclaw {

struct LogField {
  // One constructor per kind of value, so `{journal_key::kEvent, event::kRevive}` (events.h),
  // a literal and a std::string all read the same at the call site.
  LogField(std::string_view n, std::string v) : name(n), value(std::move(v)) {}
  LogField(std::string_view n, std::string_view v) : name(n), value(v) {}
  LogField(std::string_view n, const char* v) : name(n), value(v) {}

  std::string_view name;  // upper-case journal field name, journal_key:: in events.h
  std::string value;
};

enum class LogSink { Journal, Stderr };

class Log {
 public:
  // Sets the identifier (e.g. "openclaw-flag-watcher") and picks the sink from the
  // environment.  Call once at start-up; before that, entries go to stderr.
  static void init(std::string identifier);
  static void setSink(LogSink sink);
  static LogSink sink();
  static void setMaxPriority(int priority);

  static void write(int priority, std::string_view message, std::initializer_list<LogField> fields);
  static void write(int priority, std::string_view message, const std::vector<LogField>& fields);

  static void error(std::string_view m, std::initializer_list<LogField> f = {}) {
    write(LOG_ERR, m, f);
  }
  static void warning(std::string_view m, std::initializer_list<LogField> f = {}) {
    write(LOG_WARNING, m, f);
  }
  static void notice(std::string_view m, std::initializer_list<LogField> f = {}) {
    write(LOG_NOTICE, m, f);
  }
  static void info(std::string_view m, std::initializer_list<LogField> f = {}) {
    write(LOG_INFO, m, f);
  }
  static void debug(std::string_view m, std::initializer_list<LogField> f = {}) {
    write(LOG_DEBUG, m, f);
  }
};

// True when the environment says stderr is connected to the journal.
bool stderrIsJournal();

// The stderr form of an entry, exposed for tests: "warning: message KEY=value".
std::string formatPlainLine(int priority, std::string_view message,
                            const std::vector<LogField>& fields);

}  // namespace openclaw
