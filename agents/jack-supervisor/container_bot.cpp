#include "container_bot.h"

#include "openclaw/docker_engine.h"
#include "openclaw/events.h"
#include "openclaw/log.h"

namespace openclaw::supervisor {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Docker's own healthcheck sets the pace after a restart; reading it every second is cheap.
constexpr milliseconds kRecoveryInspectEvery{1000};
// A container gets this long to stop cleanly before the engine kills it.
constexpr int kStopTimeoutSec = 10;

long long msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - t).count();
}

// State.Health.Status, "none" without a healthcheck, "not running" for a stopped one.
std::string healthOf(const nlohmann::json& inspect) {
  const auto state = inspect.find("State");
  if (state == inspect.end() || !state->is_object()) return "unknown";
  if (!state->value("Running", false)) return "not running";
  const auto health = state->find("Health");
  if (health == state->end() || !health->is_object()) return "none";
  return health->value("Status", std::string("none"));
}

}  // namespace

ContainerBot::ContainerBot(BotEnv& env, BotConfig config)
    : env_(env), config_(std::move(config)), policy_(config_.maxRestoresPerHour), timer_(env.io) {}

void ContainerBot::start() {
  BotLedger& l = ledger();
  if (l.givenUp) lastAction_ = "given up: " + l.givenUpWhy;
  // A restart interrupted by a supervisor restart is judged by the next inspect: an
  // unhealthy container is repaired again without charging the budget twice.
  resumeRepair_ = l.inFlightSince.has_value();
  l.inFlightSince.reset();
  scheduleInspect(milliseconds(0));
}

void ContainerBot::scheduleInspect(std::chrono::milliseconds delay) {
  timer_.expires_after(delay);
  timer_.async_wait(guarded([this](boost::system::error_code ec) {
    if (!ec) inspect();
  }));
}

void ContainerBot::inspect() {
  DockerEngine(env_.io, env_.dockerSocket)
      .inspectContainer(config_.container,
                        guarded([this](const Expected<nlohmann::json, std::string>& r) {
                          // A repair under way owns the timer until it finishes.
                          if (repairing_) return;
                          if (!r.ok()) {
                            health_ = "unknown (" + r.error() + ")";
                          } else {
                            onHealth(healthOf(*r));
                          }
                          if (!repairing_) {
                            scheduleInspect(seconds(config_.containerHealth.intervalSec));
                          }
                        }));
}

void ContainerBot::onHealth(const std::string& health) {
  health_ = health;
  BotLedger& l = ledger();
  if (health == "healthy") {
    warnedUnhealthy_ = false;
    resumeRepair_ = false;
    if (l.givenUp) {
      l.givenUp = false;
      l.givenUpWhy.clear();
      l.failedRepairs = 0;
      env_.persist();
      lastAction_ = "healthy again by itself; supervision resumed";
      env_.alerter.raise({"recovered",
                          "jack-supervisor",
                          std::string(event::kRecovered),
                          config_.name,
                          config_.name + " is healthy again; supervision resumed",
                          {{"container", config_.container}}});
      env_.statusChanged();
    }
    return;
  }
  if (health != "unhealthy") return;
  if (!config_.restartUnhealthy) {
    if (!warnedUnhealthy_) {
      warnedUnhealthy_ = true;
      env_.alerter.raise({"warning",
                          "jack-supervisor",
                          std::string(event::kUnhealthy),
                          config_.name,
                          config_.name + " is unhealthy; restart_unhealthy is off",
                          {{"container", config_.container}}});
    }
    return;
  }
  // Paused for maintenance: not restarted, nothing counted; the next inspect looks again.
  if (const auto pause = env_.paused(config_.name)) {
    noticePaused(pauseNoticed_, config_.name, *pause, "Docker reports it unhealthy");
    lastAction_ = "paused " + pause->describe() + ", left alone while unhealthy";
    return;
  }
  pauseNoticed_ = false;
  if (resumeRepair_) {
    resumeRepair_ = false;
    return restart("a restart interrupted by a supervisor restart; still unhealthy", false);
  }
  const Seconds now = env_.clock.wallSeconds();
  const RepairVerdict v = policy_.decide(l, now, env_.restarts.byOthers(restartKey_, now));
  if (v.decision == RepairDecision::RepairNow) return restart("Docker reports it unhealthy", true);
  if (v.decision == RepairDecision::RefusedBudget) {
    giveUp("the budget of " + std::to_string(config_.maxRestoresPerHour) +
           " restarts an hour (its own and flag-watcher's) is spent and it is still unhealthy");
  }
}

