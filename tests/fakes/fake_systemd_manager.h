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
    done("");
  }
  void reload(ErrorCallback done) override {
    calls.push_back("Reload");
    done("");
  }
  void getUnitState(const std::string& unit, StateCallback done) override { done(states[unit]); }
  std::unique_ptr<UnitWatch> watchUnit(const std::string& unit, StateCallback changed) override {
    auto watch = std::make_unique<Watch>(*this, unit);
    watchers_[watch.get()] = {unit, std::move(changed)};
    return watch;
  }

  // Completes the oldest pending job.
  void completeJob(JobResult result, std::string error = "") {
    if (pending_.empty()) return;
    JobCallback done = std::move(pending_.front());
    pending_.pop_front();
    done(JobOutcome{result, std::move(error)});
  }
  std::size_t pendingJobs() const { return pending_.size(); }

  void setState(const std::string& unit, UnitState state) {
    states[unit] = state;
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

  void queue(const char* method, const std::string& unit, JobCallback done) {
    calls.push_back(std::string(method) + " " + unit);
    pending_.push_back(std::move(done));
  }

  std::deque<JobCallback> pending_;
  std::map<UnitWatch*, std::pair<std::string, StateCallback>> watchers_;
};

}  // namespace openclaw
