// SystemdManager over sd-bus on an AsioBus: the real systemd, event-driven, no polling.
//
// At creation it subscribes to the manager's signals and installs one JobRemoved match
// before any job is issued, so a job that finishes before its method reply is processed
// is still seen (its result is kept until the reply names the job).
#pragma once

#include <map>
#include <memory>

#include "openclaw/asio_bus.h"
#include "openclaw/systemd_manager.h"

namespace openclaw {

class SdBusSystemdManager : public SystemdManager {
 public:
  // Fails when the bus does not answer the match installation.
  static Result<std::unique_ptr<SdBusSystemdManager>> create(AsioBus& bus);
  ~SdBusSystemdManager() override;

  void restartUnit(const std::string& unit, JobCallback done) override;
  void startUnit(const std::string& unit, JobCallback done) override;
  void stopUnit(const std::string& unit, JobCallback done) override;
  void resetFailedUnit(const std::string& unit, ErrorCallback done) override;
  void reload(ErrorCallback done) override;
  void getUnitState(const std::string& unit, StateCallback done) override;
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override;

  // Called by the sd-bus callbacks; not for users.
  void jobQueued(const std::string& jobPath, JobCallback done);
  void jobRemoved(const std::string& jobPath, JobResult result);

 private:
  explicit SdBusSystemdManager(AsioBus& bus) : bus_(bus) {}
  void issueJob(const char* method, const std::string& unit, JobCallback done);

  AsioBus& bus_;
  BusSlotPtr jobRemovedSlot_;
  std::map<std::string, JobCallback> pendingJobs_;
  // JobRemoved seen before the method reply that names the job; bounded.
  std::map<std::string, JobResult> earlyResults_;
};

}  // namespace openclaw
