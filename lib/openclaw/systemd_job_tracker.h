// Matches systemd's JobRemoved signals to the calls that queued the jobs.
//
// A job-issuing call learns its job path from the method reply; the job's end comes as a
// JobRemoved signal.  Either may be processed first, so a result that arrives before any
// caller names its job is kept (the most recent `kMaxEarly`, oldest dropped first; they are
// mostly other clients' jobs) until a reply claims it.  Pure bookkeeping, no bus.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>

#include "openclaw/systemd_manager.h"

namespace openclaw {

class JobTracker {
 public:
  // Enough for every job a busy host removes between a call's reply being sent and read.
  static constexpr std::size_t kMaxEarly = 256;

  // Our call's reply named `jobPath`: `done` runs now if its result is already known,
  // else when `removed()` names the job.
  void queued(const std::string& jobPath, SystemdManager::JobCallback done);
  // systemd reported that `jobPath` finished with `result`.
  void removed(const std::string& jobPath, JobResult result);
  // No JobRemoved will come any more (the bus is gone): every waiting caller gets `error`.
  void failAll(const BusCallError& error);

  std::size_t waiting() const { return waiting_.size(); }
  std::size_t early() const { return early_.size(); }

 private:
  std::map<std::string, SystemdManager::JobCallback> waiting_;
  std::map<std::string, JobResult> early_;
  std::deque<std::string> earlyOrder_;
};

}  // namespace openclaw
