#include "openclaw/systemd_managers.h"

#include "openclaw/events.h"
#include "openclaw/log.h"

namespace openclaw {

SystemdManager& SystemdManagers::get(const ManagerScope& scope) {
  Entry& entry = managers_[scope];
  if (entry.manager) return *entry.manager;
  if (factory_) {
    entry.manager = factory_(scope);
    return *entry.manager;
  }
  auto slot = std::make_unique<ReconnectingSystemdManager>(io_, scope);
  slot->onReachableChanged([this, scope](bool reachable, const std::string& detail) {
    const std::string who = scope.describe();
    const std::string user = scope.isSystem() ? "" : scope.user;
    if (reachable) {
      Log::info(
          "connected to " + who + " " + detail,
          {{journal_key::kEvent, event::kManagerConnected}, {journal_key::kManagerUser, user}});
    } else {
      Log::warning("cannot reach " + who + ": " + detail +
                       "; retrying, and requests for its units wait for it",
                   {{journal_key::kEvent, event::kManagerLost}, {journal_key::kManagerUser, user}});
    }
    if (reachabilityChanged_) reachabilityChanged_();
  });
  slot->start();
  entry.reconnecting = slot.get();
  entry.manager = std::move(slot);
  return *entry.manager;
}

void SystemdManagers::retain(const std::set<ManagerScope>& inUse) {
  std::erase_if(managers_, [&](const auto& entry) { return !inUse.contains(entry.first); });
}

std::string SystemdManagers::problems() const {
  std::string out;
  for (const auto& [scope, entry] : managers_) {
    if (!entry.reconnecting) continue;
    const std::string p = entry.reconnecting->problem();
    if (!p.empty()) out += (out.empty() ? "" : "; ") + p;
  }
  return out;
}

}  // namespace openclaw
