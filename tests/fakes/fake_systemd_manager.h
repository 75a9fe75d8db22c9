// An in-memory SystemdManager for unit tests of policy: records every call, completes jobs
// when the test says so, and lets the test change unit states and fire watches.  It proves
// nothing about systemd itself; tests/system/systemd-client does that against a real one.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "openclaw/systemd_manager.h"

namespace openclaw {

class FakeSystemdManager : public SystemdManager {
 public:
  std::vector<std::string> calls;  // "RestartUnit a.service", ...

  void restartUnit(const std::string& unit, JobCallback done) override {
    queue("RestartUnit", unit, std::move(done));
  }
  void startUnit(const std::string& unit, JobCallback done) override {
    queue("StartUnit", unit, std::move(done));
  }
  void stopUnit(const std::string& unit, JobCallback done) override {
    queue("StopUnit", unit, std::move(done));
  }
  void resetFailedUnit(const std::string& unit, ErrorCallback done) override {
    calls.push_back("ResetFailedUnit " + unit);
    done(nextError("ResetFailedUnit"));
  }
  void daemonReload(ErrorCallback done) override {
    calls.push_back("Reload");
    done(nextError("Reload"));
  }
  void getUnitState(const std::string& unit, StateCallback done) override { done(states[unit]); }
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override {
    auto watch = std::make_unique<Watch>(*this, unit);
    watchers_[watch.get()] = {unit, std::move(changed)};
    return watch;
  }

  // Completes the oldest pending job; false when none is pending.
  bool completeJob(JobResult result, BusCallError error = {}) {
    if (pending_.empty()) return false;
    PendingJob job = std::move(pending_.front());
    pending_.pop_front();
    job.done(JobOutcome{result, std::move(error)});
    return true;
  }
  // Completes the oldest pending job for `unit`; false when it has none.
  bool completeJob(const std::string& unit, JobResult result, BusCallError error = {}) {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->unit != unit) continue;
      JobCallback done = std::move(it->done);
      pending_.erase(it);
      done(JobOutcome{result, std::move(error)});
      return true;
    }
    return false;
  }
  // Fails the oldest pending job as systemd refuses a call: Unknown result, the error's
  // name (e.g. BusCallError::kNoSuchUnit) and a message.
  bool failJob(const std::string& errorName, std::string message = "refused by the test") {
    return completeJob(JobResult::Unknown, BusCallError{errorName, std::move(message)});
  }
  // The next call of `method` ("ResetFailedUnit", "Reload") fails with `errorName`.
  void failNext(const std::string& method, const std::string& errorName,
                std::string message = "refused by the test") {
    nextErrors_[method] = BusCallError{errorName, std::move(message)};
  }
  std::size_t pendingJobs() const { return pending_.size(); }

  // Changes a unit's state and tells its watchers, as a PropertiesChanged would.
  void setState(const std::string& unit, UnitState state) {
    states[unit] = std::move(state);
    notify(unit);
  }
  // Calls the unit's watchers with its current state.  The real manager also does this
  // once when a watch is in place; the fake leaves that moment to the test.
  void notify(const std::string& unit) {
    const UnitState state = states[unit];
    auto copy = watchers_;
    for (auto& [key, entry] : copy) {
      if (entry.first == unit && watchers_.contains(key)) entry.second(state);
    }
  }

  std::map<std::string, UnitState> states;

 private:
  struct Watch : UnitWatch {
    Watch(FakeSystemdManager& fake, std::string unit) : fake_(fake), unit_(std::move(unit)) {}
    ~Watch() override { fake_.watchers_.erase(this); }
    FakeSystemdManager& fake_;
    std::string unit_;
  };

  struct PendingJob {
    std::string unit;
    JobCallback done;
  };

  BusCallError nextError(const std::string& method) {
    const auto it = nextErrors_.find(method);
    if (it == nextErrors_.end()) return {};
    BusCallError error = std::move(it->second);
    nextErrors_.erase(it);
    return error;
  }

  void queue(const char* method, const std::string& unit, JobCallback done) {
    calls.push_back(std::string(method) + " " + unit);
    pending_.push_back(PendingJob{unit, std::move(done)});
  }

  std::deque<PendingJob> pending_;
  std::map<std::string, BusCallError> nextErrors_;
  std::map<UnitWatch*, std::pair<std::string, StateCallback>> watchers_;
};

}  // namespace openclaw
