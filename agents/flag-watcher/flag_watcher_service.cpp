#include "flag_watcher_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/asio/post.hpp>

#include <cstring>
#include <ctime>

#include "boot_token.h"
#include "flag_folder.h"
#include "ledger_file.h"
#include "openclaw/bot_pause.h"
#include "openclaw/events.h"
#include "openclaw/log.h"

namespace openclaw::flagwatcher {
namespace {

// What makes a name appear in a folder: created, moved in, or an existing flag touched.
// The folder is watched through its descriptor (/proc/self/fd/N), so the watch is on the
// folder reached safely, not on whatever the path leads to at the time of the call.
constexpr std::uint32_t kFolderEvents =
    IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR;
// A folder that cannot be opened (missing, or a component swapped for a symlink) is tried
// again this often.
constexpr std::chrono::seconds kReopenEvery{10};
// Containers get a second to stop cleanly before the engine kills them.
constexpr int kContainerStopSec = 1;

std::string currentBootToken() {
  auto token = bootToken(runtimeDirectory());
  if (token) return *token;
  Log::warning("no boot token (" + token.error() +
                   "): a restart interrupted by a crash will be redone, not checked",
               {{journal_key::kEvent, event::kBootTokenMissing}});
  return "";
}

std::string humanTime(const Clock& clock) {
  const std::time_t t = std::chrono::system_clock::to_time_t(clock.wall());
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Z %Y", std::localtime(&t));
  return buf;
}

std::map<std::string, TargetLedger> loadReporting(const StateFile& file) {
  LedgerRead loaded = loadLedgers(file);
  for (const auto& problem : loaded.problems) {
    Log::warning("state " + file.path() + " damaged: " + problem,
                 {{journal_key::kEvent, event::kStateReset}});
  }
  return std::move(loaded.ledgers);
}

std::uint64_t monotonicUsec(const Clock& clock) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(clock.steady().time_since_epoch())
          .count());
}

void logSummary(const NoiseSummary& s) {
  Log::write(s.kind.priority, summaryText(s),
             {{journal_key::kEvent, s.kind.event},
              {journal_key::kFolder, s.kind.folder},
              {journal_key::kTarget, s.kind.target},
              {journal_key::kSuppressed, std::to_string(s.suppressed)}});
}

}  // namespace

FlagWatcherService::FlagWatcherService(DaemonContext& ctx, SystemdManagers::Factory systemd)
    : ctx_(ctx),
      systemdFactory_(std::move(systemd)),
      alerter_(ctx.io, ctx.name, ctx.stateDir),
      report_(ctx.io, ctx.name, ctx.stateDir),
      noise_(ctx.io, logSummary),
      state_(ctx.stateDir + "/state.json"),
      inFlight_(runtimeDirectory() + "/in-flight.json", Survives::Kill),
      bootId_(currentBootToken()) {
  publishOutboxDepth(report_, alerter_);
}

FlagWatcherService::~FlagWatcherService() = default;

void FlagWatcherService::start(const FlagWatcherConfig& config) {
  takeConfig(config);
  startOnce();
  serve("start");
}

void FlagWatcherService::reload(const FlagWatcherConfig& config) {
  takeConfig(config);
  serve("reload");
}

void FlagWatcherService::takeConfig(const FlagWatcherConfig& config) {
  alerter_.configureChannels(config.notify);
  config_ = config;
  policy_ = std::make_unique<RevivePolicy>(config.minIntervalSec, config.maxPerHour);
}

void FlagWatcherService::serve(const std::string& why) {
  retainManagers();
  openFolders();
  scanAll(why);
  reportBudgets();
  setStatus();
}

void FlagWatcherService::startOnce() {
  // Whatever the damage, start: losing history only loosens the hourly budget (and redoes
  // an interrupted restart), while refusing to start would leave every bot without revives.
  ledgers_ = loadReporting(state_);
  // The history first, then what was in flight when the daemon last stopped (a state.json
  // of an older version may hold some too): both files are rewritten in today's split.
  mergeInFlight(ledgers_, loadReporting(inFlight_));
  persistHistory();
  persistInFlight();
  auto inotify = InotifyWatcher::create(ctx_.io, [this](const InotifyEvent& e) { onEvent(e); });
  if (!inotify) {
    Log::error("cannot create an inotify instance: " + inotify.error().message());
  } else {
    inotify_ = std::move(inotify).value();
    inotify_->start();
  }
  managers_ = std::make_unique<SystemdManagers>(
      ctx_.io, [this] { setStatus(); }, systemdFactory_);
  resumeInterrupted();
}

