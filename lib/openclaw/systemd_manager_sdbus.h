// SystemdManager over sd-bus on an AsioBus: the real systemd, event-driven, no polling.
//
// At creation it subscribes to the manager's signals and installs one JobRemoved match
// before any job is issued, so a job that finishes before its method reply is processed
// is still seen (JobTracker keeps its result until the reply names the job).  If the bus
// disconnects, every job still waiting reports an error instead of waiting forever.
// Each call in flight keeps its own sd-bus slot, owned here and dropped when its reply has
// been handled; the destructor drops every slot and every job still waiting for JobRemoved,
// so no callback of a destroyed manager ever runs.  Errors carry the D-Bus error name.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "openclaw/asio_bus.h"
#include "openclaw/life_token.h"
#include "openclaw/systemd_job_tracker.h"
#include "openclaw/systemd_manager.h"

namespace openclaw {

class SdBusSystemdManager : public SystemdManager {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Fails when the matches cannot be queued on the bus.
  static Result<std::unique_ptr<SdBusSystemdManager>> create(AsioBus& bus);
  // For create() only (the key is private).
  SdBusSystemdManager(Key, AsioBus& bus);
  ~SdBusSystemdManager() override;
  SdBusSystemdManager(const SdBusSystemdManager&) = delete;
  SdBusSystemdManager& operator=(const SdBusSystemdManager&) = delete;

  void restartUnit(const std::string& unit, JobCallback done) override;
  void startUnit(const std::string& unit, JobCallback done) override;
  void stopUnit(const std::string& unit, JobCallback done) override;
  void resetFailedUnit(const std::string& unit, ErrorCallback done) override;
  void daemonReload(ErrorCallback done) override;
  void getUnitState(const std::string& unit, StateCallback done) override;
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override;

  // Called by the sd-bus callbacks; not for users.
  JobTracker& jobs() { return jobs_; }
  // Method calls whose reply has not been handled yet.
  std::size_t callsInFlight() const { return calls_.size(); }

 private:
  struct PendingCall;
  using AppendFn = std::function<int(sd_bus_message*)>;
  using ReplyFn = std::function<void(sd_bus_message* reply, const BusCallError& error)>;

  void call(const std::string& path, const char* iface, const char* member, const AppendFn& append,
            ReplyFn onReply);
  void failSoon(ReplyFn onReply, int r);
  static int onReply(sd_bus_message* m, void* userdata, sd_bus_error*);
  void issueJob(const char* method, const std::string& unit, JobCallback done);

  AsioBus& bus_;
  BusSlotPtr jobRemovedSlot_;
  BusSlotPtr disconnectSlot_;
  JobTracker jobs_;
  std::map<std::uint64_t, std::unique_ptr<PendingCall>> calls_;
  std::uint64_t nextCall_ = 0;
  // Guards what is posted to the loop (a call that could not be sent reports from there).
  LifeToken life_;
};

// For command-line tools and tests: runs `io` until `done()` holds, the deadline passes
// (false) or nothing is left to wait for (then whatever `done()` says).
bool runUntil(boost::asio::io_context& io, const std::function<bool()>& done,
              std::chrono::steady_clock::duration limit);

}  // namespace openclaw
