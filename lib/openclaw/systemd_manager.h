// The one narrow interface to systemd's manager that the agents use.
//
// Every call is asynchronous; callbacks run on the daemon's io_context.  Job-issuing calls
// (restart, start, stop; mode "replace") report the job's *final* result from systemd's
// JobRemoved signal, not merely that a job was queued: "the restart happened" means
// JobResult::Done.  A call that systemd refuses (e.g. NoSuchUnit) reports the D-Bus error,
// by name and message, with JobResult::Unknown: callers branch on the name, never the text.
// Implementations subscribe to the manager's signals when they are created, so there is no
// separate subscribe step to forget.  `SdBusSystemdManager` is the real one over sd-bus;
// tests of policy use a fake (tests/fakes/fake_systemd_manager.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "openclaw/result.h"

namespace openclaw {

enum class JobResult { Done, Canceled, Timeout, Failed, Dependency, Skipped, Unknown };

JobResult parseJobResult(std::string_view text);
std::string_view toString(JobResult result);

// Why a call failed: the D-Bus error name ("org.freedesktop.systemd1.NoSuchUnit") and its
// message.  A failure with no D-Bus error (the call could not be sent, the reply did not
// parse) has a name too, from the errno: "System.Error.ENOENT", as sd-bus maps them.
// No name means no error.
struct BusCallError {
  std::string name;
  std::string message;

  static constexpr const char* kNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
  static constexpr const char* kDisconnected = "org.freedesktop.DBus.Local.Disconnected";
  // For a call that never reached the manager: it is unreachable.
  static constexpr const char* kUnreachable = "org.openclaw.ManagerUnreachable";

  bool failed() const { return !name.empty(); }
  bool is(std::string_view errorName) const { return name == errorName; }
  bool isNoSuchUnit() const { return is(kNoSuchUnit); }
  // "org.freedesktop.systemd1.NoSuchUnit: Unit x.service not found.", for logs; "" if none.
  std::string text() const;
};

struct JobOutcome {
  JobResult result = JobResult::Unknown;
  BusCallError error;  // set when the call itself failed
  bool ok() const { return !error.failed() && result == JobResult::Done; }
};

struct UnitState {
  std::string loadState;    // loaded, not-found, ...
  std::string activeState;  // active, failed, activating, ...
  std::string subState;     // running, dead, auto-restart, ...
  std::string result;       // Service.Result: success, exit-code, start-limit-hit, ...
  std::uint32_t nRestarts = 0;
  std::uint64_t execMainStartTimestampMonotonic = 0;  // usec
  std::string statusText;
};

// Keeps a watch registered; destroying it unregisters.
class UnitWatch {
 public:
  virtual ~UnitWatch() = default;
};

class SystemdManager {
 public:
  using JobCallback = std::function<void(const JobOutcome&)>;
  using ErrorCallback = std::function<void(const BusCallError& error)>;  // !failed(): success
  using StateCallback = std::function<void(const Expected<UnitState, std::string>&)>;

  virtual ~SystemdManager() = default;

  virtual void restartUnit(const std::string& unit, JobCallback done) = 0;
  virtual void startUnit(const std::string& unit, JobCallback done) = 0;
  virtual void stopUnit(const std::string& unit, JobCallback done) = 0;
  // Clears the failed state, including the start-limit-hit latch.
  virtual void resetFailedUnit(const std::string& unit, ErrorCallback done) = 0;
  // Manager.Reload, as `systemctl daemon-reload`: unit files written since are seen.
  virtual void daemonReload(ErrorCallback done) = 0;
  virtual void getUnitState(const std::string& unit, StateCallback done) = 0;
  // Calls `changed` with the unit's state once the watch is in place (so no change between
  // watching and reading is lost), then with a fresh state whenever the unit's properties
  // change; with an error if the watch cannot be installed.
  virtual std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) = 0;
};

// "/org/freedesktop/systemd1/unit/openclaw_2dgateway_2eservice"
std::string unitObjectPath(const std::string& unit);

}  // namespace openclaw