void FlagWatcherService::openFolders() {
  for (auto& f : folders_) {
    if (f.watch >= 0 && inotify_) inotify_->remove(f.watch);
  }
  folders_.clear();
  bool allOpen = true;
  for (const auto& dir : config_.directories) {
    folders_.push_back(Folder{dir.path, dir.allow, {}, -1, {}});
    allOpen = openFolder(folders_.back()) && allOpen;
  }
  if (!allOpen) reopenLater();
}

bool FlagWatcherService::openFolder(Folder& folder) {
  // Reached through folders only: a container that swaps a parent of its flag folder for
  // a symlink does not get another folder's names read (and removed) as flags.
  auto fd = openFolderPath(folder.path);
  if (!fd) {
    const PathRefused& why = fd.error();
    if (folder.notice.refused(why)) {
      const bool missing = why.problem == PathProblem::Missing;
      Log::error((missing ? "cannot open flag folder " : "flag folder ") + folder.path +
                     (missing ? ": " : " is refused: ") + why.message() + "; tried again every " +
                     std::to_string(kReopenEvery.count()) + " s",
                 {{journal_key::kEvent, missing ? event::kFolderMissing : event::kPathRefused},
                  {journal_key::kFolder, folder.path},
                  {journal_key::kComponent, why.at},
                  {journal_key::kReason, problemName(why.problem)}});
    }
    return false;
  }
  if (folder.notice.resolved()) {
    Log::notice("flag folder " + folder.path + " opens again: watched",
                {{journal_key::kEvent, event::kPathResolved}, {journal_key::kFolder, folder.path}});
  }
  folder.fd = std::move(fd).value();
  if (inotify_) {
    auto wd = inotify_->add("/proc/self/fd/" + std::to_string(folder.fd.get()), kFolderEvents);
    if (wd) {
      folder.watch = *wd;
    } else {
      Log::warning(
          "cannot watch flag folder " + folder.path + ": " + wd.error().message() +
              "; its flags are seen at the next start or reload",
          {{journal_key::kEvent, event::kWatchFailed}, {journal_key::kFolder, folder.path}});
    }
  }
  return true;
}

void FlagWatcherService::reopenLater() {
  if (!reopenTimer_) reopenTimer_ = std::make_unique<boost::asio::steady_timer>(ctx_.io);
  reopenTimer_->expires_after(kReopenEvery);
  reopenTimer_->async_wait(life_.guard([this](boost::system::error_code ec) {
    if (ec) return;
    bool allOpen = true;
    for (auto& folder : folders_) {
      if (folder.fd) continue;
      if (!openFolder(folder)) {
        allOpen = false;
        continue;
      }
      // Flags dropped while it could not be opened are handled now.
      auto names = listFolder(folder.fd.get());
      if (names) {
        for (const auto& name : *names) handleName(folder, name);
      }
    }
    if (!allOpen) reopenLater();
  }));
}

void FlagWatcherService::scanAll(const std::string& why) {
  for (auto& folder : folders_) {
    if (!folder.fd) continue;
    auto names = listFolder(folder.fd.get());
    if (!names) continue;
    if (!names->empty()) {
      Log::info("scanning " + folder.path + " (" + why + "): " + std::to_string(names->size()) +
                    " entr(ies)",
                {{journal_key::kEvent, event::kScan}, {journal_key::kFolder, folder.path}});
    }
    for (const auto& name : *names) handleName(folder, name);
  }
}

void FlagWatcherService::onEvent(const InotifyEvent& event) {
  if (event.mask & IN_Q_OVERFLOW) {
    Log::warning("inotify queue overflowed: rescanning every folder",
                 {{journal_key::kEvent, event::kOverflow}});
    scanAll("overflow");
    return;
  }
  for (auto& folder : folders_) {
    if (folder.watch != event.watch) continue;
    if (event.mask & (IN_IGNORED | IN_DELETE_SELF | IN_UNMOUNT)) {
      Log::error(
          "flag folder " + folder.path + " went away; tried again every " +
              std::to_string(kReopenEvery.count()) + " s",
          {{journal_key::kEvent, event::kFolderMissing}, {journal_key::kFolder, folder.path}});
      folder.watch = -1;
      folder.fd.reset();
      reopenLater();
      return;
    }
    if (!event.name.empty()) handleName(folder, event.name);
    return;
  }
}

