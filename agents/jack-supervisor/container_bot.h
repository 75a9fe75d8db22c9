// One bot that runs as a Docker container with a healthcheck.
//
// Docker only *marks* a container unhealthy; it never restarts it for that (moby#28400).
// This reads the container's health from the Engine API every `health.interval_sec` and,
// with `restart_unhealthy`, restarts an unhealthy container under the same RepairPolicy as
// unit bots (backoff, hourly budget persisted across supervisor restarts), then waits for
// Docker to report it healthy within `grace_sec`.  Without `restart_unhealthy` it only
// reports.  A given-up container is resumed when Docker reports it healthy again.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "bot_env.h"
#include "supervisor_config.h"

namespace openclaw::supervisor {

class ContainerBot {
 public:
  ContainerBot(BotEnv& env, BotConfig config);
  ContainerBot(const ContainerBot&) = delete;
  ContainerBot& operator=(const ContainerBot&) = delete;

  void start();
  const BotConfig& config() const { return config_; }
  std::string status() const;
  // Running and healthy (or running without a healthcheck), not being repaired, not given up.
  bool healthy() const;

 private:
  using Clock = std::chrono::steady_clock;

  void inspect();
  void onHealth(const std::string& health);
  void restart(const std::string& why, bool counted);
  void awaitHealthy(Clock::time_point deadline);
  void finishRepair(bool ok, const std::string& detail);
  void giveUp(const std::string& why);
  void scheduleInspect(std::chrono::milliseconds delay);
  BotLedger& ledger() { return env_.ledger(config_.name); }
  template <class F>
  auto guarded(F f) {
    return life_.guard(std::move(f));
  }

  BotEnv& env_;
  BotConfig config_;
  RepairPolicy policy_;
  boost::asio::steady_timer timer_;
  std::string health_ = "unknown";
  bool repairing_ = false;
  bool resumeRepair_ = false;
  bool warnedUnhealthy_ = false;
  bool pauseNoticed_ = false;  // "left alone, paused" said for the current pause
  Clock::time_point repairStarted_{};
  std::string repairWhy_;
  std::string restartKey_ = restartKey(config_);
  RestartClaim claim_;  // the bot's restart ownership while a restart runs
  std::string ownerNoticed_;
  std::string lastAction_ = "nothing yet";
  LifeToken life_;  // last: gone first, so no callback outlives what it touches
};

}  // namespace openclaw::supervisor
