#include "unit_bot.h"

#include <ctime>

#include "openclaw/log.h"

namespace openclaw::supervisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// While a repair waits for the bot to come up, the probe runs this often: recovery time is
// the figure that matters, and the probe is cheap.
constexpr milliseconds kRecoveryProbeEvery{200};
// Automatic restarts by systemd this close together, with a valid config, are a crash
// loop worth one warning (systemd stays the restarter until it gives up).
constexpr int kCrashLoopRestarts = 3;
constexpr seconds kCrashLoopWindow{60};
// Editors write a file in several steps; judge it once they are done.
constexpr milliseconds kConfigSettle{300};

std::string clockTime() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

long long msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

UnitBot::UnitBot(BotEnv& env, BotConfig config)
    : env_(env),
      config_(std::move(config)),
      policy_(config_.maxRestoresPerHour),
      snapshots_(env.stateDir + "/snapshots/" + config_.name, config_.keepSnapshots),
      probeTimer_(env.io),
      retryTimer_(env.io),
      stableTimer_(env.io),
      resumeTimer_(env.io) {
  JudgeRules rules;
  rules.required = config_.required;
  rules.validator = config_.validator;
  rules.scratchDir = env.stateDir;
  judge_ = std::make_shared<ConfigJudge>(env.io, std::move(rules));
}

UnitBot::~UnitBot() {
  judge_->cancel();
}

void UnitBot::start() {
  if (!env_.systemd) {
    lastAction_ = "cannot watch " + config_.unit + ": no connection to systemd";
    return;
  }
  BotLedger& l = ledger();
  if (l.givenUp) {
    phase_ = Phase::GivenUp;
    lastAction_ = "given up: " + l.givenUpWhy;
  } else if (l.inFlightSince) {
    // Killed mid-repair: judge afresh once the unit's state is known.  Whatever step was
    // done (a config installed, a restart issued) is seen as done and not charged again.
    resumeRepair_ = true;
  }
  watch_ = env_.systemd->watchUnit(
      config_.unit, guarded([this](const Expected<UnitState, std::string>& s) {
        if (s.ok()) return onUnitState(*s);
        lastAction_ = "cannot watch " + config_.unit + ": " + s.error();
        Log::error(lastAction_,
                   {{"OPENCLAW_EVENT", "watch-failed"}, {"OPENCLAW_TARGET", config_.name}});
      }));
  if (phase_ == Phase::GivenUp) tryResume("the supervisor started");
  if (config_.health) scheduleProbe(seconds(config_.health->intervalSec));
}

void UnitBot::onUnitState(const UnitState& s) {
  const UnitState previous = state_;
  const bool first = !haveState_;
  state_ = s;
  haveState_ = true;
  if (first || previous.activeState != s.activeState) env_.statusChanged();
  if (resumeRepair_) {
    resumeRepair_ = false;
    Log::info("resuming the repair of " + config_.name + " interrupted by a supervisor restart",
              {{"OPENCLAW_EVENT", "repair-resumed"}, {"OPENCLAW_TARGET", config_.name}});
    if (s.activeState == "active") {
      // The restart may well have happened: confirm health rather than restart again.
      phase_ = Phase::Repairing;
      repairStarted_ = Clock::now();
      repairWhy_ = "a repair interrupted by a supervisor restart";
      stampBeforeRestart_ = s.execMainStartTimestampMonotonic - 1;
      return awaitHealthy("the repair interrupted by a supervisor restart had completed",
                          Clock::now() + seconds(config_.graceSec));
    }
    ledger().inFlightSince.reset();
    return repair("a repair interrupted by a supervisor restart", /*counted=*/false);
  }
  if (s.activeState != "active") markUnhealthy();
  if (phase_ == Phase::GivenUp) {
    if (s.activeState == "active" && !config_.health) tryResume("the unit is active again");
    return;
  }
  if (phase_ != Phase::Watching) return;  // the repair in flight owns the bot
  if (s.activeState == "failed" && (first || previous.activeState != "failed")) {
    return trouble(config_.unit + " failed (" + s.result + ")");
  }
  if (s.subState == "auto-restart" && previous.subState != "auto-restart") return onAutoRestart();
  if (s.activeState == "active" && s.subState == "running" && !config_.health) markHealthy();
}

