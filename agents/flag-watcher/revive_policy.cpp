#include "revive_policy.h"

#include "boot_token.h"
#include "openclaw/config_reader.h"

namespace openclaw::flagwatcher {
std::string_view toString(ReviveDecision d) {
  switch (d) {
    case ReviveDecision::RestartNow:
      return "restart";
    case ReviveDecision::CoalescedInFlight:
      return "coalesced-in-flight";
    case ReviveDecision::CoalescedRecent:
      return "coalesced";
    case ReviveDecision::RefusedBudget:
      return "refused-budget";
  }
  return "unknown";
}

std::string_view toString(ResumeDecision d) {
  switch (d) {
    case ResumeDecision::DoneBeforeRestart:
      return "done-before-restart";
    case ResumeDecision::DoneByReboot:
      return "done-by-reboot";
    case ResumeDecision::RestartAgain:
      return "restart-again";
  }
  return "unknown";
}

ResumeDecision decideResume(const TargetLedger& ledger, const std::string& currentBoot,
                            const SettledUnit& unit) {
  // Only two tokens tell boots apart: an empty id (the kernel's boot id read under
  // ProcSubset=pid) or one of an older format says nothing about the boot it came from.
  const bool known = isBootToken(ledger.bootId) && isBootToken(currentBoot);
  if (known && ledger.bootId != currentBoot) {
    return unit.active ? ResumeDecision::DoneByReboot : ResumeDecision::RestartAgain;
  }
  // The restart was sent after beganUsec was taken, so a start it caused is stamped later.
  const std::uint64_t mark = ledger.beganUsec != 0 ? ledger.beganUsec : ledger.startStampBefore;
  if (!known || mark == 0) return ResumeDecision::RestartAgain;
  return unit.startStamp > mark ? ResumeDecision::DoneBeforeRestart : ResumeDecision::RestartAgain;
}

void forgetOld(TargetLedger& ledger, Seconds now) {
  RestartBudget::forgetOld(ledger.restarts, now);
}

std::int64_t RevivePolicy::remaining(TargetLedger& ledger, Seconds now,
                                     const std::deque<Seconds>& others) const {
  return budget_.remaining(ledger.restarts, others, now);
}

ReviveDecision RevivePolicy::decide(TargetLedger& ledger, Seconds now,
                                    const std::deque<Seconds>& others) const {
  if (ledger.inFlightSince) return ReviveDecision::CoalescedInFlight;
  forgetOld(ledger, now);
  // A clock that stepped back must not make the last restart look like the future.
  if (!ledger.restarts.empty() && now >= ledger.restarts.back() &&
      now - ledger.restarts.back() < minInterval_) {
    return ReviveDecision::CoalescedRecent;
  }
  if (remaining(ledger, now, others) == 0) return ReviveDecision::RefusedBudget;
  return ReviveDecision::RestartNow;
}

std::optional<std::string> flagTarget(std::string_view fileName) {
  constexpr std::string_view kPrefix = "revive-";
  constexpr std::string_view kSuffix = ".flag";
  if (fileName.size() <= kPrefix.size() + kSuffix.size() || !fileName.starts_with(kPrefix) ||
      !fileName.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string target(
      fileName.substr(kPrefix.size(), fileName.size() - kPrefix.size() - kSuffix.size()));
  if (!isSafeName(target)) return std::nullopt;
  return target;
}

}  // namespace openclaw::flagwatcher