void FlagWatcherService::handleName(Folder& folder, const std::string& name) {
  auto entry = inspectEntry(folder.fd.get(), name, folder.allow);
  if (!entry) return;  // already gone (handled, or removed by its writer)
  if (!entry->isFlag()) return rejectEntry(folder, *entry, name);
  const std::string& target = entry->target;
  const std::string who = "uid " + std::to_string(entry->owner) + " in " + folder.path;
  // Paused for maintenance (`openclaw-agentctl pause`): the flag is absorbed, nothing is
  // restarted or counted.  Its log lines share the refusals' bound.
  if (const auto pause = pauseOf(kPauseDir, target, now())) {
    return dropFlag(folder, *entry, {event::kRevivePaused, "paused", "paused", LOG_NOTICE},
                    "revive of " + target + " requested by " + who + " not done: " + target +
                        " is paused " + pause->describe());
  }
  TargetLedger& ledger = ledgers_[target];
  const Seconds at = now();
  const ReviveDecision decision =
      policy_->decide(ledger, at, restarts_.byOthers(restartKeyOf(target), at));
  if (decision == ReviveDecision::RefusedBudget) return refuseFlag(folder, *entry, who);
  if (decision != ReviveDecision::RestartNow) {
    return dropFlag(folder, *entry, {event::kReviveCoalesced, "coalesced", "coalesced", LOG_INFO},
                    "coalesced revive of " + target + " requested by " + who + ": " +
                        std::string(toString(decision)));
  }
  // One restart owner per bot: while jack-supervisor repairs it, the repair is the restart
  // the flag asks for.
  if (const auto owner = claimRestart(target, "revive of " + target + " by flag", at)) {
    lastAction_ = "absorbed a flag for " + target + " into " + owner->describe();
    setStatus();
    return dropFlag(folder, *entry, {event::kReviveAbsorbed, "absorbed", "absorbed", LOG_NOTICE},
                    "revive of " + target + " requested by " + who + " absorbed by " +
                        owner->describe() + ": one restart owner per bot");
  }
  restartForFlag(folder, *entry, at);
}

void FlagWatcherService::rejectEntry(Folder& folder, const FolderEntry& entry,
                                     const std::string& name) {
  auto removed = removeEntry(folder.fd.get(), entry);
  report_.metrics().add("openclaw_flags_rejected_total", {});
  report_.changed();
  if (!noise_.admit({std::string(event::kFlagRejected), folder.path, "",
                     removed ? "removed" : "could not be removed", LOG_WARNING})) {
    return;
  }
  const std::string uid = std::to_string(entry.owner);
  Log::warning("ignored " + entry.type + " '" + name + "' in " + folder.path + " (owner uid " +
                   uid + "): " + entry.reason +
                   (removed ? "; removed" : "; could not remove: " + removed.error().message()),
               {{journal_key::kEvent, event::kFlagRejected},
                {journal_key::kFolder, folder.path},
                {journal_key::kFlagName, name},
                {journal_key::kFlagType, entry.type},
                {journal_key::kFlagUid, uid}});
}

void FlagWatcherService::dropFlag(Folder& folder, const FolderEntry& entry, const Dropped& why,
                                  const std::string& message) {
  (void)removeEntry(folder.fd.get(), entry);
  countRevive(entry.target, why.result);
  if (!noise_.admit({std::string(why.event), folder.path, entry.target, why.what, why.priority}))
    return;
  Log::write(why.priority, message,
             {{journal_key::kEvent, why.event},
              {journal_key::kTarget, entry.target},
              {journal_key::kFolder, folder.path},
              {journal_key::kFlagUid, std::to_string(entry.owner)}});
}

void FlagWatcherService::refuseFlag(Folder& folder, const FolderEntry& entry,
                                    const std::string& who) {
  const std::string& target = entry.target;
  // Every refusal goes to the Alerter, which tells the first and counts the rest.
  alerter_.raise({"warning",
                  "",
                  std::string(event::kReviveRefused),
                  target,
                  "revive of " + target + " refused: hourly budget of " +
                      std::to_string(config_.maxPerHour) + " restarts spent",
                  {{"folder", folder.path}, {"uid", entry.owner}}});
  if (lastAction_ != "refused " + target + " (budget)") {
    lastAction_ = "refused " + target + " (budget)";
    setStatus();
  }
  dropFlag(folder, entry, {event::kReviveRefused, "refused-budget", "refused", LOG_WARNING},
           "refused revive of " + target + " requested by " + who + ": " +
               std::to_string(config_.maxPerHour) + " restarts in the last hour");
}

