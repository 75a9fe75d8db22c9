#include "openclaw/systemd_managers.h"

#include "openclaw/log.h"

namespace openclaw {

SystemdManager& SystemdManagers::get(const ManagerScope& scope) {
  auto& slot = managers_[scope];
  if (slot) return *slot;
  slot = std::make_unique<ReconnectingSystemdManager>(io_, scope);
  slot->onReachableChanged([this, scope](bool reachable, const std::string& detail) {
    const std::string who = scope.describe();
    const std::string user = scope.isSystem() ? "" : scope.user;
    if (reachable) {
      Log::info("connected to " + who + " " + detail,
                {{"OPENCLAW_EVENT", "manager-connected"}, {"OPENCLAW_MANAGER_USER", user}});
    } else {
      Log::warning("cannot reach " + who + ": " + detail +
                       "; retrying, and requests for its units wait for it",
                   {{"OPENCLAW_EVENT", "manager-lost"}, {"OPENCLAW_MANAGER_USER", user}});
    }
    if (reachabilityChanged_) reachabilityChanged_();
  });
  slot->start();
  return *slot;
}

void SystemdManagers::retain(const std::set<ManagerScope>& inUse) {
  std::erase_if(managers_, [&](const auto& entry) { return !inUse.contains(entry.first); });
}

std::string SystemdManagers::problems() const {
  std::string out;
  for (const auto& [scope, manager] : managers_) {
    const std::string p = manager->problem();
    if (!p.empty()) out += (out.empty() ? "" : "; ") + p;
  }
  return out;
}

}  // namespace openclaw
