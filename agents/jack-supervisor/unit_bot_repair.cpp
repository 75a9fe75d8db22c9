// UnitBot's repair, step by step: judge the live config, restore the first valid candidate,
// restart, and wait for health; then recovered, failed (with backoff) or given up.
#include <ctime>

#include "openclaw/events.h"
#include "openclaw/log.h"
#include "unit_bot.h"

namespace openclaw::supervisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// While a repair waits for the bot to come up, the probe runs this often: recovery time is
// the figure that matters, and the probe is cheap.
constexpr milliseconds kRecoveryProbeEvery{200};
// While another agent restarts the bot: a revive takes a second or two.
constexpr seconds kOwnerRecheck{1};

long long msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

void UnitBot::repair(const std::string& why, bool counted) {
  auto claim = beginRepair(env_, restartKey_, config_.name, why, counted, ledger());
  if (!claim) {
    // Another agent (flag-watcher's revive) is restarting the bot: that restart is this
    // repair's first step; whether the bot needs more is looked at once it ends.
    noticeOwner(ownerNoticed_, config_.name, claim.error(), why);
    lastAction_ = "waiting at " + clockTime(env_.clock) + " for " + claim.error().describe();
    env_.statusChanged();
    return recheckLater(env_.clock.wallSeconds() + kOwnerRecheck.count());
  }
  claim_ = std::move(*claim);
  ownerNoticed_.clear();
  phase_ = Phase::Repairing;
  crashLoopWarned_ = false;
  repairStarted_ = env_.clock.steady();
  repairWhy_ = why;
  ledger().healthySince.reset();
  Log::notice("repairing " + config_.name + ": " + why,
              {{journal_key::kEvent, event::kRepair}, {journal_key::kTarget, config_.name}});
  installedFrom_.clear();
  installed_.clear();
  judgeLive(Urgency::Now, guarded([this](const ConfigVerdict& v) {
              if (v.valid)
                return restartUnit("restarted " + config_.unit + " (config " + v.reason + ")");
              restoreThenRestart(v.reason);
            }));
}

void UnitBot::restoreThenRestart(const std::string& liveWhy) {
  judge_->judgeCandidates(
      candidates(), /*stopAtFirstValid=*/true, Urgency::Now,
      guarded([this, liveWhy](const std::vector<CandidateResult>& results) {
        if (!results.empty() && results.back().verdict.valid) {
          return installAndRestart(results.back(), liveWhy);
        }
        nlohmann::json tried = nlohmann::json::array();
        for (const auto& r : results) {
          tried.push_back({{"path", r.candidate.path}, {"why", r.verdict.reason}});
        }
        giveUp("its config is invalid (" + liveWhy + ") and none of " +
                   std::to_string(results.size()) + " backup(s) is valid",
               {{"config", config_.config}, {"config_why", liveWhy}, {"tried", tried}},
               /*stopUnit=*/true);
      }));
}

void UnitBot::installAndRestart(const CandidateResult& chosen, const std::string& liveWhy) {
  auto kept = installConfig(config_.config, chosen.content, env_.clock.wallSeconds(),
                            ledger().healthyConfig);
  if (!kept) return repairFailed("cannot install " + chosen.candidate.path + ": " + kept.error());
  installedFrom_ = chosen.candidate.path;
  installed_ = chosen.content;
  Log::notice("restored " + config_.config + " from " + chosen.candidate.path + " (" +
                  chosen.candidate.source + "); the invalid config (" + liveWhy + ") is kept as " +
                  (kept->empty() ? std::string("nothing: there was none") : *kept),
              {{journal_key::kEvent, event::kRestore},
               {journal_key::kTarget, config_.name},
               {journal_key::kRestoredFrom, chosen.candidate.path},
               {journal_key::kBrokenKeptAs, *kept}});
  env_.report.metrics().add("openclaw_restores_total", {{"bot", config_.name}});
  env_.report.action({std::string(event::kRestore), config_.name,
                      "restored " + config_.config + " from " + chosen.candidate.path + " (" +
                          chosen.candidate.source + ")",
                      0});
  restartUnit("restored " + chosen.candidate.path + " (" + chosen.candidate.source +
              ") over an invalid config (" + liveWhy + "), kept as " + *kept);
}

void UnitBot::restartUnit(const std::string& what) {
  // The start stamp before our restart, read fresh: an exit seen later ends the wait early
  // only if it is of a newer start (ours), never the exit that brought us here, whose state
  // change may still be on its way.
  systemd_.getUnitState(
      config_.unit, guarded([this, what](const Expected<UnitState, std::string>& before) {
        stampBeforeRestart_ = before.ok() ? before->execMainStartTimestampMonotonic : 0;
        // ResetFailedUnit first: a unit latched in failed (start-limit-hit) ignores a restart.
        systemd_.resetFailedUnit(
            config_.unit, guarded([this, what](const BusCallError&) {
              systemd_.restartUnit(
                  config_.unit, guarded([this, what](const JobOutcome& o) {
                    if (!o.ok()) {
                      return repairFailed(what + "; the restart " +
                                          (o.error.failed()
                                               ? o.error.text()
                                               : "job " + std::string(toString(o.result))));
                    }
                    awaitHealthy(what, env_.clock.steady() + seconds(config_.graceSec));
                  }));
            }));
      }));
}