void FlagWatcherService::restartForFlag(Folder& folder, const FolderEntry& entry, Seconds at) {
  const std::string& target = entry.target;
  TargetLedger& ledger = ledgers_[target];
  seenAt_[target] = ctx_.clock.steady();
  ledger.requester.folder = folder.path;
  ledger.requester.uid = entry.owner;
  beginRestart(target, /*countAgainstBudget=*/true);
  // Only now that the request is recorded may the flag go: a crash before this line leaves
  // the flag (or the in-flight record) to be found at start-up.
  (void)removeEntry(folder.fd.get(), entry);
  sendRestart(target);
  // Off the flag's path, once the restart is on its way: the fsync'd history (a crash
  // before it is healed from the in-flight record), then the shared ledger, the other
  // agents' view of the budget (a kill -9 before it costs one uncounted restart there).
  persistHistory();
  countShared(target, at);
  reportBudgets();
}

std::string FlagWatcherService::restartKeyOf(const std::string& target) const {
  const auto it = config_.targets.find(target);
  return it == config_.targets.end() ? std::string() : restartKey(it->second);
}

std::optional<RestartOwner> FlagWatcherService::claimRestart(const std::string& target,
                                                             const std::string& what, Seconds at) {
  auto claim = restarts_.claim(restartKeyOf(target), what, at);
  if (!claim) return claim.error();
  claims_[target] = std::move(*claim);
  return std::nullopt;
}

void FlagWatcherService::countShared(const std::string& target, Seconds at) {
  const auto claim = claims_.find(target);
  if (claim == claims_.end()) return;
  if (auto r = restarts_.count(claim->second, at); !r) {
    Log::warning(
        "cannot count the revive of " + target +
            " in the shared restart ledger: " + r.error().message(),
        {{journal_key::kEvent, event::kRestartLedgerFailed}, {journal_key::kTarget, target}});
  }
}

void FlagWatcherService::beginRestart(const std::string& target, bool countAgainstBudget) {
  TargetLedger& ledger = ledgers_[target];
  const Seconds at = now();
  ledger.pendingSince = at;
  ledger.inFlightSince = at;
  ledger.bootId = bootId_;
  ledger.beganUsec = monotonicUsec(ctx_.clock);
  ledger.startStampBefore = 0;
  ledger.countedAt.reset();
  if (countAgainstBudget) {
    ledger.restarts.push_back(at);
    ledger.countedAt = at;
  }
  // Recorded before anything is asked of systemd or Docker: after a kill -9 from here on,
  // the restart is resumed (or found done), never lost and never charged twice.  /run is
  // enough for that, and costs no fsync on the flag's path.
  persistInFlight();
}

void FlagWatcherService::countRevive(const std::string& target, const char* result) {
  // Only configured targets get a series: a flag's name is a container's choice.
  if (!config_.targets.contains(target)) return;
  report_.metrics().add("openclaw_revives_total", {{"bot", target}, {"result", result}});
  report_.changed();
}

void FlagWatcherService::reportBudgets() {
  auto& m = report_.metrics();
  m.clearGauge("openclaw_restart_budget_remaining");
  const Seconds at = now();
  for (const auto& [name, t] : config_.targets) {
    const auto it = ledgers_.find(name);
    TargetLedger none;
    m.set("openclaw_restart_budget_remaining", {{"bot", name}},
          static_cast<double>(policy_->remaining(it == ledgers_.end() ? none : it->second, at,
                                                 restarts_.byOthers(restartKey(t), at))));
  }
  report_.changed();
}

void FlagWatcherService::sendRestart(const std::string& target) {
  const auto it = config_.targets.find(target);
  if (it == config_.targets.end()) return finish(target, "target no longer configured", false);
  if (!it->second.unit.empty()) {
    restartUnit(target, it->second);
  } else {
    restartContainer(target, it->second.container);
  }
}

void FlagWatcherService::restartUnit(const std::string& target, const FlagTarget& t) {
  // Straight to RestartUnit, with no round trip before it: a failed unit restarts like any
  // other, and one latched in start-limit-hit fails the job, which retryIfLatched resets
  // and retries once.
  SystemdManager& systemd = managers_->get(t.scope);
  systemd.restartUnit(t.unit, life_.guard([this, target, t](const JobOutcome& o) {
    if (o.result == JobResult::Failed) return retryIfLatched(target, t);
    finish(target, o.error.failed() ? o.error.text() : std::string(toString(o.result)), o.ok());
  }));
}

