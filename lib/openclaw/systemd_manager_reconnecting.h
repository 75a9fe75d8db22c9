// A SystemdManager that stays usable while the manager behind it comes and goes.
//
// It keeps one connection to one manager (the system's, or a user's: see systemd_scope.h)
// and, whenever that connection is missing or lost (the system bus restarted, the user
// manager restarted, or not running yet because lingering is off or the boot is still in
// progress), connects again with backoff: 0.25 s, doubling up to 5 s, back to 0.25 s once a
// connection has lasted 10 s.  Meanwhile:
// - calls wait for the connection, in order, at most `kCallWait` each and at most
//   `kMaxWaitingCalls` of them; a call past either limit fails with the reason the manager
//   is unreachable;
// - watches stay registered: each new connection installs them again, and each reports the
//   unit's fresh state then (so a change made while disconnected is seen); a lost
//   connection is reported to each watch once, as an error;
// - a job in flight when the connection drops reports an error, never a result.
// `problem()` says in one line why the manager is unreachable ("" when it is reachable),
// for STATUS=; `onReachableChanged` tells the owner of every change, so that it logs each
// loss and each recovery once.  Callbacks run on the loop; none runs after destruction.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "openclaw/asio_bus.h"
#include "openclaw/life_token.h"
#include "openclaw/systemd_manager.h"
#include "openclaw/systemd_manager_sdbus.h"
#include "openclaw/systemd_scope.h"

namespace openclaw {

class ReconnectingSystemdManager : public SystemdManager {
 public:
  // Long enough for a user manager to come up at boot; short enough that a caller hears of
  // a manager that is gone for good while its request still matters.
  static constexpr std::chrono::seconds kCallWait{30};
  static constexpr std::size_t kMaxWaitingCalls = 256;

  // reachable, and what the connection is ("via /run/user/0/systemd/private") or why there
  // is none.
  using ReachableCallback = std::function<void(bool reachable, const std::string& detail)>;

  ReconnectingSystemdManager(boost::asio::io_context& io, ManagerScope scope,
                             std::chrono::milliseconds callWait = kCallWait);
  ~ReconnectingSystemdManager() override;
  ReconnectingSystemdManager(const ReconnectingSystemdManager&) = delete;
  ReconnectingSystemdManager& operator=(const ReconnectingSystemdManager&) = delete;

  // The first attempt, made now: a manager that is there is connected on return.
  void start();
  void onReachableChanged(ReachableCallback callback) { reachableChanged_ = std::move(callback); }
  bool connected() const;
  const ManagerScope& scope() const { return scope_; }
  // "" while connected; else e.g. "root's user manager unreachable since 05:24:11:
  // /run/user/0/systemd/private: No such file or directory".
  std::string problem() const;

  void restartUnit(const std::string& unit, JobCallback done) override;
  void startUnit(const std::string& unit, JobCallback done) override;
  void stopUnit(const std::string& unit, JobCallback done) override;
  void resetFailedUnit(const std::string& unit, ErrorCallback done) override;
  void daemonReload(ErrorCallback done) override;
  void getUnitState(const std::string& unit, StateCallback done) override;
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override;

 private:
  class LinkedWatch;
  using WatchSet = std::set<LinkedWatch*>;
  struct WaitingCall {
    std::function<void(SystemdManager&)> run;
    std::function<void(const std::string& error)> fail;
    std::chrono::steady_clock::time_point deadline;
  };

  using JobCall = void (SystemdManager::*)(const std::string&, JobCallback);
  void issueJob(JobCall call, const std::string& unit, JobCallback done);
  void connect();
  void connected(std::unique_ptr<AsioBus> bus, std::unique_ptr<SdBusSystemdManager> manager,
                 const std::string& label);
  void lost(const std::string& why);
  void unreachable(const std::string& why);
  void scheduleRetry();
  void whenConnected(std::function<void(SystemdManager&)> run,
                     std::function<void(const std::string& error)> fail);
  void armCallDeadline();
  void failExpiredCalls();
  void setReachable(bool reachable, const std::string& detail);

  boost::asio::io_context& io_;
  ManagerScope scope_;
  std::unique_ptr<AsioBus> bus_;
  std::unique_ptr<SdBusSystemdManager> manager_;
  std::shared_ptr<WatchSet> watches_ = std::make_shared<WatchSet>();
  std::deque<WaitingCall> waiting_;
  boost::asio::steady_timer retryTimer_;
  boost::asio::steady_timer callTimer_;
  std::chrono::milliseconds callWait_;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point connectedAt_{};
  std::string why_ = "not connected yet";
  std::int64_t unreachableSince_ = 0;  // Unix time, for problem()
  bool reachable_ = false;
  bool reported_ = false;  // reachableChanged_ has been told something
  ReachableCallback reachableChanged_;
  LifeToken life_;
};

}  // namespace openclaw