void ContainerBot::restart(const std::string& why, bool counted) {
  auto claim = beginRepair(env_, restartKey_, config_.name, why, counted, ledger());
  if (!claim) {
    // flag-watcher is restarting it: the next inspect looks again.
    noticeOwner(ownerNoticed_, config_.name, claim.error(), why);
    lastAction_ = "waiting for " + claim.error().describe();
    return;
  }
  claim_ = std::move(*claim);
  ownerNoticed_.clear();
  repairing_ = true;
  repairStarted_ = env_.clock.steady();
  repairWhy_ = why;
  Log::notice("restarting container " + config_.container + " of " + config_.name + ": " + why,
              {{journal_key::kEvent, event::kRepair}, {journal_key::kTarget, config_.name}});
  DockerEngine(env_.io, env_.dockerSocket)
      .restartContainer(config_.container, kStopTimeoutSec,
                        guarded([this](const Expected<Ok, std::string>& r) {
                          if (!r.ok()) return finishRepair(false, "restart failed: " + r.error());
                          awaitHealthy(env_.clock.steady() + seconds(config_.graceSec));
                        }));
}

void ContainerBot::awaitHealthy(Clock::time_point deadline) {
  DockerEngine(env_.io, env_.dockerSocket)
      .inspectContainer(config_.container,
                        guarded([this, deadline](const Expected<nlohmann::json, std::string>& r) {
                          const std::string h = r.ok() ? healthOf(*r) : r.error();
                          health_ = h;
                          if (h == "healthy" || h == "none") return finishRepair(true, h);
                          if (env_.clock.steady() >= deadline) {
                            return finishRepair(false, "restarted, but not healthy within " +
                                                           std::to_string(config_.graceSec) +
                                                           " s (" + h + ")");
                          }
                          timer_.expires_after(kRecoveryInspectEvery);
                          timer_.async_wait(guarded([this, deadline](boost::system::error_code ec) {
                            if (!ec) awaitHealthy(deadline);
                          }));
                        }));
}

void ContainerBot::finishRepair(bool ok, const std::string& detail) {
  repairing_ = false;
  const long long took = msSince(repairStarted_);
  BotLedger& l = ledger();
  l.inFlightSince.reset();
  if (!ok) l.failedRepairs++;
  env_.persist();
  claim_ = RestartClaim();
  lastAction_ = (ok ? "restarted, healthy in " + std::to_string(took) + " ms"
                    : "restart did not heal it: " + detail);
  reportRepair(env_, config_.name, ok,
               ok ? "container " + config_.container + " restarted, healthy in " +
                        std::to_string(took) + " ms"
                  : "restarting container " + config_.container + " did not heal it: " + detail);
  if (!ok) {
    Log::error(config_.name + " repair failed (" + std::to_string(took) + " ms): " + detail,
               {{journal_key::kEvent, event::kRepairFailed}, {journal_key::kTarget, config_.name}});
  } else {
    env_.alerter.raise(
        {"recovered",
         "jack-supervisor",
         std::string(event::kRecovered),
         config_.name,
         config_.name + " is healthy again after a container restart (" + std::to_string(took) +
             " ms)",
         {{"cause", repairWhy_}, {"container", config_.container}, {"recovery_ms", took}}});
  }
  // The next inspect decides what comes next, under the backoff.
  scheduleInspect(seconds(ok ? config_.containerHealth.intervalSec
                             : std::max<Seconds>(RepairPolicy::backoff(l.failedRepairs),
                                                 config_.containerHealth.intervalSec)));
  env_.statusChanged();
}

bool ContainerBot::healthy() const {
  return !repairing_ && !env_.ledger(config_.name).givenUp &&
         (health_ == "healthy" || health_ == "none");
}

void ContainerBot::giveUp(const std::string& why) {
  BotLedger& l = ledger();
  l.givenUp = true;
  l.givenUpWhy = why;
  env_.persist();
  claim_ = RestartClaim();
  lastAction_ = "gave up: " + why;
  env_.alerter.raise(
      {"critical",
       "jack-supervisor",
       std::string(event::kGaveUp),
       config_.name,
       config_.name + ": stopped restarting, " + why,
       {{"container", config_.container},
        {"repairs_last_hour", l.repairs},
        {"resume", "restart it by hand once fixed: docker restart " + config_.container}}});
  env_.report.action({std::string(event::kGaveUp), config_.name, "stopped restarting, " + why, 0});
  env_.gaveUp(config_.name + ": stopped restarting, " + why);
  env_.statusChanged();
}

std::string ContainerBot::status() const {
  return config_.name + " " + (repairing_ ? std::string("repairing") : health_) +
         ", last: " + lastAction_;
}

}  // namespace openclaw::supervisor
