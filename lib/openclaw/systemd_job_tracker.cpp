#include "openclaw/systemd_job_tracker.h"

#include <utility>
#include <vector>

namespace openclaw {

void JobTracker::queued(const std::string& jobPath, SystemdManager::JobCallback done) {
  if (auto it = early_.find(jobPath); it != early_.end()) {
    const JobResult result = it->second;
    early_.erase(it);
    done(JobOutcome{result, {}});
    return;
  }
  waiting_[jobPath] = std::move(done);
}

void JobTracker::removed(const std::string& jobPath, JobResult result) {
  auto it = waiting_.find(jobPath);
  if (it == waiting_.end()) {
    // Another client's job, or ours whose reply is still unread.  Drop by age, not by
    // path order: "job/1000" sorts before "job/999".
    early_[jobPath] = result;
    earlyOrder_.push_back(jobPath);
    while (earlyOrder_.size() > kMaxEarly) {
      early_.erase(earlyOrder_.front());
      earlyOrder_.pop_front();
    }
    return;
  }
  // Erased before the call: the callback may queue the next job on this tracker.
  SystemdManager::JobCallback done = std::move(it->second);
  waiting_.erase(it);
  done(JobOutcome{result, {}});
}

void JobTracker::failAll(const BusCallError& error) {
  std::vector<SystemdManager::JobCallback> callbacks;
  for (auto& [path, done] : waiting_) callbacks.push_back(std::move(done));
  waiting_.clear();
  early_.clear();
  earlyOrder_.clear();
  for (auto& done : callbacks) done(JobOutcome{JobResult::Unknown, error});
}

}  // namespace openclaw
