// Every systemd manager one agent talks to: the system manager and each user manager its
// config names (`"user": "root"`), one reconnecting connection each, made on first use.
//
// It logs each manager becoming unreachable and reachable again, once per change
// (OPENCLAW_EVENT=manager-lost / manager-connected), and tells the agent so that it can
// update STATUS=; `problems()` is the text for that line.  After a reload the agent calls
// `retain` with the scopes its new config uses: the others are closed.
//
// A `Factory` given at construction makes the managers instead (tests pass one that hands
// out fakes); managers it makes have no reachability to report.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "openclaw/systemd_manager_reconnecting.h"
#include "openclaw/systemd_scope.h"

namespace openclaw {

class SystemdManagers {
 public:
  using Factory = std::function<std::unique_ptr<SystemdManager>(const ManagerScope&)>;

  SystemdManagers(boost::asio::io_context& io, std::function<void()> reachabilityChanged,
                  Factory factory = {})
      : io_(io),
        reachabilityChanged_(std::move(reachabilityChanged)),
        factory_(std::move(factory)) {}

  // The manager of `scope`, connecting (or retrying) from the first call on.
  SystemdManager& get(const ManagerScope& scope);
  void retain(const std::set<ManagerScope>& inUse);
  // "" when every manager in use is reachable; else each problem, "; "-separated.
  std::string problems() const;

 private:
  boost::asio::io_context& io_;
  struct Entry {
    std::unique_ptr<SystemdManager> manager;
    const ReconnectingSystemdManager* reconnecting = nullptr;  // null when made by factory_
  };

  std::function<void()> reachabilityChanged_;
  Factory factory_;
  std::map<ManagerScope, Entry> managers_;
};

}  // namespace openclaw
