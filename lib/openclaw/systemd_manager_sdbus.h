// SystemdManager over sd-bus on an AsioBus: the real systemd, event-driven, no polling.
//
// At creation it subscribes to the manager's signals and installs one JobRemoved match
// before any job is issued, so a job that finishes before its method reply is processed
// is still seen (JobTracker keeps its result until the reply names the job).  If the bus
// disconnects, every job still waiting reports an error instead of waiting forever.
// Callbacks of calls still in flight when the manager is destroyed are dropped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_job_tracker.h"
#include "openclaw/systemd_manager.h"

namespace openclaw {

class SdBusSystemdManager : public SystemdManager {
 public:
  // Fails when the matches cannot be queued on the bus.
  static Result<std::unique_ptr<SdBusSystemdManager>> create(AsioBus& bus);
  ~SdBusSystemdManager() override;

  void restartUnit(const std::string& unit, JobCallback done) override;
  void startUnit(const std::string& unit, JobCallback done) override;
  void stopUnit(const std::string& unit, JobCallback done) override;
  void resetFailedUnit(const std::string& unit, ErrorCallback done) override;
  void daemonReload(ErrorCallback done) override;
  void getUnitState(const std::string& unit, StateCallback done) override;
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override;

  // Called by the sd-bus callbacks; not for users.
  JobTracker& jobs() { return jobs_; }

 private:
  explicit SdBusSystemdManager(AsioBus& bus) : bus_(bus) {}
  void issueJob(const char* method, const std::string& unit, JobCallback done);

  AsioBus& bus_;
  BusSlotPtr jobRemovedSlot_;
  BusSlotPtr disconnectSlot_;
  JobTracker jobs_;
  // Replies that arrive after destruction check it and touch nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// For command-line tools and tests: runs `io` until `done()` holds, the deadline passes
// (false) or nothing is left to wait for (then whatever `done()` says).
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::steady_clock::duration limit);

}  // namespace openclaw