void UnitBot::onAutoRestart() {
  // systemd restarts the unit by itself; that only helps if the config can start.
  const auto now = Clock::now();
  autoRestarts_.push_back(now);
  while (!autoRestarts_.empty() && autoRestarts_.front() < now - kCrashLoopWindow) {
    autoRestarts_.pop_front();
  }
  judgeLive(guarded([this](const ConfigVerdict& v) {
    if (phase_ != Phase::Watching) return;
    if (!v.valid) return trouble(config_.unit + " exited and its config is invalid: " + v.reason);
    if (static_cast<int>(autoRestarts_.size()) >= kCrashLoopRestarts && !crashLoopWarned_) {
      crashLoopWarned_ = true;
      env_.alerter.raise({"warning",
                          "jack-supervisor",
                          "crash-loop",
                          config_.name,
                          config_.name + " is in a crash loop (" +
                              std::to_string(autoRestarts_.size()) +
                              " restarts in a minute) although its config is valid; systemd "
                              "keeps restarting it",
                          {{"unit", config_.unit}, {"n_restarts", state_.nRestarts}}});
    }
  }));
}

void UnitBot::judgeLive(ConfigJudge::VerdictCallback done) {
  if (config_.config.empty()) return done({true, "no config to check"});
  auto content = readConfigFile(config_.config);
  if (!content) return done({false, config_.config + " " + content.error()});
  judge_->judge(*content, std::move(done));
}

void UnitBot::trouble(const std::string& why) {
  const RepairVerdict v = policy_.decide(ledger(), wallNow());
  switch (v.decision) {
    case RepairDecision::RepairNow:
      return repair(why, /*counted=*/true);
    case RepairDecision::Backoff:
      Log::info("not repairing " + config_.name + " yet (backoff after " +
                    std::to_string(ledger().failedRepairs) + " failed repair(s)): " + why,
                {{"OPENCLAW_EVENT", "repair-backoff"}, {"OPENCLAW_TARGET", config_.name}});
      return recheckLater(v.notBefore);
    case RepairDecision::RefusedBudget:
      // A config that cannot start would leave systemd's Restart= storming: stop it then.
      return judgeLive(guarded([this, why](const ConfigVerdict& v) {
        giveUp("the budget of " + std::to_string(config_.maxRestoresPerHour) +
                   " repairs an hour is spent; last trouble: " + why,
               {{"repairs_last_hour", ledger().repairs}}, /*stopUnit=*/!v.valid);
      }));
    case RepairDecision::InFlight:
    case RepairDecision::GivenUp:
      return;
  }
}

void UnitBot::repair(const std::string& why, bool counted) {
  phase_ = Phase::Repairing;
  crashLoopWarned_ = false;
  repairStarted_ = Clock::now();
  repairWhy_ = why;
  BotLedger& l = ledger();
  l.inFlightSince = wallNow();
  if (counted) l.repairs.push_back(*l.inFlightSince);
  l.healthySince.reset();
  env_.persist();  // durable before anything is changed: never lost, never charged twice
  Log::notice("repairing " + config_.name + ": " + why,
              {{"OPENCLAW_EVENT", "repair"}, {"OPENCLAW_TARGET", config_.name}});
  judgeLive(guarded([this](const ConfigVerdict& v) {
    if (v.valid) return restartUnit("restarted " + config_.unit + " (config " + v.reason + ")");
    restoreThenRestart(v.reason);
  }));
}

