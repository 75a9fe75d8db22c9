// When a revive flag may restart its target: the pure decision, and the ledger it keeps.
//
// Per target the ledger holds the restarts of the last hour, whether a request is pending
// and whether a restart is in flight.  A flag is coalesced into the restart in flight or
// into one acted on less than `min_interval_sec` ago; beyond `max_per_hour` restarts in
// the last hour it is refused.  The ledger round-trips through JSON (ledger_file.h) so that
// the daemon can persist it before acting: a kill -9 then neither loses a request nor resets
// the budget.
// Times are wall-clock seconds (they must survive a daemon restart).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "openclaw/restart_budget.h"

namespace openclaw::flagwatcher {

using Seconds = std::int64_t;  // Unix time

struct Requester {
  std::string folder;
  std::uint32_t uid = 0;
};

struct TargetLedger {
  std::deque<Seconds> restarts;          // when restarts were issued, oldest first, last hour
  std::optional<Seconds> pendingSince;   // a request not yet acted on
  Requester requester;                   // who asked, for the log
  std::optional<Seconds> inFlightSince;  // a restart issued, result not yet seen
  // When the restart in flight was decided, in CLOCK_MONOTONIC microseconds (the clock of
  // systemd's ExecMainStartTimestampMonotonic), and the boot that clock belongs to (a
  // token, see boot_token.h): after a crash, a unit that started later has been restarted.
  std::uint64_t beganUsec = 0;
  std::string bootId;
  // Written by versions that read the unit's start stamp before restarting: the same test
  // against that stamp.  Read, never written any more.
  std::uint64_t startStampBefore = 0;
  // The hourly-budget entry the restart in flight added.  The in-flight record reaches its
  // file before the restart is issued, the budget's history only after; a crash in between
  // is healed at start-up by adding this entry to the history.
  std::optional<Seconds> countedAt;
};

enum class ReviveDecision {
  RestartNow,
  CoalescedInFlight,  // a restart is already under way
  CoalescedRecent,    // one was issued less than min_interval_sec ago
  RefusedBudget,      // max_per_hour restarts in the last hour
};

std::string_view toString(ReviveDecision d);

class RevivePolicy {
 public:
  RevivePolicy(Seconds minInterval, std::int64_t maxPerHour)
      : minInterval_(minInterval), budget_(maxPerHour) {}

  // `others`: the target's restarts by other agents in the last hour (BotRestarts): every
  // restart of a bot counts against one budget, whoever issued it.
  ReviveDecision decide(TargetLedger& ledger, Seconds now,
                        const std::deque<Seconds>& others = {}) const;
  // Restarts the budget still allows in the coming hour.
  std::int64_t remaining(TargetLedger& ledger, Seconds now,
                         const std::deque<Seconds>& others = {}) const;

 private:
  Seconds minInterval_;
  RestartBudget budget_;
};

// What a unit restart interrupted by a crash of the daemon comes to, decided once the unit
// has settled (no job running on it).  A monotonic stamp only compares within one boot:
// across a reboot it means nothing, but then every process of the unit is new, so an active
// unit has started since the request.  When the boot cannot be told (no token then or now),
// the restart is redone: the bot may start twice, a request is never lost.
enum class ResumeDecision {
  DoneBeforeRestart,  // same boot, and the unit started after the restart was decided
  DoneByReboot,       // another boot, and the unit is active
  RestartAgain,
};

std::string_view toString(ResumeDecision d);

struct SettledUnit {
  std::uint64_t startStamp = 0;  // ExecMainStartTimestampMonotonic now
  bool active = false;
};

ResumeDecision decideResume(const TargetLedger& ledger, const std::string& currentBoot,
                            const SettledUnit& unit);

// Drops restarts older than an hour.
void forgetOld(TargetLedger& ledger, Seconds now);

// "revive-jack.flag" -> "jack"; nullopt for any other name.
std::optional<std::string> flagTarget(std::string_view fileName);

}  // namespace openclaw::flagwatcher
