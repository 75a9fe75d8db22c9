// Which systemd manager a unit lives in, and how to reach it.
//
// A unit lives in the system manager (PID 1) or in a user's manager (`user@UID.service`,
// which OpenClaw's own installer uses for the gateway, with lingering on).  A user manager
// is reached the way `systemctl --user` reaches it: first its private socket
// (`/run/user/UID/systemd/private`, a direct connection to the manager, present whenever
// the manager runs, root may connect), then the user's bus (`/run/user/UID/bus`, only where
// dbus-user-session is installed).  The system manager is reached over the system bus.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "openclaw/config_reader.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace openclaw {

struct ManagerScope {
  std::string user;  // empty: the system manager

  bool isSystem() const { return user.empty(); }
  // "the system manager", "root's user manager"
  std::string describe() const;
  bool operator==(const ManagerScope&) const = default;
  bool operator<(const ManagerScope& o) const { return user < o.user; }
};

// One way to reach a manager.  An empty address means the system bus as sd-bus finds it
// ($DBUS_SYSTEM_BUS_ADDRESS or the default socket).
struct ManagerEndpoint {
  std::string address;    // "unix:path=/run/user/0/systemd/private"
  bool busClient = true;  // false: a direct connection to the manager, no bus daemon
  std::string label;      // for logs: "/run/user/0/systemd/private"
};

// The ways to reach `scope`'s manager, best first, or why there is none (no such user).
Expected<std::vector<ManagerEndpoint>, std::string> managerEndpoints(const ManagerScope& scope);

// A started connection to one endpoint (for blocking calls, or to hand to AsioBus).  A
// unix socket connects at once or fails at once (ENOENT, ECONNREFUSED): this never blocks.
Result<BusPtr> connectEndpoint(const ManagerEndpoint& endpoint);

// The user's uid from the password database, or a sentence saying why not.
Expected<uid_t, std::string> lookupUserId(const std::string& name);

// Reads an object's optional "user" key (the unit lives in that user's manager); an issue
// when it is not a user of this host.  No key: the system manager.
ManagerScope readManagerScope(ConfigObject& obj);

// A name that can be a user name: [a-z_][a-z0-9_.-]*[$]?, at most 32 characters (what
// useradd accepts by default, plus upper case, which some sites use).
bool isUserName(const std::string& name);

}  // namespace openclaw