void UnitBot::awaitHealthy(const std::string& what, Clock::time_point deadline) {
  auto again = [this, what, deadline](const std::string& notYet) {
    // Exited again after the restart: waiting out the grace period would only delay the next
    // repair.
    const bool exited = state_.activeState == "failed" || state_.subState == "auto-restart";
    if (exited && state_.execMainStartTimestampMonotonic > stampBeforeRestart_) {
      return repairFailed(what + "; it exited again (" + state_.result + ")");
    }
    if (env_.clock.steady() >= deadline) {
      return repairFailed(what + "; not healthy within " + std::to_string(config_.graceSec) +
                          " s: " + notYet);
    }
    probeTimer_.expires_after(kRecoveryProbeEvery);
    probeTimer_.async_wait(guarded([this, what, deadline](boost::system::error_code ec) {
      if (!ec) awaitHealthy(what, deadline);
    }));
  };
  if (config_.health) {
    probe_ = runProbe(env_.io, probeSpec(), guarded([this, what, again](const ProbeResult& r) {
                        lastProbe_ = r.detail;
                        if (r.healthy) return recovered(what);
                        again("probe: " + r.detail);
                      }));
    return;
  }
  systemd_.getUnitState(
      config_.unit, guarded([this, what, again](const Expected<UnitState, std::string>& s) {
        if (s.ok() && s->activeState == "active") return recovered(what);
        again(s.ok() ? "unit " + s->activeState + " (" + s->subState + ")" : s.error());
      }));
}

void UnitBot::recovered(const std::string& what) {
  const long long took = msSince(repairStarted_);
  BotLedger& l = ledger();
  l.inFlightSince.reset();
  env_.persist();
  claim_ = RestartClaim();
  phase_ = Phase::Watching;
  probeFailures_ = 0;
  markHealthy();
  lastAction_ =
      "recovered at " + clockTime(env_.clock) + " in " + std::to_string(took) + " ms: " + what;
  reportRepair(env_, config_.name, true,
               "healthy again in " + std::to_string(took) + " ms: " + what);
  // The alerter writes the journal entry too: logged once.
  env_.alerter.raise({"recovered",
                      "jack-supervisor",
                      std::string(event::kRecovered),
                      config_.name,
                      config_.name + " is healthy again (" + std::to_string(took) + " ms): " + what,
                      {{"cause", repairWhy_}, {"recovery_ms", took}, {"unit", config_.unit}}});
  logRunningConfig();
  if (config_.health) scheduleProbe(seconds(config_.health->intervalSec));
  judgeAheadSoon(milliseconds(0));
  env_.statusChanged();
}

void UnitBot::repairFailed(const std::string& why) {
  BotLedger& l = ledger();
  l.inFlightSince.reset();
  l.failedRepairs++;
  env_.persist();
  claim_ = RestartClaim();
  phase_ = Phase::Watching;
  lastAction_ = "repair failed at " + clockTime(env_.clock) + ": " + why;
  reportRepair(env_, config_.name, false, "the repair failed: " + why);
  Log::error("the repair of " + config_.name + " failed: " + why,
             {{journal_key::kEvent, event::kRepairFailed}, {journal_key::kTarget, config_.name}});
  recheckLater(env_.clock.wallSeconds() + RepairPolicy::backoff(l.failedRepairs));
  if (config_.health) scheduleProbe(seconds(config_.health->intervalSec));
  env_.statusChanged();
}

void UnitBot::giveUp(const std::string& why, nlohmann::json details, bool stopUnit) {
  if (phase_ == Phase::GivenUp) return;  // one critical alert, however many troubles
  BotLedger& l = ledger();
  l.inFlightSince.reset();
  l.givenUp = true;
  l.givenUpWhy = why;
  env_.persist();
  claim_ = RestartClaim();
  phase_ = Phase::GivenUp;
  lastAction_ = "gave up at " + clockTime(env_.clock) + ": " + why;
  details["unit"] = config_.unit;
  details["resume"] = "fix " + (config_.config.empty() ? config_.unit : config_.config) +
                      " or run: openclaw-agentctl restore " + config_.name;
  env_.alerter.raise({"critical", "jack-supervisor", std::string(event::kGaveUp), config_.name,
                      config_.name + ": stopped acting, " + why, std::move(details)});
  env_.report.action({std::string(event::kGaveUp), config_.name, "stopped acting, " + why, 0});
  env_.gaveUp(config_.name + ": stopped acting, " + why);
  // A config that cannot start makes systemd's own Restart= a storm: stop the unit until a
  // valid config appears (tryResume starts it again).
  if (stopUnit && state_.activeState != "inactive" && state_.activeState != "failed") {
    systemd_.stopUnit(config_.unit, [](const JobOutcome&) {});
  }
  env_.statusChanged();
}

}  // namespace openclaw::supervisor