void UnitBot::restoreThenRestart(const std::string& liveWhy) {
  auto candidates = listCandidates(config_.backups, config_.config, snapshots_.folder());
  judge_->judgeCandidates(
      std::move(candidates), /*stopAtFirstValid=*/true,
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
  auto kept = installConfig(config_.config, chosen.content, wallNow());
  if (!kept) return repairFailed("cannot install " + chosen.candidate.path + ": " + kept.error());
  Log::notice("restored " + config_.config + " from " + chosen.candidate.path + " (" +
                  chosen.candidate.source + "); the invalid config (" + liveWhy + ") is kept as " +
                  (kept->empty() ? std::string("nothing: there was none") : *kept),
              {{"OPENCLAW_EVENT", "restore"},
               {"OPENCLAW_TARGET", config_.name},
               {"OPENCLAW_RESTORED_FROM", chosen.candidate.path},
               {"OPENCLAW_BROKEN_KEPT_AS", *kept}});
  restartUnit("restored " + chosen.candidate.path + " (" + chosen.candidate.source +
              ") over an invalid config (" + liveWhy + "), kept as " + *kept);
}

void UnitBot::restartUnit(const std::string& what) {
  if (!env_.systemd) return repairFailed("no connection to systemd");
  // The start stamp before our restart, read fresh: an exit seen later ends the wait early
  // only if it is of a newer start (ours), never the exit that brought us here, whose state
  // change may still be on its way.
  env_.systemd->getUnitState(
      config_.unit, guarded([this, what](const Expected<UnitState, std::string>& before) {
        stampBeforeRestart_ = before.ok() ? before->execMainStartTimestampMonotonic : 0;
        // ResetFailedUnit first: a unit latched in failed (start-limit-hit) ignores a restart.
        env_.systemd->resetFailedUnit(
            config_.unit, guarded([this, what](const std::string&) {
              env_.systemd->restartUnit(
                  config_.unit, guarded([this, what](const JobOutcome& o) {
                    if (!o.ok()) {
                      return repairFailed(
                          what + "; the restart " +
                          (o.error.empty() ? "job " + std::string(toString(o.result)) : o.error));
                    }
                    awaitHealthy(what, Clock::now() + seconds(config_.graceSec));
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
    if (Clock::now() >= deadline) {
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
  env_.systemd->getUnitState(
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
  phase_ = Phase::Watching;
  probeFailures_ = 0;
  markHealthy();
  lastAction_ = "recovered at " + clockTime() + " in " + std::to_string(took) + " ms: " + what;
  // The alerter writes the journal entry too: logged once.
  env_.alerter.raise({"recovered",
                      "jack-supervisor",
                      "recovered",
                      config_.name,
                      config_.name + " is healthy again (" + std::to_string(took) + " ms): " + what,
                      {{"cause", repairWhy_}, {"recovery_ms", took}, {"unit", config_.unit}}});
  if (config_.health) scheduleProbe(seconds(config_.health->intervalSec));
  env_.statusChanged();
}

void UnitBot::repairFailed(const std::string& why) {
  BotLedger& l = ledger();
  l.inFlightSince.reset();
  l.failedRepairs++;
  env_.persist();
  phase_ = Phase::Watching;
  lastAction_ = "repair failed at " + clockTime() + ": " + why;
  Log::error("the repair of " + config_.name + " failed: " + why,
             {{"OPENCLAW_EVENT", "repair-failed"}, {"OPENCLAW_TARGET", config_.name}});
  recheckLater(wallNow() + RepairPolicy::backoff(l.failedRepairs));
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
  phase_ = Phase::GivenUp;
  lastAction_ = "gave up at " + clockTime() + ": " + why;
  details["unit"] = config_.unit;
  details["resume"] = "fix " + (config_.config.empty() ? config_.unit : config_.config) +
                      " or run: openclaw-agentctl restore " + config_.name;
  env_.alerter.raise({"critical", "jack-supervisor", "gave-up", config_.name,
                      config_.name + ": stopped acting, " + why, std::move(details)});
  // A config that cannot start makes systemd's own Restart= a storm: stop the unit until a
  // valid config appears (tryResume starts it again).
  if (stopUnit && env_.systemd && state_.activeState != "inactive" &&
      state_.activeState != "failed") {
    env_.systemd->stopUnit(config_.unit, [](const JobOutcome&) {});
  }
  env_.statusChanged();
}

void UnitBot::configChanged() {
  if (phase_ != Phase::GivenUp) return;
  resumeTimer_.expires_after(kConfigSettle);
  resumeTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (!ec) tryResume("its config changed");
  }));
}

void UnitBot::tryResume(const std::string& why, bool alreadyHealthy) {
  if (phase_ != Phase::GivenUp) return;
  judgeLive(guarded([this, why, alreadyHealthy](const ConfigVerdict& v) {
    if (phase_ != Phase::GivenUp || !v.valid) return;
    BotLedger& l = ledger();
    l.givenUp = false;
    l.givenUpWhy.clear();
    l.failedRepairs = 0;
    env_.persist();
    phase_ = Phase::Watching;
    Log::notice(
        "resuming supervision of " + config_.name + ": " + why + " and the config is " + v.reason,
        {{"OPENCLAW_EVENT", "resumed"}, {"OPENCLAW_TARGET", config_.name}});
    // The operator's fix is not a repair of ours: it does not spend the budget.
    if (alreadyHealthy || (state_.activeState == "active" && !config_.health)) {
      repairStarted_ = Clock::now();
      repairWhy_ = why;
      return recovered("resumed: " + why);
    }
    repair("resumed: " + why, /*counted=*/false);
  }));
}

void UnitBot::recheckLater(Seconds notBefore) {
  retryTimer_.expires_after(seconds(std::max<Seconds>(notBefore - wallNow(), 0)));
  retryTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (ec || phase_ != Phase::Watching || !env_.systemd) return;
    // Still in trouble?  The unit's state, then the config, then the probe say.
    env_.systemd->getUnitState(
        config_.unit, guarded([this](const Expected<UnitState, std::string>& s) {
          if (!s.ok() || phase_ != Phase::Watching) return;
          state_ = *s;
          if (s->activeState != "active") {
            return trouble(config_.unit + " is still " + s->activeState + " (" + s->result + ")");
          }
          if (probeFailures_ > 0) return trouble("the health probe still fails: " + lastProbe_);
        }));
  }));
}

ProbeSpec UnitBot::probeSpec() const {
  ProbeSpec spec;
  spec.http = config_.health->http;
  spec.tcp = config_.health->tcp;
  spec.exec = config_.health->exec;
  spec.timeout = seconds(config_.health->timeoutSec);
  return spec;
}

void UnitBot::scheduleProbe(std::chrono::milliseconds delay) {
  probeTimer_.expires_after(delay);
  probeTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (!ec) probeOnce();
  }));
}

void UnitBot::probeOnce() {
  const auto next = seconds(config_.health->intervalSec);
  // Only a running unit is probed; a unit that is down is the unit watch's business.
  if (phase_ == Phase::Repairing || state_.activeState != "active") return scheduleProbe(next);
  probe_ =
      runProbe(env_.io, probeSpec(), guarded([this, next](const ProbeResult& r) {
                 lastProbe_ = r.detail;
                 if (phase_ == Phase::Repairing) return;
                 if (r.healthy) {
                   probeFailures_ = 0;
                   if (phase_ == Phase::GivenUp) {
                     tryResume("it answers its health probe again", /*alreadyHealthy=*/true);
                   } else {
                     markHealthy();
                   }
                   return scheduleProbe(next);
                 }
                 markUnhealthy();
                 if (++probeFailures_ >= config_.health->failures && phase_ == Phase::Watching) {
                   probeFailures_ = 0;
                   trouble("the health probe failed " + std::to_string(config_.health->failures) +
                           " times: " + r.detail);
                 }
                 if (phase_ != Phase::Repairing) scheduleProbe(next);
               }));
}

void UnitBot::markHealthy() {
  BotLedger& l = ledger();
  if (!l.healthySince) {
    l.healthySince = wallNow();
    env_.persist();
  } else if (stableArmed_) {
    return;
  }
  // Healthy since before a reload or a restart of the supervisor counts: only the rest of
  // stable_sec is waited for.
  stableArmed_ = true;
  const Seconds left = std::max<Seconds>(*l.healthySince + config_.stableSec - wallNow(), 0);
  stableTimer_.expires_after(seconds(left));
  stableTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled: whoever cancelled cleared stableArmed_
    stableArmed_ = false;
    snapshotIfStable();
  }));
}

