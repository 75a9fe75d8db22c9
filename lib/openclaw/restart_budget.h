// The hourly restart budget every agent that restarts a bot applies.
//
// A bot may be restarted at most `maxPerHour` times in any hour, whoever asks: the restarts
// are wall-clock seconds (they must survive a daemon restart), oldest first, and an entry
// older than an hour no longer counts.  The window is what systemd's StartLimitBurst= does
// for one unit, kept here so that it holds across agents, containers and daemon restarts.
// Pure: the caller supplies the time (its Clock) and keeps the list where it persists it.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>

namespace openclaw {

using WallSeconds = std::int64_t;  // Unix time

class RestartBudget {
 public:
  static constexpr WallSeconds kWindow = 3600;
  // What one list keeps at most: more than any sane budget, bounded whatever a file says.
  static constexpr std::size_t kMaxKept = 1000;

  explicit RestartBudget(std::int64_t maxPerHour) : maxPerHour_(maxPerHour) {}

  std::int64_t maxPerHour() const { return maxPerHour_; }
  // Restarts still allowed in the coming hour (never below 0); drops the old ones.
  std::int64_t remaining(std::deque<WallSeconds>& restarts, WallSeconds now) const;
  // The same for an agent's own restarts (old ones dropped from its ledger) and the other
  // agents' restarts of the bot (bot_restarts.h) together.
  std::int64_t remaining(std::deque<WallSeconds>& own, const std::deque<WallSeconds>& others,
                         WallSeconds now) const;
  bool exhausted(std::deque<WallSeconds>& restarts, WallSeconds now) const {
    return remaining(restarts, now) == 0;
  }
  // When the oldest restart leaves the window (`now` when the budget is not spent).
  WallSeconds refillsAt(std::deque<WallSeconds>& restarts, WallSeconds now) const;

  // Drops the restarts older than an hour before `now`, and any beyond kMaxKept.
  static void forgetOld(std::deque<WallSeconds>& restarts, WallSeconds now);
  // Counts a restart issued at `now` (kept sorted: a clock stepped back inserts in place).
  static void count(std::deque<WallSeconds>& restarts, WallSeconds now);

  // Two lists of restarts as one, sorted (an agent's own and the others' of one bot).
  static std::deque<WallSeconds> merged(const std::deque<WallSeconds>& a,
                                        const std::deque<WallSeconds>& b);
  // The step every restarter takes before it acts: the restart is in flight since `now`
  // and, when `counted` (not a resumed one), counted.  The caller persists next, before
  // acting, so that a kill -9 neither loses the restart nor counts it twice.
  static void markInFlight(std::optional<WallSeconds>& inFlightSince,
                           std::deque<WallSeconds>& restarts, WallSeconds now, bool counted);

  // A JSON array of integers; reading keeps only integers, sorted, at most kMaxKept newest:
  // a hand-edited or truncated list loses its bad entries, never the whole ledger.
  static nlohmann::json toJson(const std::deque<WallSeconds>& restarts);
  static std::deque<WallSeconds> fromJson(const nlohmann::json& list);

 private:
  std::int64_t maxPerHour_;
};

}  // namespace openclaw
