// One bot that runs as a systemd unit: detect, diagnose, repair, confirm, alert.
//
// Detection is event-driven: the unit's PropertiesChanged (failed, auto-restart) and the
// health probe's consecutive failures.  A failing bot's live config is judged; if it is
// invalid, the first valid restore candidate replaces it; then ResetFailedUnit +
// RestartUnit, and only the job's success *and* the probe turning green within
// `grace_sec` count as recovered.  Every repair goes through RepairPolicy (backoff, hourly
// budget, one repair at a time) and is written to the ledger before it is issued.  When the
// budget is spent or no candidate is valid the bot is given up on, with one critical alert
// naming everything tried; a valid config appearing (fixed by hand, or by `openclaw-agentctl
// restore`) or the bot turning healthy by itself resumes supervision.  A bot healthy for
// `stable_sec` has its config snapshotted as last-known-good and its backoff reset.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "bot_env.h"
#include "config_install.h"
#include "config_judge.h"
#include "openclaw/health_probe.h"
#include "openclaw/safe_path.h"
#include "supervisor_config.h"

namespace openclaw::supervisor {

class UnitBot {
 public:
  UnitBot(BotEnv& env, BotConfig config);
  ~UnitBot();
  UnitBot(const UnitBot&) = delete;
  UnitBot& operator=(const UnitBot&) = delete;

  void start();
  // Something wrote or renamed `name` in `folder`, one of watchedFolders().
  void filesChanged(const std::string& folder, const std::string& name);
  // A pause was set, changed or lifted: a bot left alone is looked at again now.
  void pauseChanged();
  // The folders of the live config and of every backup pattern.
  std::vector<std::string> watchedFolders() const;
  const BotConfig& config() const { return config_; }
  std::string status() const;
  // Active, its last health probe passed (when it has one), not being repaired, not given up.
  bool healthy() const;

 private:
  enum class Phase { Watching, Repairing, GivenUp };
  using Clock = std::chrono::steady_clock;

  void onUnitState(const UnitState& s);
  void onAutoRestart();
  // Whether the live config's folder is reached through folders only.  When a component is
  // a symlink (or not a folder) it says so once, and the bot is left alone until it is.
  bool configFolderRefused();
  void trouble(const std::string& why);
  void repair(const std::string& why, bool counted);
  void restoreThenRestart(const std::string& liveWhy);
  void installAndRestart(const CandidateResult& chosen, const std::string& liveWhy);
  void restartUnit(const std::string& what);
  void awaitHealthy(const std::string& what, Clock::time_point deadline);
  void recovered(const std::string& what);
  void repairFailed(const std::string& why);
  void giveUp(const std::string& why, nlohmann::json details, bool stopUnit);
  void tryResume(const std::string& why, bool alreadyHealthy = false);
  void recheckLater(Seconds notBefore);
  void scheduleProbe(std::chrono::milliseconds delay);
  void probeOnce();
  // The unit's main process started less than grace_sec ago (CLOCK_MONOTONIC, as systemd's
  // ExecMainStartTimestampMonotonic).
  bool startingUp() const;
  void rememberConfigAttrs(bool refresh);
  void markHealthy();
  void markUnhealthy();
  void snapshotIfStable();
  void configChanged();
  void judgeLive(Urgency urgency, ConfigJudge::VerdictCallback done);
  std::vector<RestoreCandidate> candidates() const;
  void judgeAheadSoon(std::chrono::milliseconds delay);
  void judgeAhead();
  void judgeAheadNow();  // the live config and the candidates, judged in the background
  void logRunningConfig();
  BotLedger& ledger() { return env_.ledger(config_.name); }
  ProbeSpec probeSpec() const;
  template <class F>
  auto guarded(F f) {
    return life_.guard(std::move(f));
  }

  BotEnv& env_;
  BotConfig config_;
  SystemdManager& systemd_;
  RepairPolicy policy_;
  SnapshotStore snapshots_;
  std::shared_ptr<ConfigJudge> judge_;
  std::unique_ptr<UnitWatch> watch_;
  std::unique_ptr<RunningProbe> probe_;
  boost::asio::steady_timer probeTimer_;
  boost::asio::steady_timer retryTimer_;
  boost::asio::steady_timer stableTimer_;
  boost::asio::steady_timer resumeTimer_;
  boost::asio::steady_timer aheadTimer_;
  UnitState state_;
  bool haveState_ = false;
  bool resumeRepair_ = false;
  Phase phase_ = Phase::Watching;
  std::int64_t probeFailures_ = 0;
  std::string lastProbe_ = "not probed yet";
  std::deque<Clock::time_point> autoRestarts_;
  bool crashLoopWarned_ = false;
  bool pauseNoticed_ = false;  // "left alone, paused" said for the current pause
  bool stableArmed_ = false;
  Clock::time_point repairStarted_{};
  std::uint64_t stampBeforeRestart_ = 0;  // ExecMainStartTimestampMonotonic before it
  std::string repairWhy_;
  std::string lastAction_ = "nothing yet";
  std::string ready_;           // the candidate a repair would restore now, judged ahead
  std::string warnedInvalid_;   // the invalid live content already warned about
  std::string installedFrom_;   // the candidate the last repair restored ("" if none)
  std::string installed_;       // and its content
  RefusalNotice folderNotice_;  // the live config's folder, when a component is refused
  // The bot's restart ownership while a repair runs (bot_restarts.h), its key, and the owner
  // last said to be restarting it instead.
  std::string restartKey_ = restartKey(config_);
  RestartClaim claim_;
  std::string ownerNoticed_;
  LifeToken life_;  // last: gone first, so no callback outlives what it touches
};

}  // namespace openclaw::supervisor
