// The prune's change tracking: what the inotify watches set up by the scan have said since,
// read again once kChangeWindow has passed on the injected clock.  Internal to disk-guard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "openclaw/clock.h"
#include "prune.h"

namespace openclaw::diskguard {

// What the inotify events have said since the scan, for one plan.
struct PlanChanges {
  bool overflowed = false;                                // events were lost: every name is checked
  std::set<std::uint32_t> unwatched;                      // folders whose watch has gone
  std::set<std::pair<std::uint32_t, std::string>> names;  // (folder, name) changed

  // Reads every event queued on the plan's inotify instance.
  void read(const PrunePlan& plan);
  // Whether the events vouch for the candidate being as it was scanned.
  bool known(const PrunePlan& plan, const PruneCandidate& c) const;
};

// The change window over all plans of one removal: the events are read before the first
// question, then again whenever kChangeWindow has passed since the last read.  Safe to ask
// from two threads.
class ChangeWindow {
 public:
  ChangeWindow(const std::vector<PrunePlan>& plans, const Clock& clock);

  // Whether the events vouch for candidate `c` of plan `p` being as it was scanned.
  bool unchanged(std::size_t p, const PruneCandidate& c);

 private:
  const std::vector<PrunePlan>& plans_;
  const Clock& clock_;
  std::mutex lock_;  // guards changes_ and lastRead_
  std::vector<PlanChanges> changes_;
  Clock::SteadyPoint lastRead_;
};

}  // namespace openclaw::diskguard
