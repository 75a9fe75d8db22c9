#include "unit_bot.h"

#include "openclaw/durable_file.h"
#include "openclaw/events.h"
#include "openclaw/log.h"

namespace openclaw::supervisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Automatic restarts by systemd this close together, with a valid config, are a crash
// loop worth one warning (systemd stays the restarter until it gives up).
constexpr int kCrashLoopRestarts = 3;
constexpr seconds kCrashLoopWindow{60};
// Editors write a file in several steps; judge it once they are done.
constexpr milliseconds kConfigSettle{300};
// How often a refused config folder is tried again while the bot is in trouble.
constexpr seconds kRefusedRetry{10};
// A pause without an end is looked at again this often, should the pause folder's inotify
// watch be missing (a resume is otherwise seen at once).
constexpr seconds kPausedRecheck{30};

}  // namespace

UnitBot::UnitBot(BotEnv& env, BotConfig config)
    : env_(env),
      config_(std::move(config)),
      systemd_(env.systemd(config_.scope)),
      policy_(config_.maxRestoresPerHour),
      snapshots_(env.stateDir + "/snapshots/" + config_.name, config_.keepSnapshots),
      probeTimer_(env.io),
      retryTimer_(env.io),
      stableTimer_(env.io),
      resumeTimer_(env.io),
      aheadTimer_(env.io) {
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
  BotLedger& l = ledger();
  if (l.givenUp) {
    phase_ = Phase::GivenUp;
    lastAction_ = "given up: " + l.givenUpWhy;
  } else if (l.inFlightSince) {
    // Killed mid-repair: judge afresh once the unit's state is known.  Whatever step was
    // done (a config installed, a restart issued) is seen as done and not charged again.
    resumeRepair_ = true;
  }
  watch_ = systemd_.watchUnit(
      config_.unit, guarded([this](const Expected<UnitState, std::string>& s) {
        if (s.ok()) return onUnitState(*s);
        // The manager went away (its STATUS says so) or refused the watch; the watch comes
        // back with the unit's fresh state when the manager does.
        Log::warning(
            "lost sight of " + config_.unit + ": " + s.error(),
            {{journal_key::kEvent, event::kWatchFailed}, {journal_key::kTarget, config_.name}});
      }));
  if (phase_ == Phase::GivenUp) tryResume("the supervisor started");
  if (config_.health) scheduleProbe(seconds(config_.health->intervalSec));
  judgeAheadSoon(milliseconds(0));
}

