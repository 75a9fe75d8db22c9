#include "repair_policy.h"

#include <algorithm>

namespace openclaw::supervisor {
namespace {

// The first wait after a failed repair: long enough for a gateway to bind its port.
constexpr Seconds kFirstBackoff = 5;
// Five minutes is the seeds' cron period: never slower than what it replaces.
constexpr Seconds kMaxBackoff = 300;

}  // namespace

std::string_view toString(RepairDecision d) {
  switch (d) {
    case RepairDecision::RepairNow:
      return "repair-now";
    case RepairDecision::Backoff:
      return "backoff";
    case RepairDecision::RefusedBudget:
      return "refused-budget";
    case RepairDecision::InFlight:
      return "in-flight";
    case RepairDecision::GivenUp:
      return "given-up";
  }
  return "unknown";
}

void forgetOld(BotLedger& ledger, Seconds now) {
  RestartBudget::forgetOld(ledger.repairs, now);
}

Seconds RepairPolicy::backoff(std::int64_t failedRepairs) {
  if (failedRepairs <= 0) return 0;
  Seconds wait = kFirstBackoff;
  for (std::int64_t i = 1; i < failedRepairs && wait < kMaxBackoff; ++i) wait *= 2;
  return std::min(wait, kMaxBackoff);
}

std::int64_t RepairPolicy::remaining(BotLedger& ledger, Seconds now,
                                     const std::deque<Seconds>& others) const {
  return budget_.remaining(ledger.repairs, others, now);
}

RepairVerdict RepairPolicy::decide(BotLedger& ledger, Seconds now,
                                   const std::deque<Seconds>& others) const {
  forgetOld(ledger, now);
  if (ledger.givenUp) return {RepairDecision::GivenUp, 0};
  if (ledger.inFlightSince) return {RepairDecision::InFlight, 0};
  auto all = RestartBudget::merged(ledger.repairs, others);
  if (budget_.exhausted(all, now)) {
    return {RepairDecision::RefusedBudget, budget_.refillsAt(all, now)};
  }
  if (!ledger.repairs.empty()) {
    const Seconds notBefore = ledger.repairs.back() + backoff(ledger.failedRepairs);
    if (now < notBefore) return {RepairDecision::Backoff, notBefore};
  }
  return {RepairDecision::RepairNow, now};
}

nlohmann::json toJson(const std::map<std::string, BotLedger>& ledgers) {
  nlohmann::json bots = nlohmann::json::object();
  for (const auto& [name, l] : ledgers) {
    nlohmann::json j = {{"repairs", RestartBudget::toJson(l.repairs)},
                        {"failed_repairs", l.failedRepairs},
                        {"given_up", l.givenUp},
                        {"given_up_why", l.givenUpWhy}};
    if (l.inFlightSince) j["in_flight_since"] = *l.inFlightSince;
    if (l.healthySince) j["healthy_since"] = *l.healthySince;
    if (l.healthyConfig) {
      j["healthy_config"] = {{"uid", l.healthyConfig->uid},
                             {"gid", l.healthyConfig->gid},
                             {"mode", l.healthyConfig->mode}};
    }
    bots[name] = std::move(j);
  }
  return {{"version", 1}, {"bots", std::move(bots)}};
}

// Only what a file's owner and mode can be: anything else loses the entry, not the ledger.
std::optional<ConfigAttrs> configAttrsFromJson(const nlohmann::json& bot) {
  const auto a = bot.find("healthy_config");
  if (a == bot.end() || !a->is_object()) return std::nullopt;
  auto field = [&](const char* key, std::uint64_t max) -> std::optional<std::uint32_t> {
    const auto f = a->find(key);
    if (f == a->end() || !f->is_number_unsigned() || f->get<std::uint64_t>() > max) {
      return std::nullopt;
    }
    return static_cast<std::uint32_t>(f->get<std::uint64_t>());
  };
  const auto uid = field("uid", 0xFFFFFFFEu);
  const auto gid = field("gid", 0xFFFFFFFEu);
  const auto mode = field("mode", 07777);
  if (!uid || !gid || !mode) return std::nullopt;
  return ConfigAttrs{*uid, *gid, *mode};
}

std::map<std::string, BotLedger> ledgersFromJson(const nlohmann::json& doc) {
  std::map<std::string, BotLedger> out;
  const auto bots = doc.find("bots");
  if (bots == doc.end() || !bots->is_object()) return out;
  for (const auto& [name, j] : bots->items()) {
    if (!j.is_object()) continue;
    BotLedger l;
    // A hand-edited or truncated field loses only itself, never the whole ledger.
    if (auto r = j.find("repairs"); r != j.end()) l.repairs = RestartBudget::fromJson(*r);
    if (auto f = j.find("failed_repairs"); f != j.end() && f->is_number_integer()) {
      l.failedRepairs = f->get<std::int64_t>();
    }
    if (auto g = j.find("given_up"); g != j.end() && g->is_boolean()) l.givenUp = g->get<bool>();
    if (auto w = j.find("given_up_why"); w != j.end() && w->is_string()) {
      l.givenUpWhy = w->get<std::string>();
    }
    if (auto f = j.find("in_flight_since"); f != j.end() && f->is_number_integer()) {
      l.inFlightSince = f->get<Seconds>();
    }
    if (auto h = j.find("healthy_since"); h != j.end() && h->is_number_integer()) {
      l.healthySince = h->get<Seconds>();
    }
    l.healthyConfig = configAttrsFromJson(j);
    out[name] = std::move(l);
  }
  return out;
}

}  // namespace openclaw::supervisor
