#include "revive_policy.h"

#include "openclaw/config_reader.h"

namespace openclaw::flagwatcher {
namespace {
constexpr Seconds kHour = 3600;
}  // namespace

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

void forgetOld(TargetLedger& ledger, Seconds now) {
  while (!ledger.restarts.empty() && ledger.restarts.front() <= now - kHour) {
    ledger.restarts.pop_front();
  }
}

std::int64_t RevivePolicy::remaining(TargetLedger& ledger, Seconds now) const {
  forgetOld(ledger, now);
  const auto used = static_cast<std::int64_t>(ledger.restarts.size());
  return used >= maxPerHour_ ? 0 : maxPerHour_ - used;
}

ReviveDecision RevivePolicy::decide(TargetLedger& ledger, Seconds now) const {
  if (ledger.inFlightSince) return ReviveDecision::CoalescedInFlight;
  forgetOld(ledger, now);
  // A clock that stepped back must not make the last restart look like the future.
  if (!ledger.restarts.empty() && now >= ledger.restarts.back() &&
      now - ledger.restarts.back() < minInterval_) {
    return ReviveDecision::CoalescedRecent;
  }
  if (remaining(ledger, now) == 0) return ReviveDecision::RefusedBudget;
  return ReviveDecision::RestartNow;
}

nlohmann::json toJson(const std::map<std::string, TargetLedger>& ledgers) {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [name, l] : ledgers) {
    nlohmann::json j = {{"restarts", l.restarts}};
    if (l.pendingSince) {
      j["pending_since"] = *l.pendingSince;
      j["requested_by"] = {{"folder", l.requester.folder}, {"uid", l.requester.uid}};
    }
    if (l.inFlightSince) {
      j["in_flight_since"] = *l.inFlightSince;
      j["start_stamp_before"] = l.startStampBefore;
      j["boot_id"] = l.bootId;
    }
    doc[name] = j;
  }
  return {{"version", 1}, {"targets", doc}};
}

std::map<std::string, TargetLedger> ledgersFromJson(const nlohmann::json& doc) {
  std::map<std::string, TargetLedger> out;
  // The state file is ours, but a damaged one must degrade to "no history", not a crash.
  if (!doc.is_object() || !doc.contains("targets") || !doc["targets"].is_object()) return out;
  for (const auto& [name, j] : doc["targets"].items()) {
    if (!j.is_object()) continue;
    TargetLedger l;
    if (j.contains("restarts") && j["restarts"].is_array()) {
      for (const auto& t : j["restarts"]) {
        if (t.is_number_integer()) l.restarts.push_back(t.get<Seconds>());
      }
    }
    if (j.contains("pending_since") && j["pending_since"].is_number_integer()) {
      l.pendingSince = j["pending_since"].get<Seconds>();
      const auto& by = j.value("requested_by", nlohmann::json::object());
      l.requester.folder = by.value("folder", "");
      l.requester.uid = by.value("uid", 0u);
    }
    if (j.contains("in_flight_since") && j["in_flight_since"].is_number_integer()) {
      l.inFlightSince = j["in_flight_since"].get<Seconds>();
      l.startStampBefore = j.value("start_stamp_before", std::uint64_t{0});
      l.bootId = j.value("boot_id", "");
    }
    out[name] = std::move(l);
  }
  return out;
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