void UnitBot::markUnhealthy() {
  BotLedger& l = ledger();
  if (!l.healthySince) return;
  l.healthySince.reset();
  env_.persist();
  stableTimer_.cancel();
  stableArmed_ = false;
}

void UnitBot::snapshotIfStable() {
  if (phase_ != Phase::Watching || !ledger().healthySince) return;
  BotLedger& l = ledger();
  if (l.failedRepairs != 0) {
    l.failedRepairs = 0;
    env_.persist();
  }
  if (config_.config.empty()) return;
  // The bot ran healthy on this config for stable_sec: that is the best validation there is.
  auto content = readConfigFile(config_.config);
  if (!content || !checkConfigText(*content, config_.required).valid) return;
  auto saved = snapshots_.save(*content, wallNow());
  if (!saved) {
    Log::warning("cannot snapshot the config of " + config_.name + ": " + saved.error(),
                 {{"OPENCLAW_EVENT", "snapshot-failed"}, {"OPENCLAW_TARGET", config_.name}});
  } else if (!saved->empty()) {
    Log::info("saved the last-known-good config of " + config_.name + " as " + *saved,
              {{"OPENCLAW_EVENT", "snapshot"}, {"OPENCLAW_TARGET", config_.name}});
  }
}

std::string UnitBot::status() const {
  std::string phase = phase_ == Phase::Repairing ? "repairing"
                      : phase_ == Phase::GivenUp ? "GIVEN UP"
                      : !haveState_              ? "unknown"
                                                 : state_.activeState;
  return config_.name + " " + phase + ", last: " + lastAction_;
}

}  // namespace openclaw::supervisor
