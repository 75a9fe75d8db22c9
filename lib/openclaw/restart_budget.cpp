#include "openclaw/restart_budget.h"

#include <algorithm>
#include <iterator>

namespace openclaw {

void RestartBudget::forgetOld(std::deque<WallSeconds>& restarts, WallSeconds now) {
  while (!restarts.empty() && restarts.front() <= now - kWindow) restarts.pop_front();
  while (restarts.size() > kMaxKept) restarts.pop_front();
}

void RestartBudget::count(std::deque<WallSeconds>& restarts, WallSeconds now) {
  restarts.insert(std::upper_bound(restarts.begin(), restarts.end(), now), now);
  while (restarts.size() > kMaxKept) restarts.pop_front();
}

std::int64_t RestartBudget::remaining(std::deque<WallSeconds>& restarts, WallSeconds now) const {
  forgetOld(restarts, now);
  const auto used = static_cast<std::int64_t>(restarts.size());
  return used >= maxPerHour_ ? 0 : maxPerHour_ - used;
}

std::int64_t RestartBudget::remaining(std::deque<WallSeconds>& own,
                                      const std::deque<WallSeconds>& others,
                                      WallSeconds now) const {
  forgetOld(own, now);
  auto all = merged(own, others);
  return remaining(all, now);
}

WallSeconds RestartBudget::refillsAt(std::deque<WallSeconds>& restarts, WallSeconds now) const {
  if (remaining(restarts, now) > 0 || restarts.empty()) return now;
  // Spent: the budget frees one restart when the one that made it spent leaves the window.
  const auto used = static_cast<std::int64_t>(restarts.size());
  const auto allowed = std::max<std::int64_t>(maxPerHour_, 1);
  const auto oldestCounting =
      restarts[static_cast<std::size_t>(std::max<std::int64_t>(used - allowed, 0))];
  return std::max(now, oldestCounting + kWindow);
}

std::deque<WallSeconds> RestartBudget::merged(const std::deque<WallSeconds>& a,
                                              const std::deque<WallSeconds>& b) {
  std::deque<WallSeconds> out;
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  while (out.size() > kMaxKept) out.pop_front();
  return out;
}

void RestartBudget::markInFlight(std::optional<WallSeconds>& inFlightSince,
                                 std::deque<WallSeconds>& restarts, WallSeconds now, bool counted) {
  inFlightSince = now;
  if (counted) count(restarts, now);
}

nlohmann::json RestartBudget::toJson(const std::deque<WallSeconds>& restarts) {
  return nlohmann::json(restarts);
}

std::deque<WallSeconds> RestartBudget::fromJson(const nlohmann::json& list) {
  std::deque<WallSeconds> out;
  if (!list.is_array()) return out;
  for (const auto& t : list) {
    if (t.is_number_integer()) out.push_back(t.get<WallSeconds>());
  }
  std::sort(out.begin(), out.end());
  while (out.size() > kMaxKept) out.pop_front();
  return out;
}

}  // namespace openclaw