void FlagWatcherService::retryIfLatched(const std::string& target, const FlagTarget& t) {
  // Our own restart can be the start that trips the unit's start limit; the operator
  // asked for the bot to run, so reset the latch and try once more.
  SystemdManager& systemd = managers_->get(t.scope);
  systemd.getUnitState(t.unit, life_.guard([this, &systemd, target, t](const auto& state) {
    if (!state.ok() || state->result != "start-limit-hit") return finish(target, "failed", false);
    Log::info(t.unit + " hit its start limit on this restart: resetting it and retrying once",
              {{journal_key::kEvent, event::kResetFailed}, {journal_key::kTarget, target}});
    systemd.resetFailedUnit(t.unit, life_.guard([this, &systemd, target, t](const BusCallError&) {
      systemd.restartUnit(t.unit, life_.guard([this, target](const JobOutcome& o) {
        finish(target, o.error.failed() ? o.error.text() : std::string(toString(o.result)), o.ok());
      }));
    }));
  }));
}

void FlagWatcherService::retainManagers() {
  std::set<ManagerScope> inUse;
  for (const auto& [name, target] : config_.targets) {
    if (!target.unit.empty()) inUse.insert(target.scope);
  }
  managers_->retain(inUse);
  // Connected now, not at the first flag: STATUS then says at once whether each manager a
  // target lives in can be reached, and the first revive does not pay for the connection.
  for (const ManagerScope& scope : inUse) (void)managers_->get(scope);
}

void FlagWatcherService::restartContainer(const std::string& target, const std::string& container) {
  DockerEngine engine(ctx_.io, config_.dockerSocket);
  engine.restartContainer(
      container, kContainerStopSec, life_.guard([this, target](const Expected<Ok, std::string>& r) {
        finish(target, r ? std::string(revive_result::kDone) : r.error(), r.ok());
      }));
}

void FlagWatcherService::finish(const std::string& target, const std::string& result, bool ok) {
  claims_.erase(target);  // the bot's restarts are anyone's again
  TargetLedger& ledger = ledgers_[target];
  const Requester by = ledger.requester;
  clearInFlight(ledger);
  persistInFlight();
  std::string latency;
  if (auto it = seenAt_.find(target); it != seenAt_.end()) {
    latency = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.clock.steady() - it->second)
            .count());
    seenAt_.erase(it);
  }
  ++revives_;
  const std::string who = by.folder.empty() ? "a request from before the daemon restarted"
                                            : "uid " + std::to_string(by.uid) + " in " + by.folder;
  Log::write(ok ? LOG_NOTICE : LOG_ERR,
             std::string(ok ? "revived " : "revive failed for ") + target + " (" + result +
                 "), requested by " + who + (latency.empty() ? "" : ", " + latency + " ms"),
             {{journal_key::kEvent, event::kRevive},
              {journal_key::kTarget, target},
              {journal_key::kResult, result},
              {journal_key::kFolder, by.folder},
              {journal_key::kFlagUid, std::to_string(by.uid)},
              {journal_key::kLatencyMs, latency}});
  if (!ok) {
    alerter_.raise({"critical",
                    "",
                    std::string(event::kReviveFailed),
                    target,
                    "revive of " + target + " failed: " + result,
                    {{"folder", by.folder}}});
  }
  if (!config_.logFile.empty()) {
    appendHumanLog("[" + humanTime(ctx_.clock) + "] " + target +
                   (ok ? " restarted via flag" : " revive failed") + " (" + result +
                   ", requested by " + who + ")\n");
  }
  lastAction_ = std::string(ok ? "revived " : "failed to revive ") + target + " at " +
                humanTime(ctx_.clock) + (latency.empty() ? "" : " in " + latency + " ms");
  // Counts and budgets first: the action writes them with it, at once.
  countRevive(target, ok ? "restarted" : "failed");
  if (ok) report_.succeeded(event::kRevive);
  reportBudgets();
  report_.action({std::string(event::kRevive), target,
                  std::string(ok ? "revived " : "failed to revive ") + target + " (" + result +
                      ") on a request from " + who,
                  0});
  setStatus();
}

