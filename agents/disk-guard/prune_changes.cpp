#include "prune_changes.h"

#include <sys/inotify.h>
#include <unistd.h>

namespace openclaw::diskguard {

void PlanChanges::read(const PrunePlan& plan) {
  if (!plan.changes) return;
  alignas(struct inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(plan.changes.get(), buffer, sizeof buffer);
    if (n <= 0) return;  // EAGAIN: nothing more
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const struct inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
      if (e->mask & IN_Q_OVERFLOW) {
        overflowed = true;
        continue;
      }
      const auto it = plan.watchFolder.find(e->wd);
      if (it == plan.watchFolder.end()) continue;
      if (e->mask & IN_IGNORED) {
        unwatched.insert(it->second);  // the folder itself is gone
        continue;
      }
      if (e->len > 0) names.emplace(it->second, e->name);
    }
  }
}

bool PlanChanges::known(const PrunePlan& plan, const PruneCandidate& c) const {
  return plan.changes && !overflowed && plan.folders[c.folder].watched &&
         !unwatched.contains(c.folder) && !names.contains({c.folder, c.name});
}

ChangeWindow::ChangeWindow(const std::vector<PrunePlan>& plans, const Clock& clock)
    : plans_(plans),
      clock_(clock),
      changes_(plans.size()),
      lastRead_(clock.steady() - 2 * kChangeWindow) {}

bool ChangeWindow::unchanged(std::size_t p, const PruneCandidate& c) {
  std::lock_guard guard(lock_);
  const auto now = clock_.steady();
  if (now - lastRead_ >= kChangeWindow) {
    for (std::size_t i = 0; i < plans_.size(); ++i) changes_[i].read(plans_[i]);
    lastRead_ = now;
  }
  return changes_[p].known(plans_[p], c);
}

}  // namespace openclaw::diskguard