void UnitBot::onUnitState(const UnitState& s) {
  const UnitState previous = state_;
  const bool first = !haveState_;
  state_ = s;
  haveState_ = true;
  if (first || previous.activeState != s.activeState) env_.statusChanged();
  if (s.activeState == "active") rememberConfigAttrs(/*refresh=*/false);
  if (resumeRepair_) {
    resumeRepair_ = false;
    Log::info("resuming the repair of " + config_.name + " interrupted by a supervisor restart",
              {{journal_key::kEvent, event::kRepairResumed}, {journal_key::kTarget, config_.name}});
    if (s.activeState == "active") {
      // The restart may well have happened: confirm health rather than restart again.
      phase_ = Phase::Repairing;
      repairStarted_ = env_.clock.steady();
      repairWhy_ = "a repair interrupted by a supervisor restart";
      stampBeforeRestart_ = s.execMainStartTimestampMonotonic - 1;
      return awaitHealthy("the repair interrupted by a supervisor restart had completed",
                          env_.clock.steady() + seconds(config_.graceSec));
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
  const auto now = env_.clock.steady();
  autoRestarts_.push_back(now);
  while (!autoRestarts_.empty() && autoRestarts_.front() < now - kCrashLoopWindow) {
    autoRestarts_.pop_front();
  }
  judgeLive(
      Urgency::Now, guarded([this](const ConfigVerdict& v) {
        if (phase_ != Phase::Watching) return;
        if (!v.valid)
          return trouble(config_.unit + " exited and its config is invalid: " + v.reason);
        if (static_cast<int>(autoRestarts_.size()) >= kCrashLoopRestarts && !crashLoopWarned_) {
          crashLoopWarned_ = true;
          env_.alerter.raise({"warning",
                              "jack-supervisor",
                              std::string(event::kCrashLoop),
                              config_.name,
                              config_.name + " is in a crash loop (" +
                                  std::to_string(autoRestarts_.size()) +
                                  " restarts in a minute) although its config is valid; systemd "
                                  "keeps restarting it",
                              {{"unit", config_.unit}, {"n_restarts", state_.nRestarts}}});
        }
      }));
}

bool UnitBot::configFolderRefused() {
  if (config_.config.empty()) return false;
  const std::string folder = splitPath(config_.config).first;
  auto fd = openFolderPath(folder);
  if (fd || fd.error().problem == PathProblem::Missing) {
    if (folderNotice_.resolved()) {
      Log::notice(
          config_.name + "'s config folder " + folder + " resolves again: supervised",
          {{journal_key::kEvent, event::kPathResolved}, {journal_key::kTarget, config_.name}});
    }
    return false;
  }
  if (folderNotice_.refused(fd.error())) {
    Log::warning(config_.name + "'s config folder " + folder +
                     " is refused: " + fd.error().message() +
                     "; no config is read, restored or kept there, tried again every " +
                     std::to_string(kRefusedRetry.count()) + " s",
                 {{journal_key::kEvent, event::kPathRefused},
                  {journal_key::kTarget, config_.name},
                  {journal_key::kComponent, fd.error().at},
                  {journal_key::kReason, problemName(fd.error().problem)}});
  }
  lastAction_ = "left alone at " + clockTime(env_.clock) + ": " + fd.error().message();
  env_.statusChanged();
  return true;
}

void UnitBot::trouble(const std::string& why) {
  // A bot that swapped a parent of its config folder for a symlink gets no repair: whatever
  // sits behind the link is not its to have judged, replaced or kept by root.
  if (configFolderRefused()) return recheckLater(env_.clock.wallSeconds() + kRefusedRetry.count());
  // Paused for maintenance: nothing is repaired or counted; looked at again when the pause
  // ends (or is resumed: pauseChanged()).
  if (const auto pause = env_.paused(config_.name)) {
    noticePaused(pauseNoticed_, config_.name, *pause, why);
    lastAction_ = "paused " + pause->describe() + ", left alone: " + why;
    env_.statusChanged();
    return recheckLater(pause->untilSec != 0 ? pause->untilSec
                                             : env_.clock.wallSeconds() + kPausedRecheck.count());
  }
  pauseNoticed_ = false;
  const Seconds now = env_.clock.wallSeconds();
  const RepairVerdict v = policy_.decide(ledger(), now, env_.restarts.byOthers(restartKey_, now));
  switch (v.decision) {
    case RepairDecision::RepairNow:
      return repair(why, /*counted=*/true);
    case RepairDecision::Backoff:
      Log::info(
          "not repairing " + config_.name + " yet (backoff after " +
              std::to_string(ledger().failedRepairs) + " failed repair(s)): " + why,
          {{journal_key::kEvent, event::kRepairBackoff}, {journal_key::kTarget, config_.name}});
      return recheckLater(v.notBefore);
    case RepairDecision::RefusedBudget:
      // A config that cannot start would leave systemd's Restart= storming: stop it then.
      return judgeLive(Urgency::Now, guarded([this, why](const ConfigVerdict& v) {
                         const Seconds now = env_.clock.wallSeconds();
                         giveUp("the budget of " + std::to_string(config_.maxRestoresPerHour) +
                                    " restarts an hour (its repairs and flag-watcher's revives) "
                                    "is spent; last trouble: " +
                                    why,
                                {{"repairs_last_hour", ledger().repairs},
                                 {"others_last_hour", env_.restarts.byOthers(restartKey_, now)}},
                                /*stopUnit=*/!v.valid);
                       }));
    case RepairDecision::InFlight:
    case RepairDecision::GivenUp:
      return;
  }
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
  judgeLive(Urgency::Now, guarded([this, why, alreadyHealthy](const ConfigVerdict& v) {
              if (phase_ != Phase::GivenUp || !v.valid) return;
              BotLedger& l = ledger();
              l.givenUp = false;
              l.givenUpWhy.clear();
              l.failedRepairs = 0;
              env_.persist();
              phase_ = Phase::Watching;
              Log::notice(
                  "resuming supervision of " + config_.name + ": " + why + " and the config is " +
                      v.reason,
                  {{journal_key::kEvent, event::kResumed}, {journal_key::kTarget, config_.name}});
              // The operator's fix is not a repair of ours: it does not spend the budget.
              if (alreadyHealthy || (state_.activeState == "active" && !config_.health)) {
                repairStarted_ = env_.clock.steady();
                repairWhy_ = why;
                return recovered("resumed: " + why);
              }
              repair("resumed: " + why, /*counted=*/false);
            }));
}

void UnitBot::pauseChanged() {
  if (phase_ == Phase::Watching) recheckLater(env_.clock.wallSeconds());
}

void UnitBot::recheckLater(Seconds notBefore) {
  retryTimer_.expires_after(seconds(std::max<Seconds>(notBefore - env_.clock.wallSeconds(), 0)));
  retryTimer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (ec || phase_ != Phase::Watching) return;
    // Still in trouble?  The unit's state, then the config, then the probe say.
    systemd_.getUnitState(
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
                 if (startingUp()) {
                   // A gateway needs seconds to answer after any start (systemd's own
                   // restarts too): not a failure until grace_sec has passed.
                   lastProbe_ = r.detail + " (starting up)";
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

void UnitBot::rememberConfigAttrs(bool refresh) {
  // The owner and mode the bot runs with are what a restore gives it, not what a bot may
  // later leave at the path.  Taken when it turns healthy, and once when first seen running.
  BotLedger& l = ledger();
  if (config_.config.empty() || (l.healthyConfig && !refresh)) return;
  if (auto attrs = readConfigAttrs(config_.config)) {
    l.healthyConfig = attrs;
    if (!refresh) env_.persist();
  }
}

bool UnitBot::startingUp() const {
  const std::uint64_t started = state_.execMainStartTimestampMonotonic;
  const std::uint64_t graceUsec = static_cast<std::uint64_t>(config_.graceSec) * 1000000u;
  return started != 0 && monotonicUsec() < started + graceUsec;
}

void UnitBot::markHealthy() {
  BotLedger& l = ledger();
  if (!l.healthySince) {
    l.healthySince = env_.clock.wallSeconds();
    rememberConfigAttrs(/*refresh=*/true);
    env_.persist();
  } else if (stableArmed_) {
    return;
  }
  // Healthy since before a reload or a restart of the supervisor counts: only the rest of
  // stable_sec is waited for.
  stableArmed_ = true;
  const Seconds left =
      std::max<Seconds>(*l.healthySince + config_.stableSec - env_.clock.wallSeconds(), 0);
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
  auto saved = snapshots_.save(*content, env_.clock.wallSeconds());
  if (!saved) {
    Log::warning(
        "cannot snapshot the config of " + config_.name + ": " + saved.error(),
        {{journal_key::kEvent, event::kSnapshotFailed}, {journal_key::kTarget, config_.name}});
  } else if (!saved->empty()) {
    Log::info("saved the last-known-good config of " + config_.name + " as " + *saved,
              {{journal_key::kEvent, event::kSnapshot}, {journal_key::kTarget, config_.name}});
  }
}

bool UnitBot::healthy() const {
  return phase_ == Phase::Watching && haveState_ && state_.activeState == "active" &&
         probeFailures_ == 0;
}

std::string UnitBot::status() const {
  std::string phase = phase_ == Phase::Repairing ? "repairing"
                      : phase_ == Phase::GivenUp ? "GIVEN UP"
                      : !haveState_              ? "unknown"
                                                 : state_.activeState;
  return config_.name + " " + phase + (ready_.empty() ? "" : ", ready to restore " + ready_) +
         ", last: " + lastAction_;
}

}  // namespace openclaw::supervisor