void FlagWatcherService::appendHumanLog(const std::string& line) {
  // The seeds keep this log in a folder the bot's container can write: never follow a
  // symlink planted there, never block on a FIFO, append only to a regular file.
  UniqueFd fd(::open(config_.logFile.c_str(),
                     O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    Log::warning("not writing to " + config_.logFile + ": not a regular file we can open",
                 {{journal_key::kEvent, event::kLogFileRefused}});
    return;
  }
  if (::write(fd.get(), line.data(), line.size()) < 0) {
    Log::warning("cannot append to " + config_.logFile + ": " + std::strerror(errno));
  }
}

void FlagWatcherService::resumeInterrupted() {
  for (auto& [target, ledger] : ledgers_) {
    if (!ledger.inFlightSince) continue;
    const auto it = config_.targets.find(target);
    if (it != config_.targets.end() && !it->second.unit.empty()) {
      resumeUnit(target, it->second, ledger);
      continue;
    }
    Log::info("resuming the revive of " + target + " interrupted by a daemon restart",
              {{journal_key::kEvent, event::kReviveResumed}, {journal_key::kTarget, target}});
    resumeRestart(target);
  }
}

void FlagWatcherService::resumeRestart(const std::string& target) {
  const auto owner = claimRestart(target, "resumed revive of " + target, now());
  if (owner) return finish(target, "absorbed by " + owner->describe(), true);
  beginRestart(target, /*countAgainstBudget=*/false);
  sendRestart(target);
  reportBudgets();
}

void FlagWatcherService::resumeUnit(const std::string& target, const FlagTarget& t,
                                    const TargetLedger& before) {
  // The restart we issued before dying may still be running in systemd: wait until the
  // unit settles, then look at its start stamp.  Issuing another restart while the first
  // is under way would restart the bot twice.
  auto settled = std::make_shared<bool>(false);
  auto decide = [this, target, before, settled](const UnitState& s) {
    if (*settled || s.activeState == "activating" || s.activeState == "deactivating" ||
        s.activeState == "reloading") {
      return false;
    }
    *settled = true;
    // Not from inside the watch's own callback: drop it on the next turn of the loop.
    boost::asio::post(ctx_.io, life_.guard([this, target] { resumeWatches_.erase(target); }));
    const bool active = s.activeState == "active";
    const ResumeDecision d =
        decideResume(before, bootId_, {s.execMainStartTimestampMonotonic, active});
    if (d == ResumeDecision::RestartAgain) {
      Log::info("resuming the revive of " + target + " interrupted by a daemon restart",
                {{journal_key::kEvent, event::kReviveResumed},
                 {journal_key::kTarget, target},
                 {journal_key::kResult, std::string(toString(d))}});
      resumeRestart(target);
      return true;
    }
    const bool reboot = d == ResumeDecision::DoneByReboot;
    Log::info("the restart of " + target + " issued before this daemon restarted has happened" +
                  (reboot ? " (the host rebooted since and the unit is active)" : ""),
              {{journal_key::kEvent, event::kReviveResumed},
               {journal_key::kTarget, target},
               {journal_key::kResult, std::string(toString(d))}});
    finish(target, reboot ? "done by a reboot" : "done before the daemon restarted", active);
    return true;
  };
  SystemdManager& systemd = managers_->get(t.scope);
  auto onState = life_.guard([decide](const Expected<UnitState, std::string>& state) {
    if (state.ok()) decide(*state);
  });
  resumeWatches_[target] = systemd.watchUnit(t.unit, onState);
  systemd.getUnitState(t.unit, onState);
}

void FlagWatcherService::persistHistory() {
  save(state_, LedgerPart::History);
}

void FlagWatcherService::persistInFlight() {
  save(inFlight_, LedgerPart::InFlight);
}

void FlagWatcherService::save(const StateFile& file, LedgerPart part) {
  if (auto r = file.save(toJson(ledgers_, part)); !r) {
    Log::error("cannot save state to " + file.path() + ": " + r.error().message(),
               {{journal_key::kEvent, event::kStateWriteFailed}});
  }
}

void FlagWatcherService::setStatus() {
  ctx_.notifier.status(status());
}

std::string FlagWatcherService::status() const {
  std::size_t watching = 0;
  for (const auto& f : folders_) watching += f.fd ? 1 : 0;
  const std::string problems = managers_ ? managers_->problems() : "";
  return "watching " + std::to_string(watching) + "/" + std::to_string(folders_.size()) +
         " folder(s) for " + std::to_string(config_.targets.size()) + " target(s); " +
         std::to_string(revives_) + " revive(s); last: " + lastAction_ +
         (problems.empty() ? "" : "; " + problems);
}

void FlagWatcherService::stop() {
  reopenTimer_.reset();
  inotify_.reset();
  resumeWatches_.clear();
  managers_.reset();
}

}  // namespace openclaw::flagwatcher
